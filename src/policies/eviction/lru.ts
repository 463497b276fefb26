import type { EvictionPolicy, EvictionPolicyDef, PolicyEnv, TouchReasonCode } from '../types';
import { IntrusiveList } from './intrusive-list';

/**
 * Least recently used with refresh (gmem-linux, gmem-model.md §7): a slot moves to the most-recent end on
 * insertion and on every `onTouch` (the system calls it for MARK_HOT, WILLNEED and prefetch, and for plain
 * accesses only when it models access bits). `victim()` returns the least recent evictable slot.
 */
class Lru implements EvictionPolicy {
  private readonly list: IntrusiveList;
  constructor(private readonly env: PolicyEnv) {
    this.list = new IntrusiveList(env.slots);
  }
  onInsert(slot: number): void {
    if (this.list.member[slot]) this.list.moveToHead(slot);
    else this.list.pushHead(slot);
  }
  onTouch(slot: number, _tNs: number, _why: TouchReasonCode): void {
    if (this.list.member[slot]) this.list.moveToHead(slot);
  }
  onRemove(slot: number): void {
    this.list.remove(slot);
  }
  victim(): number {
    const prev = this.list.prev;
    for (let s = this.list.tail; s !== -1; s = prev[s]!) if (this.env.isEvictable(s)) return s;
    return -1;
  }
}

export const lru: EvictionPolicyDef<Record<string, never>> = {
  name: 'lru',
  summary: 'least recently used; recency refreshed on insert and on every touch the system reports (MARK_HOT, WILLNEED, prefetch)',
  defaults: {},
  params: {},
  create: (_p, env) => new Lru(env),
};
