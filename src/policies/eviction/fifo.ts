import type { EvictionPolicyDef } from '../types';
import { ListOrderPolicy } from './list-order';

/**
 * First in, first out by insertion (gmem-paper: the X97 active list is never reordered, despite its "LRU"
 * comments; `pm_cdev.c`). Touches are ignored, and so is a repeated insert of a member; `victim()` returns
 * the oldest evictable slot.
 */
class Fifo extends ListOrderPolicy {
  onInsert(slot: number): void {
    if (!this.list.has(slot)) this.list.pushHead(slot);
  }
  onTouch(): void {}
}

export const fifo: EvictionPolicyDef<Record<string, never>> = {
  name: 'fifo',
  summary: 'first in, first out by insertion; touches do not reorder (X97 active list)',
  defaults: {},
  params: {},
  create: (_p, env) => new Fifo(env),
};
