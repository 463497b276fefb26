import * as costMod from '../../model/cost';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import * as migrateMod from './migrate';
import * as notifierMod from './notifier';
import * as stateMod from './state';
import type { SvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { remoteAccessNs } = costMod;
const { Cause } = clockMod;
const { CPU, isWrite } = ev;
const { populateHost, toVram } = migrateMod;
const { breakCow } = notifierMod;
const { DEV, HOSTKIND, MANAGED, NONE, VRAM } = stateMod;

// ---- device accesses ---------------------------------------------------------------------------------

export function deviceAccess(st: SvmState, b: EventBatch, i: number): void {
  const tNs = b.tNs[i]!;
  const clock = st.env.clock;
  if (clock.nowNs < st.queuesEvictedUntilNs) st.queueStallNs += clock.waitUntil(st.queuesEvictedUntilNs, Cause.invalidate);
  let va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const write = isWrite(b.access[i]!);
  const count = b.count[i]!;
  while (va < end) {
    const a = st.allocs.find(va);
    if (a < 0) return st.rep.unmapped(tNs, DEV, va);
    const aEnd = Math.min(end, st.allocs.end(a));
    const flags = st.allocs.flags[a]!;
    if (flags & MANAGED) {
      const k0 = Math.floor(va / st.gran);
      const k1 = Math.floor((aEnd - 1) / st.gran);
      for (let k = k0; k <= k1; k++) {
        const u = st.unitIndex.get(k);
        const us = Math.max(va, k * st.gran);
        const ue = Math.min(aEnd, (k + 1) * st.gran);
        devUnit(st, u, us, ue, write, count, tNs);
      }
    } else if (flags & HOSTKIND) remote(st, aEnd - va, count, write);
    va = aEnd;
  }
}

function remote(st: SvmState, bytes: number, count: number, write: boolean): void {
  st.env.counters.remoteAccesses += count;
  st.env.clock.charge(Cause.remote, count * remoteAccessNs(st.c, bytes, write));
}

/** One unit of a device access covering `[s, e)`. */
function devUnit(st: SvmState, u: number, s: number, e: number, write: boolean, count: number, tNs: number): void {
  const clock = st.env.clock;
  if (write && st.uReadonly[u]) {
    st.rep.faultError(tNs, DEV, s, 'GPU write to a read-only (mprotect) range');
    return;
  }
  if (!st.uMapped[u]) {
    if (!st.p.retryFaults) restoreMapping(st, u);
    else gpuFault(st, u);
    if (!st.uMapped[u]) return; // OOM: the access failed
  }
  if (write && st.uCowAny[u]) breakCow(st, u, s, e, true);
  if (st.uLoc[u] === VRAM) st.policy.onTouch(st.uFrame[u]!, clock.nowNs, 0);
  else remote(st, e - s, count, write);
}

/** Retry faults off: the queues were restored after an invalidation; the driver re-maps in place. */
function restoreMapping(st: SvmState, u: number): void {
  const r = st.uRange[u]!;
  st.mapOp();
  const gran = st.gran;
  const k1 = Math.floor((st.rEnd[r]! - 1) / gran);
  for (let k = Math.floor(st.rStart[r]! / gran); k <= k1; k++) {
    const v = st.unitIndex.get(k);
    if (v >= 0 && !st.uMapped[v] && st.uRange[v] === r) {
      st.uMapped[v] = 1;
      st.rMapped[r]!++;
    }
  }
}

/**
 * GPU retry fault on unit `u` (`svm_range_restore_pages`): faults within `retryDropNs` of the range's last
 * validation are dropped and retried (the access waits for the window to pass); then the unit moves to the
 * best location (VRAM unless the range prefers the host or is accessed in place), is DMA-mapped and the GPU
 * page table is updated.
 */
function gpuFault(st: SvmState, u: number): void {
  const env = st.env;
  const clock = env.clock;
  const cn = env.counters;
  const r = st.uRange[u]!;
  const open = st.rValidNs[r]! + st.p.retryDropNs;
  if (clock.nowNs < open) {
    st.droppedFaults++;
    st.droppedFaultWaitNs += clock.waitUntil(open, Cause.fault);
  }
  cn.deviceFaults++;
  clock.charge(Cause.fault, st.c.faultServiceNs);
  const stay = st.rPref[r] === CPU + 1 || st.rInPlace[r] === 1;
  if (stay) {
    if (st.uLoc[u] === NONE && !populateHost(st, u, DEV)) return;
  } else if (st.uLoc[u] !== VRAM && !toVram(st, u, r)) return;
  st.uMapped[u] = 1;
  st.rMapped[r]!++;
  st.mapOp();
  st.rValidNs[r] = clock.nowNs;
}
