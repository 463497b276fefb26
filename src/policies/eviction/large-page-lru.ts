import { grown } from '../../io/typed-arrays';
import type { EvictionPolicy, EvictionPolicyDef, PolicyEnv } from '../types';

export interface LargePageLruParams extends Record<string, number> {
  /** Fraction of resident slots, counted from the front of the order, exempt from eviction (UVMSmart reservation). */
  reservedFraction: number;
}

/**
 * `large-page-lru`: the victim order UVMSmart uses for SL-64K and TBN eviction (`gpu-sim.cc`
 * `sort_valid_pages`): resident slots are grouped by their 2 MiB large page (`env.groupOf`); groups are
 * ordered by their most recent touch (the group whose newest page is oldest comes first) and, inside a
 * group, slots are in LRU order. The system then widens the victim to its 64 KiB basic block (SL-64K) or to
 * the tree neighbourhood (TBN). `reservedFraction` skips the first ⌊n · f⌋ slots of that order, as
 * UVMSmart's `reserve_accessed_page_percent` does for every policy (0 by default here).
 *
 * O(1) per insert/touch/remove (one intrusive list of groups, one intrusive list per group). `victim()` walks
 * groups from the front: O(groups) when a reservation is set.
 */
export const largePageLruEviction: EvictionPolicyDef<LargePageLruParams> = {
  name: 'large-page-lru',
  summary: 'groups (2 MiB large pages) by most recent touch, LRU inside a group (UVMSmart SL/TBN eviction order)',
  defaults: { reservedFraction: 0 },
  params: { reservedFraction: { summary: 'fraction of resident slots exempt from eviction, in [0, 1)', unit: 'fraction' } },
  create(params, env: PolicyEnv): EvictionPolicy {
    const groupOf = env.groupOf;
    if (!groupOf) throw new Error('large-page-lru needs PolicyEnv.groupOf');
    const f = params.reservedFraction;
    if (!(f >= 0 && f < 1)) throw new RangeError(`reservedFraction must be in [0, 1), got ${f}`);
    const sPrev = new Int32Array(env.slots).fill(-1);
    const sNext = new Int32Array(env.slots).fill(-1);
    const sGroup = new Int32Array(env.slots).fill(-1);
    let gHead: Int32Array = new Int32Array(64).fill(-1); // first (LRU) slot of the group
    let gTail: Int32Array = new Int32Array(64).fill(-1);
    let gSize: Int32Array = new Int32Array(64);
    let gPrev: Int32Array = new Int32Array(64).fill(-1);
    let gNext: Int32Array = new Int32Array(64).fill(-1);
    let first = -1; // group order: first = least recently touched group
    let last = -1;
    let n = 0;

    const grow = (g: number): void => {
      let len = gHead.length;
      if (g < len) return;
      while (len <= g) len *= 2;
      gHead = grown(gHead, len, -1);
      gTail = grown(gTail, len, -1);
      gSize = grown(gSize, len);
      gPrev = grown(gPrev, len, -1);
      gNext = grown(gNext, len, -1);
    };
    const unlinkGroup = (g: number): void => {
      const p = gPrev[g]!;
      const q = gNext[g]!;
      if (p >= 0) gNext[p] = q;
      else first = q;
      if (q >= 0) gPrev[q] = p;
      else last = p;
      gPrev[g] = gNext[g] = -1;
    };
    const appendGroup = (g: number): void => {
      gPrev[g] = last;
      gNext[g] = -1;
      if (last >= 0) gNext[last] = g;
      else first = g;
      last = g;
    };
    const insert = (s: number): void => {
      if (sGroup[s]! >= 0) return;
      const g = groupOf(s);
      grow(g);
      sGroup[s] = g;
      sPrev[s] = gTail[g]!;
      sNext[s] = -1;
      if (gTail[g]! >= 0) sNext[gTail[g]!] = s;
      else gHead[g] = s;
      gTail[g] = s;
      if (gSize[g]!++ > 0) unlinkGroup(g);
      appendGroup(g);
      n++;
    };
    const remove = (s: number): void => {
      const g = sGroup[s]!;
      if (g < 0) return;
      const p = sPrev[s]!;
      const q = sNext[s]!;
      if (p >= 0) sNext[p] = q;
      else gHead[g] = q;
      if (q >= 0) sPrev[q] = p;
      else gTail[g] = p;
      sPrev[s] = sNext[s] = sGroup[s] = -1;
      if (--gSize[g]! === 0) unlinkGroup(g);
      n--;
    };
    return {
      onInsert: insert,
      onTouch(s: number): void {
        if (sGroup[s]! < 0) return;
        remove(s);
        insert(s);
      },
      onRemove: remove,
      victim(): number {
        let skip = Math.floor(n * f);
        let g = first;
        while (g >= 0 && skip >= gSize[g]!) {
          skip -= gSize[g]!;
          g = gNext[g]!;
        }
        let s = g >= 0 ? gHead[g]! : -1;
        for (let i = 0; i < skip && s >= 0; i++) s = sNext[s]!;
        const startGroup = g;
        const startSlot = s;
        // from the reservation boundary to the end of the order
        while (g >= 0) {
          for (; s >= 0; s = sNext[s]!) if (env.isEvictable(s)) return s;
          g = gNext[g]!;
          s = g >= 0 ? gHead[g]! : -1;
        }
        // then the reserved front, as a fallback
        for (g = first; g >= 0; g = gNext[g]!) {
          for (s = gHead[g]!; s >= 0; s = sNext[s]!) {
            if (g === startGroup && s === startSlot) return -1;
            if (env.isEvictable(s)) return s;
          }
        }
        return -1;
      },
    };
  },
};
