import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import * as notifierMod from './notifier';
import * as stateMod from './state';
import type { SvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Cause } = clockMod;
const { CPU, Flag, isWrite } = ev;
const { breakCow, invalidate } = notifierMod;
const { DEV, HOST, MANAGED, NONE, VRAM } = stateMod;

// ---- migration between host memory and VRAM (kfd_migrate.c) --------------------------------------------

/** Move unit `u` to VRAM (zero-fill if it has no data), evicting whole ranges if needed. */
export function toVram(st: SvmState, u: number, r: number): boolean {
  const env = st.env;
  const clock = env.clock;
  const cn = env.counters;
  st.busyRange = r;
  const f = takeFrame(st, u, st.uKey[u]! * st.gran, st.gran);
  st.busyRange = -1;
  if (f < 0) return false;
  const bytes = st.unitBytes(u);
  if (st.uLoc[u] === HOST) {
    clock.charge(Cause.transfer, st.c.dmaMapNs);
    clock.waitUntil(st.link.book(clock.nowNs, bytes, 'h2d'), Cause.transfer);
    clock.charge(Cause.transfer, st.c.dmaUnmapNs);
    cn.migrationsH2D++;
    cn.bytesH2D += bytes;
    st.hostBytes -= bytes;
  } else {
    cn.zeroFills++;
    clock.charge(Cause.fault, bytes / env.platform.device.zeroFillBytesPerNs);
  }
  st.uLoc[u] = VRAM;
  st.uFrame[u] = f;
  st.policy.onInsert(f, clock.nowNs);
  return true;
}

/**
 * A VRAM frame for `holder` (a unit, or `WIRED` for a device allocation), evicting whole ranges in the policy's order
 * while none is free (TTM evicts the SVM BOs, `svm_range_evict_svm_bo_worker`, kfd_svm.c); the range `st.busyRange`
 * is never a victim. -1, after reporting the OOM at `va` (`bytes` needed), when no range is left to evict or host
 * memory cannot take a victim's data.
 */
export function takeFrame(st: SvmState, holder: number, va: number, bytes: number): number {
  const clock = st.env.clock;
  let f = st.frames.alloc(holder);
  while (f < 0) {
    const v = st.policy.victim(clock.nowNs);
    if (v < 0) break;
    const vu = st.frames.holder[v]!;
    const vr = st.uRange[vu]!;
    // the range's VRAM units need system pages (hostTakes); counted only when the whole range might not fit
    if (!hostTakes(st, st.rEnd[vr]! - st.rStart[vr]!)) {
      const wb = rangeVramBytes(st, vr);
      if (!hostTakes(st, wb)) {
        // the eviction fails, so does what needed the frame
        st.rep.oom(clock.nowNs, DEV, va, 'host', wb);
        return -1;
      }
    }
    evictRange(st, vr);
    // the victim's range holds the victim (ranges.ts keeps every unit in a range that covers it): never loop
    if (st.frames.holder[v] === vu) throw new Error(`internal: hmm-svm evicted range ${st.uRange[vu]} but frame ${v} still holds unit ${vu}`);
    f = st.frames.alloc(holder);
  }
  if (f < 0) st.rep.oom(clock.nowNs, DEV, va, 'device', bytes);
  return f;
}

export function releaseFrame(st: SvmState, u: number): void {
  const f = st.uFrame[u]!;
  st.policy.onRemove(f);
  st.frames.release(f);
  st.uFrame[u] = -1;
}

/**
 * Whether host memory can take `bytes` more: the platform's `host.dramBytes`, without swap, as for gmem-* and uvm. A
 * migration to system memory allocates a system page per page (`svm_migrate_get_sys_page`: alloc_page_vma with
 * GFP_HIGHUSER, kfd_migrate.c); without one `svm_migrate_copy_to_ram` fails with -ENOMEM, the range stays in VRAM,
 * and a CPU fault gets VM_FAULT_SIGBUS (`svm_migrate_to_ram`). Host pages the model counts: `hostBytes`.
 */
export function hostTakes(st: SvmState, bytes: number): boolean {
  return st.hostBytes + bytes <= st.env.platform.host.dramBytes;
}

/** Bytes of range `r` in VRAM (what its eviction moves to system memory). */
function rangeVramBytes(st: SvmState, r: number): number {
  const gran = st.gran;
  const k1 = Math.floor((st.rEnd[r]! - 1) / gran);
  let bytes = 0;
  for (let k = Math.floor(st.rStart[r]! / gran); k <= k1; k++) {
    const u = st.unitIndex.get(k);
    if (u >= 0 && st.uLoc[u] === VRAM && st.uRange[u] === r) bytes += st.unitBytes(u);
  }
  return bytes;
}

/** TTM evicts the range's VRAM (the SVM BO) to system memory: D2H per unit, one notifier callback. */
export function evictRange(st: SvmState, r: number): void {
  st.env.counters.evictions++;
  const gran = st.gran;
  const k1 = Math.floor((st.rEnd[r]! - 1) / gran);
  for (let k = Math.floor(st.rStart[r]! / gran); k <= k1; k++) {
    const u = st.unitIndex.get(k);
    if (u < 0 || st.uLoc[u] !== VRAM || st.uRange[u] !== r) continue;
    migrateToHost(st, u, Cause.evict);
    st.evictedUnits++;
  }
  invalidate(st, st.rStart[r]!, st.rEnd[r]!);
}

/** Copy unit `u` from VRAM to host memory (DMA map, D2H, DMA unmap) and free its frame. */
export function migrateToHost(st: SvmState, u: number, cause: typeof Cause.evict | typeof Cause.transfer): void {
  const env = st.env;
  const clock = env.clock;
  const cn = env.counters;
  const bytes = st.unitBytes(u);
  clock.charge(cause, st.c.dmaMapNs);
  clock.waitUntil(st.link.book(clock.nowNs, bytes, 'd2h'), cause);
  clock.charge(cause, st.c.dmaUnmapNs);
  cn.migrationsD2H++;
  cn.bytesD2H += bytes;
  releaseFrame(st, u);
  st.uLoc[u] = HOST;
  st.hostBytes += bytes;
}

/** Whether host memory can take unit `u` (`hostTakes`); when it cannot, a host OOM is reported for `agent`. */
function hostTakesUnit(st: SvmState, u: number, agent: number): boolean {
  const bytes = st.unitBytes(u);
  if (hostTakes(st, bytes)) return true;
  st.rep.oom(st.env.clock.nowNs, agent, st.uKey[u]! * st.gran, 'host', bytes);
  return false;
}

/**
 * `svm_migrate_to_ram` of VRAM unit `u` for `agent` (a CPU fault, a prefetch to the CPU): the whole unit moves to
 * system memory and its GPU mapping is invalidated; false (a host OOM, reported) when host memory cannot take it.
 */
export function unitToRam(st: SvmState, u: number, agent: number): boolean {
  if (!hostTakesUnit(st, u, agent)) return false;
  migrateToHost(st, u, Cause.transfer);
  const a = st.uKey[u]! * st.gran;
  invalidate(st, a, a + st.gran);
  return true;
}

/** Zero-fill unit `u` in host memory; false (a host OOM, reported for `agent`) when host memory cannot take it. */
export function populateHost(st: SvmState, u: number, agent: number): boolean {
  if (!hostTakesUnit(st, u, agent)) return false;
  const bytes = st.unitBytes(u);
  st.env.counters.zeroFills++;
  st.env.clock.charge(Cause.fault, bytes / st.env.platform.host.zeroFillBytesPerNs);
  st.uLoc[u] = HOST;
  st.hostBytes += bytes;
  return true;
}

// ---- CPU accesses ------------------------------------------------------------------------------------
// A CPU fault on a VRAM unit is the device-private page's `migrate_to_ram` (svm_migrate_to_ram); the
// migration's PTE change invalidates the GPU mapping through the notifier.

export function cpuAccess(st: SvmState, b: EventBatch, i: number): void {
  const tNs = b.tNs[i]!;
  let va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const write = isWrite(b.access[i]!);
  while (va < end) {
    const a = st.allocs.find(va);
    if (a < 0) return st.rep.unmapped(tNs, CPU, va);
    const aEnd = Math.min(end, st.allocs.end(a));
    if (st.allocs.flags[a]! & MANAGED) {
      const k0 = Math.floor(va / st.gran);
      const k1 = Math.floor((aEnd - 1) / st.gran);
      for (let k = k0; k <= k1; k++) {
        const u = st.unitIndex.get(k);
        cpuUnit(st, u, Math.max(va, k * st.gran), Math.min(aEnd, (k + 1) * st.gran), write);
      }
    } else if (st.allocs.flags[a]! & Flag.device) st.rep.faultError(tNs, CPU, va, 'CPU access to device memory');
    va = aEnd;
  }
}

function cpuUnit(st: SvmState, u: number, s: number, e: number, write: boolean): void {
  const clock = st.env.clock;
  const cn = st.env.counters;
  const loc = st.uLoc[u]!;
  if (loc === VRAM) {
    // migrate_to_ram: the whole unit comes back; the migration invalidates the GPU mapping
    cn.cpuFaults++;
    clock.charge(Cause.fault, st.c.cpuFaultNs);
    if (!unitToRam(st, u, CPU)) return; // VM_FAULT_SIGBUS
  } else if (loc === NONE) {
    cn.cpuFaults++;
    clock.charge(Cause.fault, st.c.cpuFaultNs);
    if (!populateHost(st, u, CPU)) return;
  }
  if (write && st.uCowAny[u]) breakCow(st, u, s, e, false);
}
