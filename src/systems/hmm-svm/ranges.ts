import * as framePool from '../../model/frame-pool';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import * as migrateMod from './migrate';
import * as notifierMod from './notifier';
import * as stateMod from './state';
import type { SvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Advice, ADVICE_NAMES, CPU, Flag, NO_AGENT } = ev;
const { WIRED } = framePool;
const { populateHost, releaseFrame, takeFrame, toVram, unitToRam } = migrateMod;
const { invalidate, mmInvalidate } = notifierMod;
const { DEV, HOST, MANAGED, NONE, VRAM } = stateMod;

// ---- allocations and SVM ranges (`svm_range_*` in kfd_svm.c) ------------------------------------------

/**
 * Live units (migration granules) the model tracks at most: 2^23, 16 TiB of managed memory in 2 MiB granules
 * (~180 B each). A managed allocation creates its units at once, where KFD keeps per-range page state (kfd_svm.c);
 * past this a hostile or mis-imported size (256 TiB: 2^27 units) took minutes and 15 GB. Such an allocation is
 * refused as an `alloc-error` (systems.alloc-too-large).
 */
export const MAX_TRACKED_UNITS = 1 << 23;

export function allocRanges(st: SvmState, b: EventBatch, i: number): void {
  const va = b.va[i]!;
  const bytes = b.bytes[i]!;
  const flags = b.flags[i]!;
  if (flags & MANAGED) {
    const units = Math.floor((va + bytes - 1) / st.gran) - Math.floor(va / st.gran) + 1;
    if (st.unitIds.used + units > MAX_TRACKED_UNITS) {
      st.allocs.refuseRow(b, i, st.rep, MAX_TRACKED_UNITS * st.gran);
      return;
    }
  }
  const id = st.allocs.addRow(b, i, st.rep);
  if (id < 0) return;
  if (flags & Flag.device) {
    if (!deviceAlloc(st, va, bytes)) st.failedDeviceAllocs.add(id);
    return;
  }
  if (!(flags & MANAGED)) return;
  // split into SVM ranges of at most maxRange, cut at maxRange-aligned boundaries; one interval notifier each
  const end = va + bytes;
  for (let s = va; s < end; ) {
    const e = Math.min(end, (Math.floor(s / st.maxRange) + 1) * st.maxRange);
    addRange(st, s, e);
    s = e;
  }
  if (!st.p.retryFaults) mapUpFront(st, va, end);
}

/**
 * A `device` allocation (hipMalloc: a KFD VRAM BO, `amdgpu_amdkfd_gpuvm_alloc_memory_of_gpu`, amdgpu_amdkfd_gpuvm.c)
 * takes VRAM from its allocation on and keeps it: `deviceAllocBytes`, held as the `WIRED` frames it rounds up to
 * (never victims). When VRAM is full, TTM makes room by evicting SVM ranges (their BOs) in the policy's order, as
 * for a migration (`takeFrame`); with no range left to evict the allocation fails (an OOM, like hipMalloc's
 * -ENOMEM), takes nothing and its free releases nothing. Returns whether it got its VRAM.
 */
function deviceAlloc(st: SvmState, va: number, bytes: number): boolean {
  const had = st.wiredFrames.length;
  const need = Math.ceil((st.deviceAllocBytes + bytes) / st.gran);
  while (st.wiredFrames.length < need) {
    const f = takeFrame(st, WIRED, va, bytes);
    if (f < 0) {
      keepWired(st, had);
      return false;
    }
    st.wiredFrames.push(f);
  }
  st.deviceAllocBytes += bytes;
  return true;
}

/** The free of a `device` allocation gives back the VRAM frames the remaining ones no longer round up to. */
function deviceFree(st: SvmState, bytes: number): void {
  st.deviceAllocBytes -= bytes;
  keepWired(st, Math.ceil(st.deviceAllocBytes / st.gran));
}

/** Release the device-allocation frames beyond the first `n`. */
function keepWired(st: SvmState, n: number): void {
  while (st.wiredFrames.length > n) st.frames.release(st.wiredFrames.pop()!);
}

function addRange(st: SvmState, start: number, end: number): void {
  let r = st.rangeIds.take();
  if (r < 0) {
    st.growRanges();
    r = st.rangeIds.take();
  }
  st.ranges.insert(start, end, r);
  st.rStart[r] = start;
  st.rEnd[r] = end;
  st.rValidNs[r] = -Infinity;
  st.rPref[r] = 0;
  st.rInPlace[r] = 0;
  st.rMapped[r] = 0;
  st.notifiersRegistered++;
  if (st.ranges.size > st.rangesPeak) st.rangesPeak = st.ranges.size;
  const k0 = Math.floor(start / st.gran);
  const k1 = Math.floor((end - 1) / st.gran);
  for (let k = k0; k <= k1; k++) {
    let u = st.unitIndex.get(k);
    if (u < 0) {
      u = st.unitIds.take();
      if (u < 0) {
        st.growUnits();
        u = st.unitIds.take();
      }
      st.unitIndex.set(k, u);
      st.uKey[u] = k;
      st.uLoc[u] = NONE;
      st.uMapped[u] = 0;
      st.uFrame[u] = -1;
      st.uRefs[u] = 0;
      st.uReadonly[u] = 0;
      st.uCowAny[u] = 0;
      st.uCow.fill(0, u * st.words, (u + 1) * st.words);
      st.uRange[u] = r;
    } else {
      // a granule shared with a neighbouring allocation passes to the new range with its mapping and its data
      if (st.uMapped[u]) {
        st.rMapped[st.uRange[u]!]!--;
        st.rMapped[r]!++;
      }
      passUnit(st, u, r);
    }
    st.uRefs[u]!++;
  }
}

/** Retry faults off: ranges are validated and mapped on the GPU where they are (host pages populated). */
function mapUpFront(st: SvmState, start: number, end: number): void {
  const gran = st.gran;
  for (const it of st.ranges.overlapping(start, end)) {
    const r = it.value;
    const k1 = Math.floor((st.rEnd[r]! - 1) / gran);
    for (let k = Math.floor(st.rStart[r]! / gran); k <= k1; k++) {
      const u = st.unitIndex.get(k);
      if (u < 0) continue;
      if (st.uLoc[u] === NONE && !populateHost(st, u, DEV)) continue;
      if (!st.uMapped[u]) {
        st.uMapped[u] = 1;
        st.rMapped[r]!++;
      }
    }
    st.mapOp();
    st.rValidNs[r] = st.env.clock.nowNs;
  }
}

export function freeRanges(st: SvmState, b: EventBatch, i: number): void {
  const va = b.va[i]!;
  const id = st.allocs.removeRow(b, i, st.rep);
  if (id < 0) return;
  if (!(st.allocs.flags[id]! & MANAGED)) {
    if (st.allocs.flags[id]! & Flag.device && !st.failedDeviceAllocs.delete(id)) deviceFree(st, st.allocs.bytes[id]!);
    mmInvalidate(st, va, va + st.allocs.bytes[id]!);
    return;
  }
  const end = va + st.allocs.bytes[id]!;
  // munmap: one notifier callback per overlapping range (unmap from the GPU), then the ranges go away
  invalidate(st, va, end);
  const gran = st.gran;
  const gone = st.ranges.overlapping(va, end);
  const kept: number[] = []; // units that outlive their range: granules shared with a neighbouring allocation
  for (const it of gone) {
    const r = it.value;
    const k1 = Math.floor((it.end - 1) / gran);
    for (let k = Math.floor(it.start / gran); k <= k1; k++) {
      const u = st.unitIndex.get(k);
      if (u >= 0 && !dropUnit(st, u) && st.uRange[u] === r) kept.push(u);
    }
    st.ranges.remove(it.start);
    st.rangeIds.give(r);
  }
  // such a unit now belongs to the live range that covers it (the id of the freed one is reused elsewhere: an
  // eviction through it would not find the unit)
  for (const u of kept) {
    const k = st.uKey[u]!;
    const r = st.ranges.overlapping(k * gran, (k + 1) * gran)[0]!.value;
    passUnit(st, u, r); // the freed range's bounds are still in rStart/rEnd: its id is not reused before this
    if (st.uMapped[u]) st.rMapped[r]!++;
  }
}

/**
 * Unit `u` (a granule shared by two allocations) passes to range `r`. Its bytes are those inside the range it
 * belongs to (`unitBytes`), so a host-resident unit's host bytes change with it (revision 7: before, `hostBytes` kept
 * the old range's share — the host capacity checks drifted and the debug check failed on recorded Kineto traces).
 */
function passUnit(st: SvmState, u: number, r: number): void {
  if (st.uLoc[u] === HOST) st.hostBytes -= st.unitBytes(u);
  st.uRange[u] = r;
  if (st.uLoc[u] === HOST) st.hostBytes += st.unitBytes(u);
}

/** Drop one reference of unit `u`; returns whether the unit went away (its last allocation was freed). */
function dropUnit(st: SvmState, u: number): boolean {
  if (--st.uRefs[u]! > 0) return false;
  if (st.uLoc[u] === VRAM) releaseFrame(st, u);
  if (st.uLoc[u] === HOST) st.hostBytes -= st.unitBytes(u);
  st.unitIndex.delete(st.uKey[u]!);
  st.uKey[u] = -1;
  st.unitIds.give(u);
  return true;
}

// ---- range attributes: prefetch location and advice (`svm_range_set_attr`) --------------------------------

/** `prefetch` (KFD set-attribute prefetch location): migrate the range synchronously and map it. */
export function prefetchRanges(st: SvmState, b: EventBatch, i: number): void {
  const va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const target = b.target[i]!;
  const cn = st.env.counters;
  const gran = st.gran;
  for (const it of st.ranges.overlapping(va, end)) {
    const r = it.value;
    let mapped = false;
    const k1 = Math.floor((Math.min(end, it.end) - 1) / gran);
    for (let k = Math.floor(Math.max(va, it.start) / gran); k <= k1; k++) {
      const u = st.unitIndex.get(k);
      if (u < 0 || st.uRange[u] !== r) continue;
      if (target === DEV && st.uLoc[u] !== VRAM) {
        const wasHost = st.uLoc[u] === HOST;
        const bytes = st.unitBytes(u);
        if (!toVram(st, u, r)) continue;
        if (wasHost) cn.prefetchedBytes += bytes;
        if (!st.uMapped[u]) {
          st.uMapped[u] = 1;
          st.rMapped[r]!++;
        }
        mapped = true;
      } else if (target === CPU && st.uLoc[u] === VRAM) unitToRam(st, u, CPU);
    }
    if (mapped) {
      st.mapOp();
      st.rValidNs[r] = st.env.clock.nowNs;
    }
  }
}

export function adviseRanges(st: SvmState, b: EventBatch, i: number): void {
  const code = b.code[i]!;
  const va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const target = b.target[i]!;
  const known = code === Advice.preferred_location || code === Advice.unset_preferred_location || code === Advice.accessed_by
    || code === Advice.unset_accessed_by;
  if (!known) {
    st.ignoredAdvice++;
    st.rep.ignoredAdvice(ADVICE_NAMES[code] ?? String(code));
    return;
  }
  for (const it of st.ranges.overlapping(va, end)) {
    const r = it.value;
    if (code === Advice.preferred_location) st.rPref[r] = target === NO_AGENT ? 0 : target + 1;
    else if (code === Advice.unset_preferred_location) st.rPref[r] = 0;
    else if (code === Advice.accessed_by) st.rInPlace[r] = 1;
    else st.rInPlace[r] = 0;
  }
}

// ---- invariants ---------------------------------------------------------------------------------------

export function checkRangeInvariants(st: SvmState): void {
  let vram = 0;
  let host = 0;
  const mapped = new Map<number, number>();
  // the live ranges, by id, with the bounds the units are sized by: one pass over the ranges, so each unit's check
  // below is O(1) (before, one interval query per unit per row: 10× the run's own time on a 31.5 GiB allocation)
  const live = new Uint8Array(st.rStart.length);
  for (const it of st.ranges.list()) {
    const r = it.value;
    if (st.rStart[r] !== it.start || st.rEnd[r] !== it.end) throw new Error(`hmm-svm: range ${r} bounds [${st.rStart[r]}, ${st.rEnd[r]}) ≠ its interval [${it.start}, ${it.end})`);
    live[r] = 1;
  }
  for (let u = 0; u < st.uKey.length; u++) {
    if (st.uKey[u] === -1 || st.uRefs[u] === 0) continue;
    const loc = st.uLoc[u]!;
    if (loc === HOST) host += st.unitBytes(u);
    if (loc === VRAM) {
      vram++;
      const f = st.uFrame[u]!;
      if (f < 0 || st.frames.holder[f] !== u) throw new Error(`hmm-svm: unit ${u} in VRAM without its frame`);
    } else if (st.uFrame[u] !== -1) throw new Error(`hmm-svm: unit ${u} holds a frame but is not in VRAM`);
    if (st.uMapped[u]) mapped.set(st.uRange[u]!, (mapped.get(st.uRange[u]!) ?? 0) + 1);
    // its range is live and covers it (evictRange and invalidate find a unit through its range's span)
    const r = st.uRange[u]!;
    const k = st.uKey[u]!;
    if (r < 0 || live[r] !== 1 || !(st.rStart[r]! < (k + 1) * st.gran && st.rEnd[r]! > k * st.gran)) {
      throw new Error(`hmm-svm: unit ${u} (granule ${k}) belongs to range ${r}, which does not cover it`);
    }
  }
  if (vram + st.wiredFrames.length !== st.frames.used) throw new Error(`hmm-svm: ${vram} VRAM units and ${st.wiredFrames.length} device-allocation frames but ${st.frames.used} frames used`);
  if (st.wiredFrames.length !== Math.ceil(st.deviceAllocBytes / st.gran) || st.frames.wired !== st.wiredFrames.length) {
    throw new Error(`hmm-svm: ${st.wiredFrames.length} device-allocation frames (${st.frames.wired} wired) for ${st.deviceAllocBytes} B of device allocations`);
  }
  if (host !== st.hostBytes) throw new Error(`hmm-svm: hostBytes ${st.hostBytes} ≠ ${host} in host units`);
  if (st.hostBytes > st.env.platform.host.dramBytes) throw new Error(`hmm-svm: hostBytes ${st.hostBytes} > host.dramBytes`);
  for (const it of st.ranges.list()) {
    const r = it.value;
    if ((mapped.get(r) ?? 0) !== st.rMapped[r]) throw new Error(`hmm-svm: range ${r} mapped count ${st.rMapped[r]} ≠ ${mapped.get(r) ?? 0}`);
  }
}
