import { BindAttr, bindAttributes, INEXPRESSIBLE_ATTRS } from '../shared/bind-attributes';
import { deviceCopyNs } from '../../model/cost';
import type { Interval } from '../../model/interval-set';
import { UnitBit, UnitState } from '../../model/logical-table';
import { Cause } from '../../sim/clock';
import { CPU, Flag } from '../../trace/event';
import { roundUp } from '../../units';
import * as outcomes from './outcomes';
import { PREFETCH_GRANULE_BYTES } from './prefetch-plan';
import * as residency from './residency';
import * as state from './state';
import type { AllocInfo, GmemState } from './state';
import * as stateTable from './state-table';
import * as warm from './warm-rows';

/*
 * Address ranges: allocations and their VMAs (alloc / free, row 12), range operations that discard units and
 * batch the TLB work (row 11's discard, munmap), and game-style binding traces (§11: reserve / release /
 * map / unmap).
 */

/** OE `GMEM_MMAP_RETRY_TIMES`: placement attempts before a peer-shared mmap fails with NOMEM. */
const GMEM_MMAP_RETRY_TIMES = 10;

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): loops read local copies.
const { charge, KIND_DEVICE, KIND_GMEM, KIND_HOST, MODE_REPLICATE, MODE_SHARE, TAG_DEVICE, TAG_HOST, TAG_NONE, TAG_PEER } = state;
const { allocError } = outcomes;
const { detach, frameFor, hostRelease, install } = residency;
const { newUnit } = stateTable;
const { warmSlots } = warm;
/** Visits a `warmSlots` call covers (as `WARM_ROWS` in src/sim/row-loop.ts). */
const WARM_SLOTS = 64;
const C_INVALIDATE = Cause.invalidate;
const C_MAP = Cause.map;
const C_TRANSFER = Cause.transfer;
const { NOMAP, CPU: ST_CPU, DEVICE } = UnitState;
const { PTE, PINNED, READONLY } = UnitBit;

// ---- range operations -------------------------------------------------------------------------------

/**
 * Discard slot `s` (DONTNEED, free, munmap): DEVICE → peer_unmap(copy=false); CPU → host page freed, PTE
 * zapped (shootdown batched per range op). The slot becomes NOMAP.
 */
export function discard(g: GmemState, s: number): void {
  const t = g.t;
  const st = t.stateOf(s);
  if (st === DEVICE && t.kindOf(s) === KIND_DEVICE) {
    // a `device` allocation's memory is the device driver's (placeDevice: resident and pinned from alloc, no
    // GMEM mapping charged or counted); its free returns the frames with nothing charged, as the placement, and as
    // uvm and hmm-svm free device buffers (revision 5; before, each 4 KiB unit paid a peer_unmap and a TLB
    // invalidation: 10 M unmaps and 55 s for the 20 GB of cudaMalloc'd buffers of a recorded Nsight export)
    detach(g, s);
    g.dataUnits--;
  } else if (st === DEVICE) {
    const dv = t.ownerOf(s);
    const c = g.c;
    if (g.p.invalidation === 'per-unit') {
      charge(g, C_MAP, c.peerUnmapNs);
      g.cn.tlbInvalidations++;
    } else {
      charge(g, C_MAP, Math.max(0, c.peerUnmapNs - c.invalidateNs));
      g.rangeDev[dv]!++;
    }
    g.cn.unmapOps++;
    detach(g, s);
    g.dataUnits--;
  } else if (st === ST_CPU) {
    if ((t.bitsOf(s) & PTE) !== 0) g.rangePtes++;
    hostRelease(g, s);
    g.dataUnits--;
  }
  t.setState(s, NOMAP);
  t.andBits(s, READONLY);
}

/** Close a range operation: one CPU shootdown if PTEs were zapped (plus replica / shared-table fan-out), and coalesced device flushes. */
export function endRangeOp(g: GmemState): void {
  const c = g.c;
  if (g.rangePtes > 0) {
    charge(g, C_INVALIDATE, c.tlbShootdownNs);
    g.x.cpuShootdowns++;
    fanOutCpuZap(g, g.rangePtes);
    g.rangePtes = 0;
  }
  for (let d = 0; d < g.nDev; d++) {
    if (g.rangeDev[d]! > 0) {
      charge(g, C_INVALIDATE, c.invalidateAllNs);
      g.cn.tlbInvalidations++;
      g.rangeDev[d] = 0;
    }
  }
}

/** CPU-side zap of `ptes` units: REPLICATE invalidates each replica; SHARE flushes each device (shared table). */
export function fanOutCpuZap(g: GmemState, ptes: number): void {
  if (g.mode === MODE_REPLICATE) {
    const n = g.p.invalidation === 'per-unit' ? ptes * g.nDev : g.nDev;
    g.x.replicaInvalidations += n;
    g.cn.tlbInvalidations += n;
    charge(g, C_INVALIDATE, n * (g.p.invalidation === 'per-unit' ? g.c.invalidateNs : g.c.invalidateAllNs));
  } else if (g.mode === MODE_SHARE) {
    g.cn.tlbInvalidations += g.nDev;
    charge(g, C_INVALIDATE, g.nDev * g.c.invalidateNs);
  }
}

/** Visit every existing slot of units fully inside `[lo, hi)` (scans the table when that is cheaper). */
export function forUnitsIn(g: GmemState, lo: number, hi: number, fn: (s: number) => void): void {
  const U = g.U;
  const u0 = Math.ceil(lo / U);
  const u1 = Math.floor(hi / U); // exclusive
  if (u1 <= u0) return;
  const t = g.t;
  if (u1 - u0 > 4 * t.size + 64) {
    // in unit order, as the lookup loop below visits them: listed by the index when it can, else collect the
    // keys, sort them natively (no comparator callback: a free of millions of units spent most of its time
    // in it) and look each one up
    const ordered = t.slotsInOrder(u0, u1);
    if (ordered !== undefined) {
      visitWarm(g, ordered, fn);
      return;
    }
    let n = 0;
    const keys = new Float64Array(t.size);
    for (let s = 0; s < t.highWater; s++) {
      const k = t.key[s]!;
      if (k >= u0 && k < u1) keys[n++] = k;
    }
    const sorted = keys.subarray(0, n).sort();
    // the slots are fixed before the first visit (a visit may remove units), as the slotsInOrder path does
    const slots = new Int32Array(n);
    for (let i = 0; i < n; i++) slots[i] = t.find(sorted[i]!);
    visitWarm(g, slots, fn);
    return;
  }
  for (let u = u0; u < u1; u++) {
    const s = t.find(u);
    if (s >= 0) fn(s);
  }
}

/** `fn` on each of `slots` in order, with the speed hint `warmSlots` (warm-rows.ts) ahead of every `WARM_SLOTS`. */
function visitWarm(g: GmemState, slots: Int32Array, fn: (s: number) => void): void {
  const n = slots.length;
  for (let i = 0; i < n; i += WARM_SLOTS) {
    const end = Math.min(n, i + WARM_SLOTS);
    warmSlots(g, slots, i, end);
    for (let k = i; k < end; k++) fn(slots[k]!);
  }
}

/** Drop allocation `it`'s reference from the units overlapping `[lo, hi)` (a part of it); remove units left with none. */
function dropUnits(g: GmemState, lo: number, hi: number): void {
  const U = g.U;
  const t = g.t;
  // units overlapping [lo, hi), including partial edge units
  const visit = (s: number): void => {
    if (t.addRefs(s, -1) === 0) {
      discard(g, s);
      t.remove(s);
    }
  };
  forUnitsIn(g, Math.floor(lo / U) * U, Math.ceil(hi / U) * U, visit);
  endRangeOp(g);
}

// ---- alloc / free -----------------------------------------------------------------------------------

export function allocRange(g: GmemState, va: number, bytes: number, flags: number, agent: number): void {
  if (Number.isNaN(va) || !(bytes > 0)) {
    allocError(g, 'alloc', va, 'no address or size');
    return;
  }
  const kindBits = flags & (Flag.managed | Flag.peer_shared | Flag.device | Flag.host | Flag.pinned_host);
  const kind = kindBits & (Flag.managed | Flag.peer_shared) ? KIND_GMEM : kindBits & Flag.device ? KIND_DEVICE : kindBits ? KIND_HOST : 0;
  if (kind === 0) {
    allocError(g, 'alloc', va, 'no allocation kind');
    return;
  }
  const peer = (flags & Flag.peer_shared) !== 0;
  const home = agent !== CPU && agent - 1 < g.nDev ? agent - 1 : 0;
  addRange(g, va, va + bytes, { kind, peer, mapping: false, resource: 0, home }, 'alloc');
}

/** Register a new allocation (alloc or map): overlap check, peer VA, VMA, unit refs, device residency. */
function addRange(g: GmemState, start: number, end: number, info: AllocInfo, op: string): Interval<AllocInfo> | undefined {
  if (g.allocs.overlapping(start, end).length > 0) {
    allocError(g, op, start, 'overlaps a live allocation');
    return undefined;
  }
  if (info.peer && g.isPeer && !peerVaAlloc(g, start, end - start, op)) return undefined;
  // units already shared with a neighbouring allocation gain a reference
  const U = g.U;
  const t = g.t;
  const u0 = Math.floor(start / U);
  const u1 = Math.floor((end - 1) / U);
  const s0 = t.find(u0);
  if (s0 >= 0) t.addRefs(s0, 1);
  if (u1 !== u0) {
    const s1 = t.find(u1);
    if (s1 >= 0) t.addRefs(s1, 1);
  }
  g.allocs.insert(start, end, info);
  const it = g.allocs.at(start)!;
  const ch = g.vmas.mmap(start, end, info.kind === KIND_DEVICE ? TAG_DEVICE : info.kind === KIND_HOST ? TAG_HOST : TAG_PEER);
  g.vmaSplitsPending = ch.splits + ch.merges;
  if (info.kind === KIND_DEVICE && !placeDevice(g, it)) return undefined;
  return it;
}

/** A `device` allocation is resident (and pinned) on its home device from `alloc`. */
function placeDevice(g: GmemState, it: Interval<AllocInfo>): boolean {
  const t = g.t;
  const dv = it.value.home;
  const u1 = Math.floor((it.end - 1) / g.U);
  for (let u = Math.floor(it.start / g.U); u <= u1; u++) {
    let s = t.find(u);
    if (s < 0) s = newUnit(g, u, it);
    if (t.stateOf(s) !== NOMAP) continue;
    const f = frameFor(g, dv, s, u);
    if (f < 0) {
      rollbackDevice(g, it);
      return false;
    }
    t.orBits(s, PINNED);
    g.dataUnits++;
    install(g, s, dv, f, u);
  }
  return true;
}

/** peer_va_alloc_fixed on every attached PEER device; NOMEM when `peerVaBytes` is exhausted. */
function peerVaAlloc(g: GmemState, va: number, bytes: number, op: string): boolean {
  const need = roundUp(bytes, PREFETCH_GRANULE_BYTES);
  if (g.p.peerVaBytes > 0 && g.peerVaUsed + need > g.p.peerVaBytes) {
    charge(g, C_MAP, GMEM_MMAP_RETRY_TIMES * g.c.peerVaAllocNs);
    g.x.peerVaAllocs += GMEM_MMAP_RETRY_TIMES;
    allocError(g, op, va, `peer VA space exhausted after ${GMEM_MMAP_RETRY_TIMES} placement attempts (NOMEM)`);
    return false;
  }
  g.peerVaUsed += need;
  charge(g, C_MAP, g.nDev * g.c.peerVaAllocNs);
  g.x.peerVaAllocs += g.nDev;
  return true;
}

export function freeRange(g: GmemState, va: number): void {
  const it = g.allocs.at(va);
  if (it === undefined || it.value.mapping) {
    allocError(g, 'free', va, 'not the start of a live allocation');
    return;
  }
  removeRange(g, it);
}

/** A `device` allocation that did not fit: undo it without charging anything (it never existed). */
function rollbackDevice(g: GmemState, it: Interval<AllocInfo>): void {
  const t = g.t;
  g.allocs.remove(it.start);
  forUnitsIn(g, Math.floor(it.start / g.U) * g.U, Math.ceil(it.end / g.U) * g.U, (s) => {
    if (t.addRefs(s, -1) > 0) return;
    if (t.stateOf(s) === DEVICE) {
      detach(g, s);
      g.dataUnits--;
    }
    t.setState(s, NOMAP);
    t.remove(s);
  });
  g.vmas.munmap(it.start, it.end);
  if (it.value.peer && g.isPeer) g.peerVaUsed -= roundUp(it.end - it.start, PREFETCH_GRANULE_BYTES);
}

/** Remove allocation `it` and its units (row 12). */
function removeRange(g: GmemState, it: Interval<AllocInfo>): void {
  g.allocs.remove(it.start);
  dropUnits(g, it.start, it.end);
  g.vmas.munmap(it.start, it.end);
  const v = it.value;
  if (v.peer && g.isPeer) {
    g.peerVaUsed -= roundUp(it.end - it.start, PREFETCH_GRANULE_BYTES);
    if (g.p.chargePeerVaFree) {
      charge(g, C_MAP, g.nDev * g.c.peerVaFreeNs);
      g.x.peerVaFrees += g.nDev;
    }
  }
  if (v.mapping && v.resource !== 0) g.liveResources.set(v.resource, (g.liveResources.get(v.resource) ?? 1) - 1);
  if (v.mapping) g.extents.remove(v.resource, v.offset ?? 0, it.end - it.start);
}

// ---- game-style binding traces (§11) ----------------------------------------------------------------

export function reserveRange(g: GmemState, va: number, bytes: number): void {
  if (Number.isNaN(va) || !(bytes > 0) || !g.reservations.insert(va, va + bytes, 0)) {
    allocError(g, 'reserve', va, 'overlaps a live reservation or has no size');
    return;
  }
  const ch = g.vmas.mmap(va, va + bytes, TAG_NONE);
  charge(g, C_MAP, g.c.mmapNs + (ch.splits + ch.merges) * g.c.vmaSplitNs);
}

export function releaseRange(g: GmemState, va: number): void {
  const r = g.reservations.remove(va);
  if (r === undefined) {
    allocError(g, 'release', va, 'not the start of a live reservation');
    return;
  }
  for (const a of g.allocs.overlapping(r.start, r.end)) if (a.value.mapping) removeRange(g, a);
  const ch = g.vmas.munmap(r.start, r.end);
  charge(g, C_MAP, g.c.munmapNs + ch.splits * g.c.vmaSplitNs);
}

export function mapRange(g: GmemState, va: number, bytes: number, resource: number, flags: number, pageBytes: number, offset = NaN): void {
  if (Number.isNaN(va) || !(bytes > 0)) {
    allocError(g, 'map', va, 'no address or size');
    return;
  }
  const end = va + bytes;
  const over = g.allocs.overlapping(va, end);
  if (over.some((a) => !a.value.mapping)) {
    allocError(g, 'map', va, 'overlaps a live allocation (free it first)');
    return;
  }
  // mmap(MAP_FIXED) over live mappings replaces them (the kernel unmaps them inside the call; charged as a munmap)
  if (over.length > 0) unmapRange(g, va, bytes);
  const off = Number.isNaN(offset) ? 0 : offset;
  const it = addRange(g, va, end, { kind: KIND_GMEM, peer: true, mapping: true, resource, offset: off, home: 0 }, 'map');
  if (it === undefined) return;
  // addRange recorded the VMA change; charge the mmap(MAP_FIXED) with its splits and merges
  charge(g, C_MAP, g.c.mmapNs + g.vmaSplitsPending * g.c.vmaSplitNs);
  g.cn.mapOps++;
  const x = g.x;
  // one rule for what mmap cannot express, shared with gpuvm-sparse (src/systems/shared/bind-attributes.ts)
  const attrs = bindAttributes(flags, g.extents.add(resource, off, bytes), pageBytes);
  const isNull = (attrs & BindAttr.null) !== 0;
  if (isNull) x.inexpressibleNull++;
  if (attrs & BindAttr.compressed) x.inexpressibleCompressed++;
  if (attrs & BindAttr.readonly) x.inexpressibleReadonly++;
  if (attrs & BindAttr.aliased) x.inexpressibleAliased++;
  if (attrs & BindAttr.pageSize) x.inexpressiblePageSize++;
  if (attrs & INEXPRESSIBLE_ATTRS) x.inexpressibleBinds++;
  if (!isNull) {
    x.aliasCopies++;
    x.aliasCopyBytes += bytes;
    charge(g, C_TRANSFER, deviceCopyNs(g.c, bytes));
  }
  if (resource !== 0) g.liveResources.set(resource, (g.liveResources.get(resource) ?? 0) + 1);
}

export function unmapRange(g: GmemState, va: number, bytes: number): void {
  if (Number.isNaN(va) || !(bytes > 0)) {
    allocError(g, 'unmap', va, 'no address or size');
    return;
  }
  const end = va + bytes;
  for (const a of g.allocs.overlapping(va, end)) {
    if (a.start >= va && a.end <= end) {
      removeRange(g, a);
      continue;
    }
    // partial: the allocation keeps the parts outside [va, end)
    g.allocs.remove(a.start);
    if (a.start < va) g.allocs.insert(a.start, va, a.value);
    if (a.end > end) g.allocs.insert(end, a.end, a.value.mapping ? { ...a.value, offset: (a.value.offset ?? 0) + (end - a.start) } : a.value);
    if (a.value.mapping) g.extents.remove(a.value.resource, (a.value.offset ?? 0) + (Math.max(va, a.start) - a.start), Math.min(end, a.end) - Math.max(va, a.start));
    // units overlapping the removed part lose this allocation's reference unless a kept part overlaps them
    const U = g.U;
    const lo = Math.max(va, a.start);
    const hi = Math.min(end, a.end);
    forUnitsIn(g, Math.floor(lo / U) * U, Math.ceil(hi / U) * U, (s) => {
      const u = g.t.key[s]!;
      const keptLeft = a.start < va && u * U < va;
      const keptRight = a.end > end && (u + 1) * U > end;
      if (keptLeft || keptRight) return;
      if (g.t.addRefs(s, -1) === 0) {
        discard(g, s);
        g.t.remove(s);
      }
    });
    endRangeOp(g);
  }
  const ch = g.vmas.munmap(va, end);
  charge(g, C_MAP, g.c.munmapNs + ch.splits * g.c.vmaSplitNs);
}
