import type { EvictionPolicy, EvictionPolicyDef, PolicyEnv } from '../types';
import { IntrusiveList } from './intrusive-list';

export interface ReservedLruParams extends Record<string, number> {
  /** Fraction of resident slots, counted from the least recently used end, exempt from eviction. */
  reservedFraction: number;
}

/**
 * `reserved-lru` (UVMSmart `reserve_accessed_page_percent`, ISCA'19 "10 % / 20 % of accessed pages
 * reserved"): LRU order, but the ⌊n · reservedFraction⌋ least recently used of the n resident slots are
 * skipped, "in hope that they will be accessed in next iteration" (`gpu-sim.cc` `page_eviction_procedure`:
 * `eviction_start = valid_pages.size() * reserve_accessed_page_percent / 100`). With fraction 0 it is plain
 * LRU. If every slot past the reserved ones is unevictable, the reserved ones are tried from the LRU end
 * (UVMSmart would evict nothing and stall).
 *
 * Implementation: the shared `IntrusiveList` plus a "finger" on the slot at position k = ⌊n · f⌋ from the
 * least recent end, maintained in O(1) per operation using insertion stamps to tell whether a removed slot
 * lay before the finger. Touch = remove + insert at the most recent end.
 */
export const reservedLruEviction: EvictionPolicyDef<ReservedLruParams> = {
  name: 'reserved-lru',
  summary: 'LRU skipping the least recently used reservedFraction of resident slots (UVMSmart reservation)',
  defaults: { reservedFraction: 0.1 },
  params: { reservedFraction: { summary: 'fraction of resident slots exempt from eviction, in [0, 1)', unit: 'fraction' } },
  create(params, env: PolicyEnv): EvictionPolicy {
    const f = params.reservedFraction;
    if (!(f >= 0 && f < 1)) throw new RangeError(`reservedFraction must be in [0, 1), got ${f}`);
    // list head = most recent, tail = least recent; "newer" neighbour = prev, "older" = next
    const list = new IntrusiveList(env.slots);
    const stamp = new Float64Array(env.slots);
    let k = 0;
    let finger = -1; // the slot at position k counted from the least recent end
    let seq = 0;

    const remove = (s: number): void => {
      if (!list.has(s)) return;
      if (s === finger) finger = list.prevOf(s);
      else if (finger >= 0 && stamp[s]! < stamp[finger]!) finger = list.prevOf(finger);
      list.remove(s);
      const nk = Math.floor(list.length * f);
      if (list.length === 0) finger = -1;
      else if (nk < k) finger = finger >= 0 ? list.nextOf(finger) : list.head;
      k = nk;
    };
    const insert = (s: number): void => {
      if (list.has(s)) return;
      stamp[s] = ++seq;
      list.pushHead(s);
      const nk = Math.floor(list.length * f);
      if (finger < 0) finger = list.tail;
      else if (nk > k) finger = list.prevOf(finger);
      k = nk;
    };
    return {
      onInsert: insert,
      onTouch(s: number): void {
        if (!list.has(s)) return;
        remove(s);
        insert(s);
      },
      onRemove: remove,
      victim(): number {
        for (let s = finger; s >= 0; s = list.prevOf(s)) if (env.isEvictable(s)) return s;
        for (let s = list.tail; s >= 0 && s !== finger; s = list.prevOf(s)) if (env.isEvictable(s)) return s;
        return -1;
      },
    };
  },
};
