import type { EvictionPolicy, PolicyEnv, TouchReasonCode } from '../types';
import { IntrusiveList } from './intrusive-list';

/**
 * The common part of the policies that keep resident slots in ONE recency list (`lru`, `fifo`): an
 * `IntrusiveList` with the newest slot at the head, removal on `onRemove`, and `victim()` = the oldest
 * evictable slot (walk from the tail; -1 when none is evictable). Subclasses decide only what moves a slot
 * to the head — insertion, touches — which is the whole difference between LRU and FIFO.
 */
export abstract class ListOrderPolicy implements EvictionPolicy {
  protected readonly list: IntrusiveList;
  constructor(private readonly env: PolicyEnv) {
    this.list = new IntrusiveList(env.slots);
  }
  abstract onInsert(slot: number, tNs: number): void;
  abstract onTouch(slot: number, tNs: number, why: TouchReasonCode): void;
  onRemove(slot: number): void {
    this.list.remove(slot);
  }
  /** The oldest evictable slot (`IntrusiveList.oldestEvictable`: skips the unevictable prefix already walked). */
  victim(): number {
    return this.list.oldestEvictable(this.env);
  }
}
