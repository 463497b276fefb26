import type { EvictionPolicy, EvictionPolicyDef, PolicyEnv } from '../types';
import { IntrusiveList } from './intrusive-list';

/**
 * First in, first out by insertion (gmem-paper: the X97 active list is never reordered, despite its "LRU"
 * comments; `pm_cdev.c`). Touches are ignored; `victim()` returns the oldest evictable slot.
 */
class Fifo implements EvictionPolicy {
  private readonly list: IntrusiveList;
  constructor(private readonly env: PolicyEnv) {
    this.list = new IntrusiveList(env.slots);
  }
  onInsert(slot: number): void {
    if (!this.list.member[slot]) this.list.pushHead(slot);
  }
  onTouch(): void {}
  onRemove(slot: number): void {
    this.list.remove(slot);
  }
  victim(): number {
    const prev = this.list.prev;
    for (let s = this.list.tail; s !== -1; s = prev[s]!) if (this.env.isEvictable(s)) return s;
    return -1;
  }
}

export const fifo: EvictionPolicyDef<Record<string, never>> = {
  name: 'fifo',
  summary: 'first in, first out by insertion; touches do not reorder (X97 active list)',
  defaults: {},
  params: {},
  create: (_p, env) => new Fifo(env),
};
