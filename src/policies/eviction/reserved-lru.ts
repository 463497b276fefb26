import type { EvictionPolicy, EvictionPolicyDef, PolicyEnv } from '../types';

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
 * Implementation: an intrusive doubly linked list (head = LRU) plus a "finger" on the slot at position
 * k = ⌊n · f⌋, maintained in O(1) per operation using insertion stamps to tell whether a removed slot lay
 * before the finger. Touch = remove + insert at the tail.
 */
export const reservedLruEviction: EvictionPolicyDef<ReservedLruParams> = {
  name: 'reserved-lru',
  summary: 'LRU skipping the least recently used reservedFraction of resident slots (UVMSmart reservation)',
  defaults: { reservedFraction: 0.1 },
  params: { reservedFraction: { summary: 'fraction of resident slots exempt from eviction, in [0, 1)', unit: 'fraction' } },
  create(params, env: PolicyEnv): EvictionPolicy {
    const f = params.reservedFraction;
    if (!(f >= 0 && f < 1)) throw new RangeError(`reservedFraction must be in [0, 1), got ${f}`);
    const prev = new Int32Array(env.slots).fill(-1);
    const next = new Int32Array(env.slots).fill(-1);
    const stamp = new Float64Array(env.slots);
    const inList = new Uint8Array(env.slots);
    let head = -1;
    let tail = -1;
    let n = 0;
    let k = 0;
    let finger = -1;
    let seq = 0;

    const unlink = (s: number): void => {
      const p = prev[s]!;
      const q = next[s]!;
      if (p >= 0) next[p] = q;
      else head = q;
      if (q >= 0) prev[q] = p;
      else tail = p;
      prev[s] = next[s] = -1;
      inList[s] = 0;
    };
    const remove = (s: number): void => {
      if (!inList[s]) return;
      if (s === finger) finger = next[s]!;
      else if (finger >= 0 && stamp[s]! < stamp[finger]!) finger = next[finger]!;
      unlink(s);
      n--;
      const nk = Math.floor(n * f);
      if (n === 0) finger = -1;
      else if (nk < k) finger = finger >= 0 ? prev[finger]! : tail;
      k = nk;
    };
    const insert = (s: number): void => {
      if (inList[s]) return;
      stamp[s] = ++seq;
      prev[s] = tail;
      next[s] = -1;
      if (tail >= 0) next[tail] = s;
      else head = s;
      tail = s;
      inList[s] = 1;
      n++;
      const nk = Math.floor(n * f);
      if (finger < 0) finger = head;
      else if (nk > k) finger = next[finger]!;
      k = nk;
    };
    return {
      onInsert: insert,
      onTouch(s: number): void {
        if (!inList[s]) return;
        remove(s);
        insert(s);
      },
      onRemove: remove,
      victim(): number {
        for (let s = finger; s >= 0; s = next[s]!) if (env.isEvictable(s)) return s;
        for (let s = head; s >= 0 && s !== finger; s = next[s]!) if (env.isEvictable(s)) return s;
        return -1;
      },
    };
  },
};
