import type { EvictionPolicyDef, TouchReasonCode } from '../types';
import { ListOrderPolicy } from './list-order';

/**
 * Least recently used with refresh (gmem-linux, docs/gmem-model.md §7): a slot moves to the most-recent end on
 * insertion and on every `onTouch` (the system calls it for MARK_HOT, WILLNEED and prefetch, and for plain
 * accesses only when it models access bits). `victim()` returns the least recent evictable slot.
 */
class Lru extends ListOrderPolicy {
  onInsert(slot: number): void {
    if (this.list.member[slot]) this.list.moveToHead(slot);
    else this.list.pushHead(slot);
  }
  onTouch(slot: number, _tNs: number, _why: TouchReasonCode): void {
    if (this.list.member[slot]) this.list.moveToHead(slot);
  }
}

export const lru: EvictionPolicyDef<Record<string, never>> = {
  name: 'lru',
  summary: 'least recently used; recency refreshed on insert and on every touch the system reports (MARK_HOT, WILLNEED, prefetch)',
  defaults: {},
  params: {},
  create: (_p, env) => new Lru(env),
};
