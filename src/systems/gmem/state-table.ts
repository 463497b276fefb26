import { gmemMessages } from '../../log/messages/gmem';
import { remoteAccessNs } from '../../model/cost';
import type { Interval } from '../../model/interval-set';
import { UnitBit, UnitState } from '../../model/logical-table';
import { TouchReason } from '../../policies/types';
import { Cause } from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import { Access, CPU, NO_AGENT, Op } from '../../trace/event';
import * as outcomes from './outcomes';
import * as residency from './residency';
import * as state from './state';
import type { AllocInfo, GmemState } from './state';

/*
 * Faults: the COHERENT_EXCLUSIVE state table (docs/gmem-model.md §3; rows 1–7, 10, 13 here, row 8 in residency.ts),
 * device and CPU touches, the SHARE / REPLICATE remote path (decision D) and cross-device faults (decision B).
 */

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths read local copies.
const { charge, KIND_GMEM, KIND_DEVICE, KIND_HOST, MODE_EXCLUSIVE, MODE_REPLICATE } = state;
const { faultError, oom } = outcomes;
const { frameFor, install, peerUnmapCopy, hostReserve, hostRelease, replicaInstall } = residency;
const C_FAULT = Cause.fault;
const C_TRANSFER = Cause.transfer;
const C_INVALIDATE = Cause.invalidate;
const C_MAP = Cause.map;
const C_REMOTE = Cause.remote;
const AGENT_CPU = CPU;
const ACC_WRITE = Access.w | Access.atomic;
const TOUCH_ACCESS = TouchReason.access;
const { NOMAP, CPU: ST_CPU, DEVICE } = UnitState;
const OP_ACCESS = Op.access;
const { PTE, WILLNEED, DIRTY, COW, READONLY, MIGRATING } = UnitBit;

// ---- accesses ---------------------------------------------------------------------------------------

/** An access row (hot path): columns are read here so no float crosses a call boundary (no boxing). */
export function accessRow(g: GmemState, b: EventBatch, i: number): void {
  const f = rowHitFrame(g, b, i);
  if (f >= 0) {
    if (g.p.accessBitsRefresh) touchHit(g, b.agent[i]! - 1, f);
    return;
  }
  access(g, b.agent[i]!, b.va[i]!, b.bytes[i]!, b.access[i]!, b.count[i]!);
}

/**
 * Row `i` as a row-3 hit, all but the recency touch: an access by a device in exclusive mode, inside one live
 * allocation, within one unit that the device holds in a frame, of GMEM kind; a write also needs the unit
 * writable, and sets DIRTY. Returns that frame, or -1 when the row is not such a hit (nothing changed: the full
 * path, `access`, takes it). One unit held in a frame: the row's bytes are at most a unit, within the device's
 * memory, so the engine's row limit (engine.ts `maxRowBytes`) is never reached here.
 */
function rowHitFrame(g: GmemState, b: EventBatch, i: number): number {
  const s = hitCandidateSlot(g, b, i);
  return s < 0 ? -1 : slotHitFrame(g, s, b.agent[i]! - 1, b.access[i]!);
}

/**
 * The part of `rowHitFrame` that no hit can change: the slot of row `i`'s unit when the row is a device access in
 * exclusive mode within one unit of one live GMEM-kind allocation, else -1 (also when the unit has no slot yet). `warmRows`
 * (warm-rows.ts) finds the same slots, with the same tests, and keeps them for `deviceHitRows`.
 */
function hitCandidateSlot(g: GmemState, b: EventBatch, i: number): number {
  const agent = b.agent[i]!;
  const va = b.va[i]!;
  const bytes = b.bytes[i]!;
  const end = va + bytes;
  if (g.mode !== MODE_EXCLUSIVE || b.op[i] !== OP_ACCESS || agent === AGENT_CPU || agent - 1 >= g.nDev || !(bytes > 0)) return -1;
  const a = g.allocs.find(va);
  // a GMEM-kind unit can hold part of another kind's allocation (neighbourAccess): only a GMEM allocation's row is a hit
  if (a === undefined || end > a.end || a.value.kind !== KIND_GMEM) return -1;
  const u0 = Math.floor(va * g.invU);
  if (u0 !== Math.floor((end - 1) * g.invU)) return -1;
  return g.t.find(u0);
}

/**
 * The rest of `rowHitFrame`, for candidate slot `s` (`hitCandidateSlot`) touched by device `dv` with access flags
 * `acc`: the frame when the device holds the unit and it is of GMEM kind (a write: writable, and DIRTY is set), else -1.
 */
function slotHitFrame(g: GmemState, s: number, dv: number, acc: number): number {
  const t = g.t;
  // a unit holds a frame exactly when it is in DEVICE state (invariants.ts checks it), so the frame, needed
  // anyway, stands for the state, and with one device its owner is that device: fewer memory loads per hit;
  // bits are read only for a write
  const f = t.frameOf(s);
  if (f < 0 || (g.nDev !== 1 && t.ownerOf(s) !== dv) || t.kindOf(s) !== KIND_GMEM) return -1;
  if ((acc & ACC_WRITE) !== 0) {
    const bits = t.bitsOf(s);
    if ((bits & READONLY) !== 0) return -1;
    t.setBits(s, bits | DIRTY);
  }
  return f;
}

/**
 * `SystemModel.deviceHits` for GMEM: `accessRow`'s row-3 hits (`rowHitFrame`) over consecutive rows. The engine
 * calls it inside the window `warmRows` (warm-rows.ts) has just loaded, so the lookups (index entry, record, list
 * links) find their lines in cache. A hit charges no time and changes only recency (through the policy's
 * `touchList`; a policy without one is told the time, which the engine has not advanced yet, so such rows are
 * left to `accessRow`) and the DIRTY bit. Returns the first row that is not such a hit.
 */
export function deviceHitRows(g: GmemState, b: EventBatch, from: number, to: number): number {
  const refresh = g.p.accessBitsRefresh;
  const lists = g.touchLists;
  const op = b.op;
  // the rows warmRows has just looked up (state.ts warmSlots), while those lookups still hold
  const w0 = g.warmFrom;
  const warm = b === g.warmBatch && g.warmAllocs === g.allocs.version && g.warmRemovals === g.t.removals;
  const w1 = warm ? w0 + g.warmRows : w0;
  const ws = g.warmSlots;
  const agent = b.agent;
  let i = from;
  for (; i < to; i++) {
    if (op[i] !== OP_ACCESS) return i;
    // a clock-reading policy first, before the row changes anything (an agent that is no device has no list:
    // rowHitFrame refuses it)
    const l = refresh ? lists[agent[i]! - 1] : undefined;
    if (l === null) return i;
    // inside the warm window, the candidate slot warmRows found (hitCandidateSlot) instead of a second lookup
    const s = i >= w0 && i < w1 ? ws[i - w0]! : hitCandidateSlot(g, b, i);
    const f = s < 0 ? -1 : slotHitFrame(g, s, agent[i]! - 1, b.access[i]!);
    if (f < 0) return i;
    if (l !== undefined) l.touch(f);
  }
  return i;
}

/**
 * A device hit refreshes recency (access bits): through the policy's `touchList` when it has one (the same
 * decision, EvictionPolicy.touchList), else `onTouch` with the time and reason.
 */
function touchHit(g: GmemState, dv: number, f: number): void {
  const l = g.touchLists[dv]!;
  if (l !== null) l.touch(f);
  else g.policies[dv]!.onTouch(f, g.clock.nowNs, TOUCH_ACCESS);
}

/** A copy to an address is a write of its bytes by the target agent; one without a byte count is ignored (warning). */
export function copyRow(g: GmemState, b: EventBatch, i: number): void {
  // copies without a destination address never get here: the engine replays them for every system alike
  if (Number.isNaN(b.bytes[i]!) || b.target[i] === NO_AGENT) {
    g.x.copiesIgnored++;
    g.env.log.add(gmemMessages.copyIgnored(g.where));
  } else access(g, b.target[i]!, b.va[i]!, b.bytes[i]!, 2, 1);
}

function access(g: GmemState, agent: number, va: number, bytes: number, acc: number, count: number): void {
  const end = va + bytes;
  const a = g.allocs.find(va);
  if (a === undefined || !(bytes > 0) || (end > a.end && !g.allocs.covers(va, end))) {
    faultError(g, agent, va, 'outside every live allocation (unmapped or freed)');
    return;
  }
  const dv = agent - 1;
  if (agent !== AGENT_CPU && dv >= g.nDev) {
    faultError(g, agent, va, `no such device on platform '${g.env.platform.id}'`);
    return;
  }
  const U = g.U;
  const write = (acc & ACC_WRITE) !== 0;
  const u1 = Math.floor((end - 1) * g.invU);
  const t = g.t;
  const fast = g.mode === MODE_EXCLUSIVE && agent !== AGENT_CPU;
  for (let u = Math.floor(va * g.invU); u <= u1; u++) {
    let s = t.find(u);
    if (s < 0) s = newUnit(g, u, a);
    // the allocation kind of this unit's part of the access (a row that `covers` several allocations: the one there)
    const pva = Math.max(va, u * U);
    const ak = pva < a.end ? a.value.kind : (g.allocs.find(pva)?.value.kind ?? a.value.kind);
    if (ak !== t.kindOf(s)) {
      neighbourAccess(g, s, agent, ak, write, Math.min(end, (u + 1) * U) - pva, count, pva);
      continue;
    }
    if (fast && t.stateOf(s) === DEVICE && t.ownerOf(s) === dv && t.kindOf(s) === KIND_GMEM) {
      // row 3 fast path: a hit by the owning device (same as devTouch)
      const bits = t.bitsOf(s);
      if (!write) {
        if (g.p.accessBitsRefresh) touchHit(g, dv, t.frameOf(s));
        continue;
      }
      if ((bits & READONLY) === 0) {
        t.setBits(s, bits | DIRTY);
        if (g.p.accessBitsRefresh) touchHit(g, dv, t.frameOf(s));
        continue;
      }
    }
    if (write && (t.bitsOf(s) & READONLY) !== 0) {
      faultError(g, agent, Math.max(va, u * U), 'write to read-only memory (mprotect)');
      continue;
    }
    if (agent === AGENT_CPU) cpuTouch(g, s, write, u);
    else {
      const portion = Math.min(end, (u + 1) * U) - Math.max(va, u * U);
      devTouch(g, s, dv, write, portion, count, u);
    }
  }
}

/**
 * An access to an allocation of kind `ak` inside a unit that belongs to a neighbour of another kind: allocations of
 * different kinds share the unit (a `device` or `host` allocation within one `unitBytes` of another allocation; the
 * unit's kind and state are those of the allocation that created it, `newUnit`). The real GMEM never shares a
 * unit across kinds — it manages only peer-shared VMAs, whose mappings it aligns to its page size, and leaves device
 * and host memory to the driver and the kernel — so the model serves such an access by its own allocation's kind and
 * leaves the unit to its owner: the allocation decides what the access may do, the unit where the data is.
 * - CPU: device-only memory is refused (fault error, as `cpuTouch`); host memory is the CPU's own (nothing charged:
 *   no first-touch zero-fill, unlike a unit of its own); GMEM-managed data in a unit resident on a device is read
 *   over the link (remote access), else it is in host memory (nothing).
 * - A device: data in a unit it holds (not host memory) is a hit; anything else is a remote access, as
 *   `devTouch`/`sharedTouch` serve host memory and another device's memory.
 * Each such access carries the warning `gmem.mixed-unit`: its cost is an approximation of the separate units a real
 * system keeps.
 */
function neighbourAccess(g: GmemState, s: number, agent: number, ak: number, write: boolean, portion: number, count: number, pva: number): void {
  const t = g.t;
  const onDevice = t.stateOf(s) === DEVICE;
  g.env.log.add(gmemMessages.mixedUnit(g.where, KIND_NAMES[ak] ?? String(ak), KIND_NAMES[t.kindOf(s)] ?? String(t.kindOf(s)), pva, g.U));
  if (agent === AGENT_CPU) {
    if (ak === KIND_DEVICE) faultError(g, CPU, pva, 'CPU access to device-only memory');
    else if (ak === KIND_GMEM && onDevice) remote(g, count, portion, write);
    return;
  }
  if (onDevice && t.ownerOf(s) === agent - 1 && ak !== KIND_HOST) return;
  remote(g, count, portion, write);
}

/** Allocation kind names of the `gmem.mixed-unit` warning (state.ts KIND_*). */
const KIND_NAMES: Readonly<Record<number, string>> = { [KIND_GMEM]: 'managed', [KIND_DEVICE]: 'device', [KIND_HOST]: 'host' };

/** Create the slot of unit `u` (first touch). `a` is an allocation known to contain part of the access. */
export function newUnit(g: GmemState, u: number, a: Interval<AllocInfo>): number {
  const lo = u * g.U;
  const hi = lo + g.U;
  const t = g.t;
  const s = t.create(u);
  if (a.start <= lo && hi <= a.end) {
    t.setRefs(s, 1);
    t.setKind(s, a.value.kind);
  } else {
    const ov = g.allocs.overlapping(lo, hi);
    t.setRefs(s, ov.length);
    t.setKind(s, ov.length > 0 ? ov[0]!.value.kind : a.value.kind);
  }
  return s;
}

function cpuTouch(g: GmemState, s: number, write: boolean, u: number): void {
  const t = g.t;
  if (t.kindOf(s) === KIND_DEVICE) {
    faultError(g, CPU, u * g.U, 'CPU access to device-only memory');
    return;
  }
  const st = t.stateOf(s);
  let faulted = false;
  if (st === ST_CPU) {
    if ((t.bitsOf(s) & PTE) === 0) {
      // row 6: evicted data is still in host memory; re-install the PTE
      g.cn.cpuFaults++;
      charge(g, C_FAULT, g.c.cpuFaultNs);
      t.orBits(s, PTE);
      if (g.mode === MODE_REPLICATE) replicaInstall(g);
      faulted = true;
    }
  } else if (st === NOMAP) {
    // row 5: host zero-fill
    g.cn.cpuFaults++;
    if (!hostZeroFill(g, s, CPU, u, g.c.cpuFaultNs, 'no host memory for a CPU zero-fill')) return;
    faulted = true;
  } else {
    // row 7: migrate back from the device
    g.cn.cpuFaults++;
    if (!hostReserve(g)) {
      oom(g, 'host', CPU, u, 'no host memory to migrate a device unit back');
      return;
    }
    charge(g, C_FAULT, g.c.cpuFaultNs);
    peerUnmapCopy(g, s, C_MAP);
    t.setState(s, ST_CPU);
    t.setBits(s, (t.bitsOf(s) | PTE) & ~MIGRATING);
    faulted = true;
  }
  if (write) {
    if ((t.bitsOf(s) & COW) !== 0) {
      // copy-on-write break: the child keeps the old page, the parent gets a private copy
      if (!hostReserve(g)) {
        oom(g, 'host', CPU, u, 'no host memory for a copy-on-write copy');
        return;
      }
      g.childUnits++;
      g.x.cowFaults++;
      charge(g, C_FAULT, (faulted ? 0 : g.c.cpuFaultNs) + g.c.hostZeroFillNs);
      t.andBits(s, ~COW);
    }
    t.orBits(s, DIRTY);
  }
}

function devTouch(g: GmemState, s: number, dv: number, write: boolean, portion: number, count: number, u: number): void {
  const t = g.t;
  const kind = t.kindOf(s);
  if (kind === KIND_DEVICE) {
    if (t.stateOf(s) === DEVICE && t.ownerOf(s) !== dv) remote(g, count, portion, write); // peer access
    return;
  }
  if (kind === KIND_HOST || g.mode !== MODE_EXCLUSIVE) {
    sharedTouch(g, s, dv, write, portion, count, u);
    return;
  }
  const st = t.stateOf(s);
  if (st === DEVICE && t.ownerOf(s) === dv) {
    // row 3: a hit
    if (write) t.orBits(s, DIRTY);
    if (g.p.accessBitsRefresh) touchHit(g, dv, t.frameOf(s));
    return;
  }
  g.cn.deviceFaults++;
  let ok: boolean;
  if (st === DEVICE) ok = crossDevice(g, s, dv, u, false);
  else if (st === ST_CPU) ok = toDeviceFromCpu(g, s, dv, u, false);
  else ok = toDeviceFromNomap(g, s, dv, u, false);
  if (ok && write) t.orBits(s, DIRTY);
}

/** SHARE / REPLICATE contexts and host allocations (decision D): data stays in host memory. */
function sharedTouch(g: GmemState, s: number, dv: number, write: boolean, portion: number, count: number, u: number): void {
  const t = g.t;
  const st = t.stateOf(s);
  if (st === NOMAP) {
    // the device touch is resolved by the CPU fault path (row 5) first
    g.cn.deviceFaults++;
    if (!hostZeroFill(g, s, dv + 1, u, g.c.faultServiceNs, 'no host memory for a zero-fill')) return;
  } else if (st === ST_CPU && (t.bitsOf(s) & PTE) === 0) {
    g.cn.deviceFaults++;
    charge(g, C_FAULT, g.c.faultServiceNs);
    t.orBits(s, PTE);
    if (g.mode === MODE_REPLICATE) replicaInstall(g);
  } else if (st === DEVICE && t.ownerOf(s) === dv) return;
  if (write && (t.bitsOf(s) & COW) !== 0) {
    if (!cowRoundTrip(g, s, dv, u)) return;
  }
  if (write) t.orBits(s, DIRTY);
  remote(g, count, portion, write);
}

/**
 * Row 5, NOMAP → CPU: reserve a host unit, charge `faultNs` (the faulting side's fault service) plus the
 * host zero-fill, install the CPU PTE. Returns false, after reporting an OOM for `agent` with `reason`,
 * when host memory is exhausted (the unit stays NOMAP).
 */
function hostZeroFill(g: GmemState, s: number, agent: number, u: number, faultNs: number, reason: string): boolean {
  if (!hostReserve(g)) {
    oom(g, 'host', agent, u, reason);
    return false;
  }
  charge(g, C_FAULT, faultNs + g.c.hostZeroFillNs);
  g.cn.zeroFills++;
  g.dataUnits++;
  g.t.setState(s, ST_CPU);
  g.t.orBits(s, PTE);
  if (g.mode === MODE_REPLICATE) replicaInstall(g);
  return true;
}

function remote(g: GmemState, count: number, portion: number, write: boolean): void {
  g.cn.remoteAccesses += count;
  charge(g, C_REMOTE, count * remoteAccessNs(g.c, portion, write));
}

/** A device access to a copy-on-write unit: a CPU fault breaks the sharing first (the CPU round trip). */
function cowRoundTrip(g: GmemState, s: number, dv: number, u: number): boolean {
  if (!hostReserve(g)) {
    oom(g, 'host', dv + 1, u, 'no host memory for a copy-on-write copy');
    return false;
  }
  g.childUnits++;
  g.x.cowDeviceRoundTrips++;
  charge(g, C_FAULT, g.c.cpuFaultNs + g.c.hostZeroFillNs);
  g.t.andBits(s, ~COW);
  return true;
}

// ---- state-table rows (device side) -----------------------------------------------------------------

/** Row 1: NOMAP → DEVICE(dv), device zero-fill. */
export function toDeviceFromNomap(g: GmemState, s: number, dv: number, u: number, prefetch: boolean): boolean {
  const f = frameFor(g, dv, s, u);
  if (f < 0) return false;
  if (!prefetch) charge(g, C_FAULT, g.c.faultServiceNs);
  charge(g, C_MAP, g.c.peerMapNs);
  charge(g, C_FAULT, g.c.deviceZeroFillNs);
  g.cn.zeroFills++;
  g.cn.mapOps++;
  g.dataUnits++;
  install(g, s, dv, f, u);
  return true;
}

/** Row 2 (and the second leg of row 4, and row 10's retry): CPU → DEVICE(dv), H2D one unit. */
export function toDeviceFromCpu(g: GmemState, s: number, dv: number, u: number, prefetch: boolean): boolean {
  const t = g.t;
  const c = g.c;
  if ((t.bitsOf(s) & MIGRATING) !== 0) {
    // row 10: the unit's eviction write-back is in flight (GM_RET_MIGRATING): set WILLNEED, wait, retry
    t.orBits(s, WILLNEED);
    g.x.migratingRetries++;
  }
  if ((t.bitsOf(s) & COW) !== 0 && !cowRoundTrip(g, s, dv, u)) return false;
  const f = frameFor(g, dv, s, u);
  if (f < 0) return false;
  if (!prefetch) charge(g, C_FAULT, c.faultServiceNs);
  if ((t.bitsOf(s) & PTE) !== 0) {
    charge(g, C_INVALIDATE, c.tlbShootdownNs);
    g.x.cpuShootdowns++;
  }
  charge(g, C_MAP, c.dmaMapNs + c.peerMapNs + c.dmaUnmapNs);
  charge(g, C_TRANSFER, c.h2dNs, true);
  if (g.p.peerMapFailRate > 0 && g.env.rng.next() < g.p.peerMapFailRate) {
    // row 13: peer_map failed after the CPU PTE was zapped: the data is lost
    g.pools[dv]!.release(f);
    t.setState(s, NOMAP);
    t.andBits(s, READONLY);
    hostRelease(g, s);
    g.dataUnits--;
    g.x.dataLoss++;
    g.cn.errorEvents++;
    g.env.events.add('data-loss', g.clock.nowNs, dv + 1, u * g.U, 'peer_map failed after the CPU PTE was zapped');
    g.env.log.add(gmemMessages.dataLoss(g.where, u * g.U));
    return false;
  }
  hostRelease(g, s);
  const cn = g.cn;
  cn.migrationsH2D++;
  cn.bytesH2D += g.U;
  cn.mapOps++;
  if (prefetch) cn.prefetchedBytes += g.U;
  t.andBits(s, ~(PTE | MIGRATING));
  install(g, s, dv, f, u);
  return true;
}

/** Row 4: a device fault on a unit owned by another device (decision B). */
export function crossDevice(g: GmemState, s: number, dv: number, u: number, prefetch: boolean): boolean {
  const t = g.t;
  if (g.p.crossDevice === 'rfc-noop') {
    // RFC: gm_dev_fault returns success and maps nothing; the access is not served
    g.x.crossDeviceNoop++;
    if (!prefetch) charge(g, C_FAULT, g.c.faultServiceNs);
    g.env.events.add('cross-device', g.clock.nowNs, dv + 1, u * g.U, `rfc-noop: owned by dev${t.ownerOf(s)}`);
    return false;
  }
  if (!hostReserve(g)) {
    oom(g, 'host', dv + 1, u, 'no host memory to stage a cross-device migration');
    return false;
  }
  peerUnmapCopy(g, s, C_MAP);
  t.setState(s, ST_CPU);
  t.andBits(s, ~PTE);
  g.x.crossDeviceMigrations++;
  g.env.events.add('cross-device', g.clock.nowNs, dv + 1, u * g.U, 'migrated via host');
  return toDeviceFromCpu(g, s, dv, u, prefetch);
}
