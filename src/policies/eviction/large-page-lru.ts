import { grown } from '../../io/typed-arrays';
import type { EvictionPolicy, EvictionPolicyDef, PolicyEnv } from '../types';

export interface LargePageLruParams extends Record<string, number> {
  /** Fraction of resident units, counted from the front of the order, exempt from eviction (UVMSmart reservation). */
  reservedFraction: number;
}

/**
 * `large-page-lru`: the victim order UVMSmart uses for SL-64K and TBN eviction (gpgpu-sim_UVMSmart bafab5d,
 * src/gpgpu-sim/gpu-sim.cc). UVMSmart's LRU list (`valid_pages`) holds one entry per eviction unit — a 64 KiB basic
 * block for SL and TBN (`get_eviction_granularity`, :2875-2890; `refresh_valid_pages` adds the entry when a page of the
 * unit arrives and stamps it with the cycle of every access to any of its pages, :2351-2369, shader.cc:1641, :1780).
 * `sort_valid_pages` (:2371-2420) groups the entries by their 2 MiB large page (`env.groupOf`), orders the groups by
 * their newest entry (the group whose newest entry is oldest comes first) and the entries of a group oldest first.
 * `reservedFraction` skips the first ⌊entries · f⌋ entries of that order (`reserve_accessed_page_percent`,
 * `page_eviction_procedure`, :2172, :2262-2264; 0 by default here). The policy's slots are 4 KiB frames; `env.unitOf`
 * maps a slot to its unit (its basic block): a unit is an entry, its position is its newest slot's touch, and the
 * victim is a slot of the first evictable unit past the reservation (the system widens it to the unit). Without
 * `unitOf` every slot is its own unit.
 *
 * O(1) per insert/touch/remove (intrusive lists of groups, of units per group, of slots per unit). `victim()`
 * walks groups from the front: O(groups) when a reservation is set.
 */
export const largePageLruEviction: EvictionPolicyDef<LargePageLruParams> = {
  name: 'large-page-lru',
  summary: 'groups (2 MiB large pages) by most recent touch, units (64 KiB basic blocks) LRU inside a group (UVMSmart SL/TBN eviction order)',
  defaults: { reservedFraction: 0 },
  params: { reservedFraction: { summary: 'fraction of resident units exempt from eviction, in [0, 1)', unit: 'fraction' } },
  create(params, env: PolicyEnv): EvictionPolicy {
    const groupOf = env.groupOf;
    if (!groupOf) throw new Error('large-page-lru needs PolicyEnv.groupOf');
    const unitOf = env.unitOf ?? ((s: number): number => s);
    const f = params.reservedFraction;
    if (!(f >= 0 && f < 1)) throw new RangeError(`reservedFraction must be in [0, 1), got ${f}`);
    // slots: list per unit (order inside a unit is irrelevant)
    const sPrev = new Int32Array(env.slots).fill(-1);
    const sNext = new Int32Array(env.slots).fill(-1);
    const sUnit = new Int32Array(env.slots).fill(-1);
    // units: list per group, oldest first; grown on demand
    let uHead: Int32Array = new Int32Array(64).fill(-1); // a slot of the unit
    let uSize: Int32Array = new Int32Array(64);
    let uPrev: Int32Array = new Int32Array(64).fill(-1);
    let uNext: Int32Array = new Int32Array(64).fill(-1);
    let uGroup: Int32Array = new Int32Array(64).fill(-1);
    // groups: one list, first = least recently touched
    let gHead: Int32Array = new Int32Array(64).fill(-1); // first (LRU) unit of the group
    let gTail: Int32Array = new Int32Array(64).fill(-1);
    let gSize: Int32Array = new Int32Array(64); // units
    let gPrev: Int32Array = new Int32Array(64).fill(-1);
    let gNext: Int32Array = new Int32Array(64).fill(-1);
    let first = -1;
    let last = -1;
    let n = 0; // resident units

    const growUnits = (u: number): void => {
      let len = uHead.length;
      if (u < len) return;
      while (len <= u) len *= 2;
      uHead = grown(uHead, len, -1);
      uSize = grown(uSize, len);
      uPrev = grown(uPrev, len, -1);
      uNext = grown(uNext, len, -1);
      uGroup = grown(uGroup, len, -1);
    };
    const growGroups = (g: number): void => {
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
    const unlinkUnit = (u: number): void => {
      const g = uGroup[u]!;
      const p = uPrev[u]!;
      const q = uNext[u]!;
      if (p >= 0) uNext[p] = q;
      else gHead[g] = q;
      if (q >= 0) uPrev[q] = p;
      else gTail[g] = p;
      uPrev[u] = uNext[u] = -1;
      uGroup[u] = -1;
      if (--gSize[g]! === 0) unlinkGroup(g);
    };
    /** Unit `u` becomes the newest entry of group `g`, and `g` the newest group. */
    const appendUnit = (u: number, g: number): void => {
      growGroups(g);
      uGroup[u] = g;
      uPrev[u] = gTail[g]!;
      uNext[u] = -1;
      if (gTail[g]! >= 0) uNext[gTail[g]!] = u;
      else gHead[g] = u;
      gTail[g] = u;
      if (gSize[g]!++ > 0) unlinkGroup(g);
      appendGroup(g);
    };
    const insert = (s: number): void => {
      if (sUnit[s]! >= 0) return;
      const u = unitOf(s);
      growUnits(u);
      sUnit[s] = u;
      sPrev[s] = -1;
      sNext[s] = uHead[u]!;
      if (uHead[u]! >= 0) sPrev[uHead[u]!] = s;
      uHead[u] = s;
      if (uSize[u]!++ === 0) n++;
      else unlinkUnit(u); // a page of an existing entry arrived: the entry is refreshed (refresh_valid_pages)
      appendUnit(u, groupOf(s));
    };
    const remove = (s: number): void => {
      const u = sUnit[s]!;
      if (u < 0) return;
      const p = sPrev[s]!;
      const q = sNext[s]!;
      if (p >= 0) sNext[p] = q;
      else uHead[u] = q;
      if (q >= 0) sPrev[q] = p;
      sPrev[s] = sNext[s] = sUnit[s] = -1;
      if (--uSize[u]! === 0) {
        unlinkUnit(u);
        n--;
      }
    };
    return {
      onInsert: insert,
      onTouch(s: number): void {
        const u = sUnit[s]!;
        if (u < 0) return;
        const g = uGroup[u]!;
        unlinkUnit(u);
        appendUnit(u, g);
      },
      onRemove: remove,
      victim(): number {
        let skip = Math.floor(n * f);
        let g = first;
        while (g >= 0 && skip >= gSize[g]!) {
          skip -= gSize[g]!;
          g = gNext[g]!;
        }
        let u = g >= 0 ? gHead[g]! : -1;
        for (let i = 0; i < skip && u >= 0; i++) u = uNext[u]!;
        const startUnit = u;
        // from the reservation boundary to the end of the order
        while (g >= 0) {
          for (; u >= 0; u = uNext[u]!) if (env.isEvictable(uHead[u]!)) return uHead[u]!;
          g = gNext[g]!;
          u = g >= 0 ? gHead[g]! : -1;
        }
        // then the reserved front, as a fallback
        for (g = first; g >= 0; g = gNext[g]!) {
          for (u = gHead[g]!; u >= 0; u = uNext[u]!) {
            if (u === startUnit) return -1;
            if (env.isEvictable(uHead[u]!)) return uHead[u]!;
          }
        }
        return -1;
      },
    };
  },
};
