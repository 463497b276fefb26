import * as pageMask from '../../model/page-mask';
import { grown } from '../../io/typed-arrays';
import * as costMod from '../../model/cost';
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
const { maskClear, maskCountRange, maskNextSet, maskRangeEmpty, maskSet, maskTest, maskWeight, maskZero } = pageMask;
const { CPU, isWrite } = ev;
const { remoteAccessNs } = costMod;
const { PAGE_BYTES } = deviceMemory;
const { DEV, HOSTKIND, MANAGED } = stateMod;
const { ThrashHint } = thrashingMod;
const { evictFor } = evictMod;
const { collapseToDevice, migrateIn, pinToHost, unpin } = migrateMod;
const { choosePrefetch } = perfPrefetchMod;

// Device accesses and the replayable fault batch (the driver's `uvm_gpu_replayable_faults.c`): faults on
// non-resident pages gather into the open batch, which is serviced block by block and then replayed.

export function deviceAccess(s: UvmState, b: EventBatch, i: number): void {
  const tNs = b.tNs[i]!;
  if (s.batchN > 0 && tNs - s.batchOpenNs > s.p.batchWindowNs) flushBatch(s);
  let va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const write = isWrite(b.access[i]!);
  const count = b.count[i]!;
  while (va < end) {
    const a = s.allocAt(va);
    if (a < 0) return s.rep.unmapped(tNs, DEV, va);
    const aEnd = Math.min(end, s.allocs.end(a));
    const flags = s.allocs.flags[a]!;
    if (flags & MANAGED) devManaged(s, va, aEnd, write, count, tNs);
    else if (flags & HOSTKIND) remote(s, aEnd - va, count, write);
    // device-kind allocations are resident from alloc: a hit
    va = aEnd;
  }
}

function remote(s: UvmState, bytes: number, count: number, write: boolean): void {
  s.env.counters.remoteAccesses += count;
  s.env.clock.charge(Cause.remote, count * remoteAccessNs(s.costs, bytes, write));
}

function devManaged(s: UvmState, start: number, end: number, write: boolean, count: number, tNs: number): void {
  const bl = s.blocks;
  const w = s.words;
  const r = s.devWalk;
  r.start(start, end);
  while (r.next()) {
    const slot = r.slot;
    const p0 = r.firstPage;
    const p1 = r.endPage;
    const o = slot * w;
    if (bl.arrivalNs[slot]! > s.env.clock.nowNs) {
      s.prefetchWaitNs += s.env.clock.waitUntil(bl.arrivalNs[slot]!, Cause.transfer);
    }
    // fast path: every page resident on the device, no duplicate to collapse
    const n = p1 - p0;
    if (maskCountRange(bl.dev, o, p0, p1) === n && (!write || maskRangeEmpty(bl.cpu, o, p0, p1))) {
      touchRange(s, slot, p0, p1, tNs);
      continue;
    }
    let remoteBytes = 0;
    for (let p = p0; p < p1; p++) {
      if (maskTest(bl.dev, o, p)) {
        if (write && maskTest(bl.cpu, o, p)) collapseToDevice(s, slot, p);
        if (s.touch) touchOne(s, slot, p, tNs);
        continue;
      }
      if (maskTest(bl.pend, o, p)) {
        s.duplicateFaults++;
        if (write) maskSet(bl.pendWrite, o, p);
        continue;
      }
      if (servedRemotely(s, slot, p)) {
        remoteBytes += PAGE_BYTES;
        continue;
      }
      addFault(s, slot, p, write, tNs);
    }
    if (remoteBytes > 0) remote(s, Math.min(remoteBytes, end - start), count, write);
  }
}

function touchRange(s: UvmState, slot: number, p0: number, p1: number, tNs: number): void {
  if (!s.touch) return;
  if (s.mem.mode === 'chunk') s.mem.touchBlock(slot, tNs);
  else for (let p = p0; p < p1; p++) s.mem.touchPage(slot, p, tNs);
}

function touchOne(s: UvmState, slot: number, p: number, tNs: number): void {
  if (s.mem.mode === 'chunk') s.mem.touchBlock(slot, tNs);
  else s.mem.touchPage(slot, p, tNs);
}

/** Device access to a non-resident page that is mapped remotely instead of migrated. */
function servedRemotely(s: UvmState, slot: number, p: number): boolean {
  const bl = s.blocks;
  const o = slot * s.words;
  if (bl.pinnedCount[slot]! > 0 && maskTest(bl.pinned, o, p)) {
    const id = slot * s.ppb + p;
    if (s.thr!.pinnedAt(id, s.env.clock.nowNs)) return true;
    unpin(s, slot, p);
    return false;
  }
  if (!maskTest(bl.cpu, o, p)) return false;
  if (maskTest(bl.accessedBy, o, p)) return true; // accessed-by: mapped without migrating
  return bl.prefLoc[slot * s.ppb + p] === CPU + 1; // preferred location host: GPU maps sysmem
}

function addFault(s: UvmState, slot: number, p: number, write: boolean, tNs: number): void {
  const bl = s.blocks;
  const o = slot * s.words;
  if (s.batchN === 0) s.batchOpenNs = tNs;
  if (bl.inBatch[slot] === 0) {
    bl.inBatch[slot] = 1;
    if (s.batchN === s.batchSlots.length) s.batchSlots = grown(s.batchSlots, s.batchSlots.length * 2);
    s.batchSlots[s.batchN++] = slot;
  }
  maskSet(bl.pend, o, p);
  if (write) maskSet(bl.pendWrite, o, p);
  s.env.counters.deviceFaults++;
  if (++s.batchPages >= s.p.batchMax) flushBatch(s);
}

/**
 * Service the open fault batch, then replay. Order: thrashing hints (a throttle delays the replay by
 * `throttleNs`; a pin takes the page out of the batch), the fixed batch cost (`faultCost=batch`:
 * `device.fault.batchFixedNs`), then per block: prefetch choice, eviction to make room, the per-page
 * software cost (`perPageNs` × pages made resident; `far-fault`: `device.fault.serviceNs` per fault group)
 * and the block's transfers, booked on the link. The replay waits for the last transfer.
 */
export function flushBatch(s: UvmState): void {
  if (s.batchN === 0) return;
  const env = s.env;
  const clock = env.clock;
  const bl = s.blocks;
  const w = s.words;
  s.faultBatches++;
  if (s.thr) {
    let throttled = false;
    for (let j = 0; j < s.batchN; j++) {
      const slot = s.batchSlots[j]!;
      const o = slot * w;
      for (let p = maskNextSet(bl.pend, o, 0, s.ppb); p >= 0; p = maskNextSet(bl.pend, o, p + 1, s.ppb)) {
        const h = s.thr.hint(slot * s.ppb + p, clock.nowNs - s.throttleWaitNs, clock.nowNs);
        if (h === ThrashHint.throttle) throttled = true;
        else if (h === ThrashHint.pin) {
          maskClear(bl.pend, o, p);
          pinToHost(s, slot, p);
          env.counters.remoteAccesses++; // the faulting access is now served remotely
          clock.charge(Cause.remote, remoteAccessNs(s.costs, PAGE_BYTES, maskTest(bl.pendWrite, o, p)));
        }
      }
    }
    if (throttled) {
      clock.charge(Cause.fault, s.p.throttleNs);
      s.throttleWaitNs += s.p.throttleNs;
    }
  }
  if (s.p.faultCost === 'batch') clock.charge(Cause.fault, env.platform.device.fault.batchFixedNs);
  let transferEnd = clock.nowNs;
  for (let j = 0; j < s.batchN; j++) {
    const slot = s.batchSlots[j]!;
    if (maskRangeEmpty(bl.pend, slot * w, 0, s.ppb)) continue;
    bl.busy[slot] = 1;
    serviceBlock(s, slot);
    bl.busy[slot] = 0;
    if (s.lastTransferEnd > transferEnd) transferEnd = s.lastTransferEnd;
  }
  for (let j = 0; j < s.batchN; j++) {
    const slot = s.batchSlots[j]!;
    bl.inBatch[slot] = 0;
    maskZero(bl.pend, slot * w, w);
    maskZero(bl.pendWrite, slot * w, w);
  }
  s.batchN = 0;
  s.batchPages = 0;
  clock.waitUntil(transferEnd, Cause.transfer);
}

/** Make the faulted pages of one block resident (plus prefetch); returns pages made resident. */
function serviceBlock(s: UvmState, slot: number): number {
  const env = s.env;
  const dev = env.platform.device;
  const bl = s.blocks;
  const w = s.words;
  const o = slot * w;
  const out = s.out;
  s.lastTransferEnd = env.clock.nowNs;
  maskZero(out, 0, w);
  const faulted = maskWeight(bl.pend, o, w);
  if (s.prefetchOn) choosePrefetch(s, slot, s.prefetcher, bl.dev, out, DEV);
  // pages to bring: faulted ∪ prefetched, never pinned or already resident ones
  const want = s.want;
  for (let k = 0; k < w; k++) want[k] = ((bl.pend[o + k]! | out[k]!) & ~bl.pinned[o + k]! & ~bl.dev[o + k]!) >>> 0;
  let n = maskWeight(want, 0, w);
  if (n === 0) return 0;
  let need = s.mem.bytesFor(slot, n);
  if (s.mem.headroom(s.p.preEvictAt) < need && !evictFor(s, need, s.p.preEvictAt)) {
    // no room for the prefetch: retry with the faulted pages only
    for (let k = 0; k < w; k++) want[k] = (bl.pend[o + k]! & ~bl.pinned[o + k]! & ~bl.dev[o + k]!) >>> 0;
    maskZero(out, 0, w);
    n = maskWeight(want, 0, w);
    need = s.mem.bytesFor(slot, n);
    if (s.mem.headroom(1) < need && !evictFor(s, need, 1)) {
      s.rep.oom(env.clock.nowNs, DEV, bl.key[slot]! * s.blockBytes, 'device', need);
      return 0;
    }
  }
  if (s.p.faultCost === 'batch') env.clock.charge(Cause.fault, dev.fault.perPageNs * n);
  else {
    // one group per faulted page when nothing prefetches: on-demand, random-4K, or a prefetcher switched off
    // after the first eviction (prefetchOnOversub=false; UVMSmart then runs with hardware_prefetch disabled)
    const groups = !s.prefetchOn || s.prefetchKind === 'none' || s.prefetchKind === 'random-4k' ? faulted : 1;
    env.clock.charge(Cause.fault, dev.fault.serviceNs * groups);
  }
  return migrateIn(s, slot, want, out, bl.pendWrite, o, env.clock.nowNs - s.throttleWaitNs, false);
}
