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
  /** `evictableEpoch` when `list.mark` was set. */
  private markEpoch = -1;

  /**
   * The oldest evictable slot. With `env.evictableEpoch`, the walk starts at `list.mark` (every older slot was
   * found unevictable by an earlier walk and nothing became evictable since: the same victim, without walking
   * a long unevictable prefix again on every eviction — pinned or WILLNEED units, quadratic before).
   */
  victim(): number {
    const list = this.list;
    const epoch = this.env.evictableEpoch?.();
    let s = list.tail;
    if (epoch !== undefined && epoch === this.markEpoch && list.mark !== -1) s = list.mark;
    for (; s !== -1; s = list.prevOf(s)) {
      if (this.env.isEvictable(s)) {
        if (epoch !== undefined) {
          list.mark = s;
          this.markEpoch = epoch;
        }
        return s;
      }
    }
    return -1;
  }
}
