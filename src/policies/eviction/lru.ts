import type { EvictionPolicyDef, TouchReasonCode } from '../types';
import type { IntrusiveList } from './intrusive-list';
import { ListOrderPolicy } from './list-order';

/**
 * Least recently used with refresh (gmem-linux, docs/gmem-model.md §7): a slot moves to the most-recent end on
 * insertion and on every `onTouch` (the system calls it for MARK_HOT, WILLNEED and prefetch, and for plain
 * accesses only when it models access bits). `victim()` returns the least recent evictable slot.
 */
class Lru extends ListOrderPolicy {
  /** A touch is `list.touch` (EvictionPolicy.touchList). */
  readonly touchList: IntrusiveList = this.list;
  onInsert(slot: number): void {
    this.list.moveToHead(slot);
  }
  onTouch(slot: number, _tNs: number, _why: TouchReasonCode): void {
    this.list.touch(slot);
  }
}

export const lru: EvictionPolicyDef<Record<string, never>> = {
  name: 'lru',
  summary: 'least recently used; recency refreshed on insert and on every touch the system reports (MARK_HOT, WILLNEED, prefetch)',
  defaults: {},
  params: {},
  create: (_p, env) => new Lru(env),
};
