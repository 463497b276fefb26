import { gmemMessages } from '../../log/messages/gmem';
import type { Interval } from '../../model/interval-set';
import { UnitBit, UnitState } from '../../model/logical-table';
import { TouchReason } from '../../policies/types';
import { Cause, type CauseCode } from '../../sim/clock';
import { ADVICE_NAMES, Advice, agentName, CPU, NO_AGENT } from '../../trace/event';
import { roundDown, roundUp } from '../../units';
import * as outcomes from './outcomes';
import { PREFETCH_GRANULE_BYTES, prefetchItems } from './prefetch-plan';
import * as ranges from './ranges';
import * as state from './state';
import type { AllocInfo, GmemState } from './state';
import * as stateTable from './state-table';

/*
 * hmadvise (docs/gmem-model.md §4): DONTNEED (row 11) and PREFETCH (rows 1, 2, 9, 10) as in the RFC; with
 * `hmadviseExtension` also the openEuler WILLNEED / PINNED / UNPIN flags, otherwise those are -EINVAL.
 */

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): loops read local copies.
const { CAUSES, charge, KIND_GMEM, MODE_EXCLUSIVE } = state;
const { hmadviseError } = outcomes;
const { discard, endRangeOp, forUnitsIn } = ranges;
const { crossDevice, newUnit, toDeviceFromCpu, toDeviceFromNomap } = stateTable;
const C_FAULT = Cause.fault;
const C_MAP = Cause.map;
const { NOMAP, CPU: ST_CPU, DEVICE } = UnitState;
const { WILLNEED, PINNED, MIGRATING } = UnitBit;

export function hmadvise(g: GmemState, va: number, bytes: number, code: number, target: number): void {
  if (code === Advice.dontneed) {
    dontneed(g, va, bytes, target);
    return;
  }
  if (!g.p.hmadviseExtension) {
    // RFC 4/6 SYSCALL_DEFINE4(hmadvise): `switch (behavior)` has MADV_PREFETCH and MADV_DONTNEED; default → -EINVAL
    hmadviseError(g, ADVICE_NAMES[code] ?? String(code), va, 'unsupported behavior (-EINVAL): the RFC accepts only PREFETCH and DONTNEED', gmemMessages.hmadviseEinval(g.where, ADVICE_NAMES[code] ?? String(code)));
    return;
  }
  if (code !== Advice.willneed && code !== Advice.pinned && code !== Advice.unpin) {
    g.x.adviceIgnored++;
    g.env.log.add(gmemMessages.unsupportedAdvice(g.where, ADVICE_NAMES[code] ?? String(code)));
    return;
  }
  const end = va + bytes;
  const ov = Number.isNaN(va) || !(bytes > 0) ? [] : g.allocs.overlapping(va, end);
  if (ov.length === 0) {
    hmadviseError(g, ADVICE_NAMES[code]!, va, 'range outside every live allocation');
    return;
  }
  const t = g.t;
  const U = g.U;
  const now = g.clock.nowNs;
  for (const a of ov) {
    const lo = Math.max(va, a.start);
    const hi = Math.min(end, a.end);
    const u1 = Math.floor((hi - 1) / U);
    for (let u = Math.floor(lo / U); u <= u1; u++) {
      let s = t.find(u);
      if (s < 0) s = newUnit(g, u, a);
      if (code === Advice.unpin) {
        t.andBits(s, ~PINNED);
        g.evictableEpoch++;
      }
      else if (code === Advice.pinned) t.orBits(s, PINNED);
      else {
        t.orBits(s, WILLNEED);
        if (t.stateOf(s) === DEVICE) g.policies[t.ownerOf(s)]!.onTouch(t.frameOf(s), now, TouchReason.willneed);
      }
    }
  }
}

/** hmadvise(DONTNEED): round inward to 2 MiB; discard every unit of intersecting GMEM allocations (row 11). */
function dontneed(g: GmemState, va: number, bytes: number, target: number): void {
  if (target !== NO_AGENT && (target === CPU || target - 1 >= g.nDev)) {
    hmadviseError(g, 'DONTNEED', va, `hnid ${agentName(target)} is not an attached device (use -1)`);
    return;
  }
  const lo = roundUp(va, PREFETCH_GRANULE_BYTES);
  const hi = roundDown(va + bytes, PREFETCH_GRANULE_BYTES);
  if (!(hi > lo)) return;
  for (const a of g.allocs.overlapping(lo, hi)) {
    if (a.value.kind !== KIND_GMEM) continue;
    forUnitsIn(g, Math.max(lo, a.start), Math.min(hi, a.end), (s) => {
      if (g.t.stateOf(s) !== NOMAP) g.x.dontneedUnits++;
      discard(g, s);
    });
  }
  endRangeOp(g);
}

/**
 * hmadvise(PREFETCH) to `target` (docs/gmem-model.md §4): round outward to 2 MiB; the range must lie in one
 * GMEM-managed allocation; split into work items on `prefetchWorkers` workers, each doing one MARK_HOT
 * fault per 2 MiB chunk (rows 1, 2, 9; row 10 when a unit evicted by this call is requested again).
 * Synchronous: elapsed = max(link busy time, slowest item's software time), charged by cause of whichever
 * bounds it.
 */
export function prefetchRange(g: GmemState, va: number, bytes: number, target: number): void {
  if (target === NO_AGENT || target === CPU || target - 1 >= g.nDev) {
    hmadviseError(g, 'PREFETCH', va, `hnid ${target === NO_AGENT ? '-1' : agentName(target)} is not an attached device`);
    return;
  }
  if (g.mode !== MODE_EXCLUSIVE) {
    g.x.prefetchIgnored++;
    g.env.log.add(gmemMessages.prefetchIgnored(g.where, g.p.mode));
    return;
  }
  const a = Number.isNaN(va) ? undefined : g.allocs.find(va);
  if (a === undefined || !(bytes > 0) || va + bytes > a.end || a.value.kind !== KIND_GMEM) {
    hmadviseError(g, 'PREFETCH', va, 'range not inside one peer-shared allocation');
    return;
  }
  const dv = target - 1;
  const U = g.U;
  const s0 = roundDown(va, PREFETCH_GRANULE_BYTES);
  const e0 = roundUp(va + bytes, PREFETCH_GRANULE_BYTES);
  const lo = Math.max(s0, Math.floor(a.start / U) * U);
  const hi = Math.min(e0, Math.ceil(a.end / U) * U);
  const items = prefetchItems(e0 - s0, g.p.prefetchWorkers);
  const chunk = Math.max(PREFETCH_GRANULE_BYTES, U);
  const cursor: number[] = [];
  const ends: number[] = [];
  let x = s0;
  for (const size of items) {
    cursor.push(x);
    ends.push(x + size);
    x += size;
  }
  g.inPrefetch = true;
  g.linkAcc.fill(0);
  g.itemAcc.fill(0);
  for (let active = true; active; ) {
    active = false;
    for (let i = 0; i < items.length; i++) {
      if (cursor[i]! >= ends[i]!) continue;
      active = true;
      g.item = i;
      const cLo = Math.max(cursor[i]!, lo);
      const cHi = Math.min(cursor[i]! + chunk, ends[i]!, hi);
      cursor[i] = Math.min(cursor[i]! + chunk, ends[i]!);
      if (cHi <= cLo) continue;
      charge(g, C_FAULT, g.c.faultServiceNs); // one gm_dev_fault call per chunk
      const u1 = Math.floor((cHi - 1) / U);
      for (let u = Math.floor(cLo / U); u <= u1; u++) prefetchUnit(g, u, dv, a);
    }
  }
  g.inPrefetch = false;
  settlePrefetch(g, items.length);
  for (const s of g.migrating) g.t.andBits(s, ~MIGRATING);
  g.migrating.length = 0;
  g.x.prefetchCalls++;
}

function prefetchUnit(g: GmemState, u: number, dv: number, a: Interval<AllocInfo>): void {
  const t = g.t;
  let s = t.find(u);
  if (s < 0) s = newUnit(g, u, a);
  const st = t.stateOf(s);
  if (st === DEVICE && t.ownerOf(s) === dv) {
    // row 9: MARK_HOT re-map refreshes recency
    charge(g, C_MAP, g.c.peerMapNs);
    g.cn.mapOps++;
    g.policies[dv]!.onTouch(t.frameOf(s), g.clock.nowNs, TouchReason.markHot);
  } else if (st === DEVICE) crossDevice(g, s, dv, u, true);
  else if (st === ST_CPU) toDeviceFromCpu(g, s, dv, u, true);
  else toDeviceFromNomap(g, s, dv, u, true);
}

/** Charge the prefetch's elapsed time: the link's causes if it is the bound, else the slowest item's. */
function settlePrefetch(g: GmemState, nItems: number): void {
  let link = 0;
  for (let k = 0; k < CAUSES; k++) link += g.linkAcc[k]!;
  let slow = -1;
  let slowNs = -1;
  for (let i = 0; i < nItems; i++) {
    let sw = 0;
    for (let k = 0; k < CAUSES; k++) sw += g.itemAcc[i * CAUSES + k]!;
    if (sw > slowNs) {
      slowNs = sw;
      slow = i;
    }
  }
  const clock = g.clock;
  if (link >= slowNs) for (let k = 0; k < CAUSES; k++) clock.charge(k as CauseCode, g.linkAcc[k]!);
  else for (let k = 0; k < CAUSES; k++) clock.charge(k as CauseCode, g.itemAcc[slow * CAUSES + k]!);
}
