import * as pageMask from '../../model/page-mask';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import * as deviceMemory from './device-memory';
import * as evictMod from './evict';
import * as migrateMod from './migrate';
import * as perfPrefetchMod from './perf-prefetch';
import * as stateMod from './state';
import type { UvmState } from './state';
import * as thrashingMod from './thrashing';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Cause } = clockMod;
const { maskClear, maskCountRange, maskRangeEmpty, maskSet, maskTest, maskZero } = pageMask;
const { CPU, Flag, isWrite } = ev;
const { PAGE_BYTES } = deviceMemory;
const { isManagedRange } = stateMod;
const { ThrashHint } = thrashingMod;
const { collapseToHost, pinToHost, populateHost, unpin } = migrateMod;
const { choosePrefetch } = perfPrefetchMod;
const { hostOomAt, hostTakes } = evictMod;

// CPU accesses to managed memory and CPU faults (the driver's `uvm_va_space_cpu_fault` path,
// `uvm_va_block_cpu_fault`): the faulting page, and its prefetch region, move to the host.

export function cpuAccess(s: UvmState, b: EventBatch, i: number): void {
  const tNs = b.tNs[i]!;
  let va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const write = isWrite(b.access[i]!);
  while (va < end) {
    const a = s.allocAt(va);
    if (a < 0) return s.rep.unmapped(tNs, CPU, va);
    const aEnd = Math.min(end, s.allocs.end(a));
    const flags = s.allocs.flags[a]!;
    if (isManagedRange(flags)) cpuManaged(s, tNs, va, aEnd, write);
    else if (flags & Flag.device) s.rep.faultError(tNs, CPU, va, 'CPU access to device memory (cudaMalloc)');
    va = aEnd;
  }
}

function cpuManaged(s: UvmState, tNs: number, start: number, end: number, write: boolean): void {
  const bl = s.blocks;
  const r = s.cpuWalk;
  r.start(start, end, true);
  while (r.next()) {
    const slot = r.slot;
    if (slot < 0) return s.tooManyBlocks(tNs, CPU, r.firstVa);
    const p0 = r.firstPage;
    const p1 = r.endPage;
    const o = slot * s.stride;
    if (maskCountRange(bl.cpu, o, p0, p1) === p1 - p0 && (!write || maskRangeEmpty(bl.dev, o, p0, p1))) continue;
    for (let p = p0; p < p1; p++) {
      if (maskTest(bl.cpu, o, p)) {
        if (write && maskTest(bl.dev, o, p)) collapseToHost(s, slot, p);
        continue;
      }
      cpuFault(s, slot, p, write);
    }
  }
}

/**
 * CPU fault on page `p`: thrashing hint, then the page (and, with the driver prefetcher, its density-tree
 * region of device-resident or unpopulated pages) moves to the host. Read faults on read-mostly pages copy
 * and keep the device copy.
 */
function cpuFault(s: UvmState, slot: number, p: number, write: boolean): void {
  const env = s.env;
  const clock = env.clock;
  const bl = s.blocks;
  const w = s.words;
  const o = slot * s.stride;
  env.counters.cpuFaults++;
  clock.charge(Cause.fault, env.platform.host.cpuFaultNs);
  const id = slot * s.ppb + p;
  if (s.thr) {
    if (maskTest(bl.pinned, o, p) && s.thr.hasExpiredPin(id, clock.nowNs)) unpin(s, slot, p);
    const h = s.thr.hint(id, clock.nowNs - s.throttleWaitNs, clock.nowNs);
    if (h === ThrashHint.throttle) {
      clock.charge(Cause.fault, s.p.throttleNs);
      s.throttleWaitNs += s.p.throttleNs;
    } else if (h === ThrashHint.pin) {
      pinToHost(s, slot, p);
      return;
    }
  }
  const region = s.scratch;
  maskZero(region, 0, w);
  maskSet(region, 0, p);
  if (s.cpuPrefetcher && !maskTest(bl.readMostly, o, p)) {
    const out = s.out;
    maskZero(out, 0, w);
    maskZero(bl.pend, o, w);
    maskSet(bl.pend, o, p);
    choosePrefetch(s, slot, s.cpuPrefetcher, bl.cpu, out, CPU);
    maskClear(bl.pend, o, p);
    for (let k = 0; k < w; k++) region[k] = (region[k]! | (out[k]! & ~bl.pinned[o + k]!)) >>> 0;
  }
  const thrNow = clock.nowNs - s.throttleWaitNs;
  const keepDev = maskTest(bl.readMostly, o, p) && !write;
  // pages with a device copy: D2H in runs; unpopulated: zero-fill on the host
  const nowNs = clock.nowNs;
  let end = nowNs;
  let runStart = -1;
  let dropped = false;
  let hostFull = false;
  for (let q = 0; q <= s.ppb; q++) {
    let inR = !hostFull && q < s.ppb && maskTest(region, 0, q) && !maskTest(bl.cpu, o, q);
    let fromDev = inR && maskTest(bl.dev, o, q);
    if (fromDev && !hostTakes(s, PAGE_BYTES)) {
      // no host page for it (evict.ts hostTakes): the fault's service stops here (one host OOM), the rest of its
      // region stays on the device
      hostOomAt(s, nowNs, CPU, slot, q, PAGE_BYTES);
      hostFull = true;
      inR = false;
      fromDev = false;
    }
    if (runStart >= 0 && !fromDev) {
      const bytes = (q - runStart) * PAGE_BYTES;
      const e = s.link.book(nowNs, bytes, 'd2h');
      if (e > end) end = e;
      env.counters.migrationsD2H++;
      env.counters.bytesD2H += bytes;
      runStart = -1;
    }
    if (!inR) continue;
    if (!fromDev) {
      if (!populateHost(s, slot, q)) hostFull = true; // populateHost reported the host OOM
      continue;
    }
    if (runStart < 0) runStart = q;
    maskSet(bl.cpu, o, q);
    s.hostBytes += PAGE_BYTES;
    if (keepDev && q === p) s.readDuplicates++;
    else {
      maskClear(bl.dev, o, q);
      bl.devPages[slot]!--;
      if (s.mem.mode === 'page') s.mem.removePage(slot, q);
      dropped = true;
    }
    if (s.thr && !maskTest(bl.readMostly, o, q)) s.thr.onMigration(slot * s.ppb + q, CPU, thrNow);
  }
  if (dropped) {
    if (s.mem.mode === 'chunk' && bl.devPages[slot] === 0) s.mem.removeBlock(slot);
    s.invalidateDeviceTlb();
  }
  clock.waitUntil(end, Cause.transfer);
}
