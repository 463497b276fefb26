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
const { maskClear, maskCountRange, maskFillRange, maskNextSet, maskRangeEmpty, maskRuns, maskSet, maskTest, maskWeight, maskZero, popcount32 } = pageMask;
const { CPU, isWrite, Op } = ev;
const OP_ACCESS = Op.access;
const { remoteAccessNs } = costMod;
const { PAGE_BYTES } = deviceMemory;
const { DEV, HOSTKIND, isManagedRange } = stateMod;
const { ThrashHint } = thrashingMod;
const { evictFor, evictionOom } = evictMod;
const { collapseToDevice, migrateIn, pinToHost, unpin } = migrateMod;
const { choosePrefetch } = perfPrefetchMod;

// Device accesses and the replayable fault batch (the driver's `uvm_gpu_replayable_faults.c`): the fault front
// of an access row fills fault-buffer entries; a batch of up to `batchMax` entries is serviced block by block
// and replayed (policy BATCH_FLUSH), up to `maxBatchesPerPass` batches per service pass. docs/systems.md
// "fault front" gives the rule and its derivation.

/**
 * One device access row. `faultCost=batch` (the driver model): the row is a sweep by many warps; its
 * non-resident pages reach the fault buffer in address order (`frontOrder=spread`: in big-page strides, see
 * `devManagedSpread`), at most `frontPages` distinct pages at once,
 * `frontEntriesPerPage` entries each (`count` is not read as concurrency: most traces leave it at 1). A batch
 * closes when it holds `batchMax` entries (the driver's fetch limit, uvm_gpu_replayable_faults.c:876–877) or
 * `frontPages` pages, or when the front drains (the fetch stops at the first entry not yet written, :884–888,
 * FAULT_FETCH_MODE_BATCH_READY); it is serviced and replayed with the rest of
 * the buffer flushed (BATCH_FLUSH, :2955–2969), so pages the batch made resident raise no further entries and
 * the row goes on with its next non-resident pages. Rows with the same trace time are one front (issued at
 * the same instant: concurrent); a row at a later time is issued after the open front drained, so the open
 * batch is serviced first (as before any non-access or CPU row: uvm.ts `beforeRow`). `far-fault` (UVMSmart
 * accounting): up to `batchMax` pages per batch, one entry each.
 */
export function deviceAccess(s: UvmState, b: EventBatch, i: number): void {
  const tNs = b.tNs[i]!;
  if (tNs !== s.frontTNs) {
    // a new front: the open one drained (its last batch is serviced) and its service pass ended
    if (s.batchN > 0) flushBatch(s);
    s.passBatches = 0;
    if (s.p.faultCost === 'far-fault' && s.frontTNs === s.frontTNs) warpExitStall(s);
    s.frontTNs = tNs;
    if (s.mem.inFlight) markFront(s, b, i, tNs);
  }
  let va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const write = isWrite(b.access[i]!);
  const count = b.count[i]!;
  while (va < end) {
    const a = s.allocAt(va);
    if (a < 0) {
      s.rep.unmapped(tNs, DEV, va);
      break;
    }
    const aEnd = Math.min(end, s.allocs.end(a));
    const flags = s.allocs.flags[a]!;
    if (isManagedRange(flags)) devManaged(s, va, aEnd, write, count, tNs);
    else if (flags & HOSTKIND) remote(s, aEnd - va, count, write);
    // device-kind allocations are resident from alloc: a hit
    va = aEnd;
  }
}

/**
 * UVMSmart mode: record the pages the front starting at row `i` uses (the device access rows that follow with the same
 * trace time, within this batch), so that eviction spares their units while the front runs (device-memory.ts
 * `usedByFront`).
 */
function markFront(s: UvmState, b: EventBatch, i: number, tNs: number): void {
  const mem = s.mem;
  mem.frontNs = tNs;
  const ppb = s.ppb;
  const r = s.devWalk;
  for (let j = i; j < b.length && b.tNs[j] === tNs; j++) {
    if (b.op[j] !== OP_ACCESS || b.agent[j] === CPU) break;
    // the managed parts of the row (their blocks created now, as the row's faults will)
    const end = b.va[j]! + b.bytes[j]!;
    for (let va = b.va[j]!; va < end; ) {
      const a = s.allocAt(va);
      if (a < 0) break;
      const aEnd = Math.min(end, s.allocs.end(a));
      if (isManagedRange(s.allocs.flags[a]!)) {
        r.start(va, aEnd, true);
        while (r.next()) {
          if (r.slot < 0) continue;
          if (mem.pageFrontNs.length < s.blocks.capacity * ppb) mem.pageFrontNs = grown(mem.pageFrontNs, s.blocks.capacity * ppb, NaN);
          const t = mem.pageFrontNs;
          const o = r.slot * ppb;
          for (let p = r.firstPage; p < r.endPage; p++) t[o + p] = tNs;
        }
      }
      va = aEnd;
    }
  }
}

/**
 * UVMSmart: a finished warp exits only while no PCIe transfer is queued or in flight in either direction
 * (shader.cc:638 `pcie_transfers_completed`, gpu-sim.cc:2097-2100), so the next wave of thread blocks starts
 * only once the link is idle.
 */
export function warpExitStall(s: UvmState): void {
  s.warpExitStallNs += s.env.clock.waitUntil(Math.max(s.link.freeAt('h2d'), s.link.freeAt('d2h')), Cause.transfer);
}

function remote(s: UvmState, bytes: number, count: number, write: boolean): void {
  s.env.counters.remoteAccesses += count;
  s.env.clock.charge(Cause.remote, count * remoteAccessNs(s.costs, bytes, write));
}

function devManaged(s: UvmState, start: number, end: number, write: boolean, count: number, tNs: number): void {
  if (s.p.frontOrder === 'spread' && s.p.faultCost === 'batch') {
    devManagedSpread(s, start, end, write, count, tNs);
    return;
  }
  if (end - start <= PAGE_BYTES) {
    // a row inside one page (the common case): its block and page without the block walk
    const p = Math.floor(start / PAGE_BYTES);
    if (Math.floor((end - 1) / PAGE_BYTES) === p) {
      const key = Math.floor(p / s.ppb);
      const p0 = p - key * s.ppb;
      const slot = s.blockAt(key);
      if (slot < 0) s.tooManyBlocks(tNs, DEV, start);
      else devManagedBlock(s, slot, p0, p0 + 1, end - start, write, count, tNs);
      return;
    }
  }
  const r = s.devWalk;
  r.start(start, end, true);
  while (r.next()) {
    if (r.slot < 0) return s.tooManyBlocks(tNs, DEV, r.firstVa);
    devManagedBlock(s, r.slot, r.firstPage, r.endPage, end - start, write, count, tNs);
  }
}

/** The pages `[p0, p1)` of block `slot` that a device access row of `rowBytes` covers: a hit, or page by page. */
function devManagedBlock(s: UvmState, slot: number, p0: number, p1: number, rowBytes: number, write: boolean, count: number, tNs: number): void {
  if (blockArrivedAndResident(s, slot, p0, p1, write, tNs)) {
    if (write && s.trackDirty) maskFillRange(s.blocks.dirty, slot * s.stride, p0, p1); // the store dirties the pages (device-sync.ts)
    return;
  }
  let remoteBytes = 0;
  for (let p = p0; p < p1; p++) remoteBytes += visitPage(s, slot, p, write, tNs);
  if (remoteBytes > 0) remote(s, Math.min(remoteBytes, rowBytes), count, write);
}

/**
 * `frontOrder=spread`: the row's pages reach the fault buffer in big-page strides — pass `o` visits the pages
 * whose index within the row is ≡ o (mod pages per big page), block by block in address order — so the first
 * batches hold one page of every big page of the row, and (with tbn) each grows to its big page before the
 * next pass, whose pages are then hits. Remote bytes of the row are charged once, as one access of the row.
 */
function devManagedSpread(s: UvmState, start: number, end: number, write: boolean, count: number, tNs: number): void {
  const r = s.devWalk;
  const stride = s.bigPagePages;
  const rowPage = Math.floor(start / PAGE_BYTES);
  let remoteBytes = 0;
  for (let o = 0; o < stride; o++) {
    r.start(start, end, true);
    while (r.next()) {
      const slot = r.slot;
      if (slot < 0) {
        s.tooManyBlocks(tNs, DEV, r.firstVa);
        o = stride; // the row stops here
        break;
      }
      const p0 = r.firstPage;
      const p1 = r.endPage;
      if (o === 0 ? blockArrivedAndResident(s, slot, p0, p1, write, tNs) : residentRange(s, slot, p0, p1, write)) continue;
      // first page ≥ p0 whose row index (block page + p − rowPage) is ≡ o (mod stride)
      const blockPage = r.key * s.ppb;
      const first = p0 + ((((o + rowPage - blockPage - p0) % stride) + stride) % stride);
      for (let p = first; p < p1; p += stride) remoteBytes += visitPage(s, slot, p, write, tNs);
    }
  }
  if (remoteBytes > 0) remote(s, Math.min(remoteBytes, end - start), count, write);
}

/** Every page of `[p0, p1)` resident on the device and no duplicate to collapse. */
function residentRange(s: UvmState, slot: number, p0: number, p1: number, write: boolean): boolean {
  const bl = s.blocks;
  const o = slot * s.stride;
  if (p1 === p0 + 1) {
    // a one-page row (the common case): one bit
    const k = o + (p0 >>> 5);
    const bit = 1 << (p0 & 31);
    return (bl.dev[k]! & bit) !== 0 && (!write || (bl.cpu[k]! & bit) === 0);
  }
  return maskCountRange(bl.dev, o, p0, p1) === p1 - p0 && (!write || maskRangeEmpty(bl.cpu, o, p0, p1));
}

/** Waits for an asynchronous prefetch into the block, then the fast path: all resident (touched) → true. */
function blockArrivedAndResident(s: UvmState, slot: number, p0: number, p1: number, write: boolean, tNs: number): boolean {
  const bl = s.blocks;
  // the block's arrival time is another cache line: read only while some transfer is still to arrive
  if (s.latestArrivalNs > s.env.clock.nowNs && bl.arrivalNs[slot]! > s.env.clock.nowNs) {
    s.prefetchWaitNs += s.env.clock.waitUntil(bl.arrivalNs[slot]!, Cause.transfer);
  }
  if (!residentRange(s, slot, p0, p1, write)) return false;
  touchRange(s, slot, p0, p1, tNs);
  return true;
}

/** One page of a device access row: hit, more entries for a page in the open batch, remote, or a new fault. Returns remote bytes. */
function visitPage(s: UvmState, slot: number, p: number, write: boolean, tNs: number): number {
  const bl = s.blocks;
  const o = slot * s.stride;
  if (maskTest(bl.dev, o, p)) {
    if (write && maskTest(bl.cpu, o, p)) collapseToDevice(s, slot, p);
    if (write && s.trackDirty) maskSet(bl.dirty, o, p);
    if (s.touch) touchOne(s, slot, p, tNs);
    return 0;
  }
  if (s.batchN > 0 && maskTest(bl.pend, o, p)) { // no open batch: no pending fault anywhere
    // a concurrent row (same trace time) faults on a page already in the open batch: more entries
    if (write) {
      maskSet(bl.pendWrite, o, p);
      s.batchWrites = true;
    }
    fetchEntries(s, false);
    return 0;
  }
  if (servedRemotely(s, slot, p)) return PAGE_BYTES;
  addFault(s, slot, p, write);
  return 0;
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
  const o = slot * s.stride;
  // (no page was ever pinned while remoteMaps is 0: migrate.ts pinToHost)
  if (s.remoteMaps !== 0 && bl.pinnedCount[slot]! > 0 && maskTest(bl.pinned, o, p)) {
    const id = slot * s.ppb + p;
    if (s.thr!.pinnedAt(id, s.env.clock.nowNs)) return true;
    unpin(s, slot, p);
    return false;
  }
  if (!s.anyAdvice || !maskTest(bl.cpu, o, p)) return false;
  if (maskTest(bl.accessedBy, o, p)) return true; // accessed-by: mapped without migrating
  return bl.prefLoc[slot * s.ppb + p] === CPU + 1; // preferred location host: GPU maps sysmem
}

function addFault(s: UvmState, slot: number, p: number, write: boolean): void {
  const bl = s.blocks;
  const o = slot * s.stride;
  if (bl.inBatch[slot] === 0) {
    bl.inBatch[slot] = 1;
    if (s.batchN === s.batchSlots.length) s.batchSlots = grown(s.batchSlots, s.batchSlots.length * 2);
    s.batchSlots[s.batchN++] = slot;
  }
  maskSet(bl.pend, o, p);
  if (write) {
    maskSet(bl.pendWrite, o, p);
    s.batchWrites = true;
  }
  s.env.counters.deviceFaults++;
  s.batchPages++;
  fetchEntries(s, true);
}

/**
 * The fault-buffer entries of one faulting (row, page): `frontEntries` on average (fractional means alternate);
 * those beyond the batch's room stay in the buffer and are flushed after the replay (the page is resident
 * then: they raise nothing). Entries beyond the first of a page are duplicates. Closes the batch when full.
 */
function fetchEntries(s: UvmState, newPage: boolean): void {
  s.entryCarry += s.frontEntries;
  let e = Math.floor(s.entryCarry + 1e-9);
  s.entryCarry -= e;
  const room = s.p.batchMax - s.batchEntries;
  if (e > room) {
    s.flushedEntries += e - room;
    e = room;
  }
  s.batchEntries += e;
  s.faultEntries += e;
  s.duplicateFaults += newPage ? e - 1 : e;
  if (s.batchEntries >= s.p.batchMax || s.batchPages >= s.frontCap) flushBatch(s);
}

/**
 * Service the open fault batch, then replay. Order: thrashing hints (a throttle delays the replay by
 * `throttleNs`; a pin takes the page out of the batch), the batch's software cost (`faultCost=batch`:
 * `device.fault.batchFixedNs` + `device.fault.perEntryNs` × entries fetched, duplicates included), then per
 * block: prefetch choice (on the block's state with this batch's faults), eviction to make room,
 * `perBlockNs` + `perFaultNs` × faulted pages (`far-fault`: `device.fault.serviceNs` per faulted page) and the block's copies — one per contiguous region,
 * link fixed cost + bytes / bandwidth, prefetched pages included — booked on the link. The replay waits for
 * the last copy. Every `maxBatchesPerPass` batches a service pass ends (`extra.servicePasses`).
 */
export function flushBatch(s: UvmState): void {
  if (s.batchN === 0) return;
  const env = s.env;
  const clock = env.clock;
  const bl = s.blocks;
  const w = s.words;
  s.faultBatches++;
  if (s.passBatches === 0) s.servicePasses++;
  if (++s.passBatches >= s.p.maxBatchesPerPass) s.passBatches = 0;
  // hint() has no effect and answers `none` until some page reached the threshold (thrashing.ts: with a
  // threshold ≥ 2 every page that reaches it counts a detection; nothing else marks a block)
  // every block of the batch has a pending page (addFault) unless a pin below took its last one out
  let pinned = false;
  if (s.thr && (s.thr.detections !== 0 || s.thr.cfg.threshold <= 1)) {
    let throttled = false;
    for (let j = 0; j < s.batchN; j++) {
      const slot = s.batchSlots[j]!;
      const o = slot * s.stride;
      for (let p = maskNextSet(bl.pend, o, 0, s.ppb); p >= 0; p = maskNextSet(bl.pend, o, p + 1, s.ppb)) {
        const h = s.thr.hint(slot * s.ppb + p, clock.nowNs - s.throttleWaitNs, clock.nowNs);
        if (h === ThrashHint.throttle) throttled = true;
        else if (h === ThrashHint.pin) {
          pinned = true;
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
  if (s.p.faultCost === 'batch') {
    const f = env.platform.device.fault;
    clock.charge(Cause.fault, f.batchFixedNs + f.perEntryNs * s.batchEntries);
  }
  let transferEnd = clock.nowNs;
  for (let j = 0; j < s.batchN; j++) {
    const slot = s.batchSlots[j]!;
    if (pinned && maskRangeEmpty(bl.pend, slot * s.stride, 0, s.ppb)) continue;
    bl.busy[slot] = 1;
    serviceBlock(s, slot);
    bl.busy[slot] = 0;
    if (s.lastTransferEnd > transferEnd) transferEnd = s.lastTransferEnd;
  }
  for (let j = 0; j < s.batchN; j++) {
    const slot = s.batchSlots[j]!;
    bl.inBatch[slot] = 0;
    const o = slot * s.stride;
    for (let k = 0; k < w; k++) bl.pend[o + k] = 0;
    // (no write fault in the batch: `pendWrite` is still all zero)
    if (s.batchWrites) for (let k = 0; k < w; k++) bl.pendWrite[o + k] = 0;
  }
  s.batchWrites = false;
  s.batchN = 0;
  s.batchPages = 0;
  s.batchEntries = 0;
  clock.waitUntil(transferEnd, Cause.transfer);
}

/**
 * UVMSmart mode: record the block's first transfer (its pages to copy in address order, cut at a gap or right after the
 * first faulted page, as migrate.ts splitAtFaults cuts them) when the free frames cover it (evict.ts firstTransferLands).
 */
function firstTransfer(s: UvmState, slot: number, want: Uint32Array, o: number): void {
  s.preSlot = -1;
  s.preA = s.preB = 0;
  const a = maskNextSet(want, 0, 0, s.ppb);
  if (a < 0) return;
  let b = a;
  while (b < s.ppb && maskTest(want, 0, b)) {
    b++;
    if (maskTest(s.blocks.pend, o, b - 1)) break;
  }
  if (b - a > s.gateFree) return;
  s.preSlot = slot;
  s.preA = a;
  s.preB = b;
}

/** Give back the frames `firstTransferLands` took for pages the service no longer brings (its prefetch was dropped). */
function dropFirstTransfer(s: UvmState, slot: number, want: Uint32Array): void {
  s.preSlot = -1;
  if (s.preB <= s.preA) return;
  const bl = s.blocks;
  for (let p = s.preA; p < s.preB; p++) {
    if (!maskTest(want, 0, p) && bl.frame[slot * s.ppb + p]! >= 0 && !maskTest(bl.dev, slot * s.stride, p)) s.mem.removePage(slot, p);
  }
}

/** Make the faulted pages of one block resident (plus prefetch); returns pages made resident. */
function serviceBlock(s: UvmState, slot: number): number {
  const env = s.env;
  const dev = env.platform.device;
  const bl = s.blocks;
  const w = s.words;
  const o = slot * s.stride;
  const out = s.out;
  s.lastTransferEnd = env.clock.nowNs;
  for (let k = 0; k < w; k++) out[k] = 0;
  if (s.prefetchOn) choosePrefetch(s, slot, s.prefetcher, bl.dev, out, DEV);
  // pages to bring: faulted ∪ prefetched, never pinned or already resident ones; faulted pages counted in the same pass
  const want = s.want;
  const pinned = s.remoteMaps !== 0; // some page was ever pinned (migrate.ts pinToHost)
  let n = 0;
  let faulted = 0;
  for (let k = 0; k < w; k++) {
    const f = bl.pend[o + k]!;
    const x = ((f | out[k]!) & ~(pinned ? bl.pinned[o + k]! : 0) & ~bl.dev[o + k]!) >>> 0;
    want[k] = x;
    if (x !== 0) n += popcount32(x);
    if (f !== 0) faulted += popcount32(f);
  }
  if (n === 0) return 0;
  if (faulted > 0 && bl.devPages[slot] === 0) s.emptyBlockServices++;
  let need = s.mem.bytesFor(slot, n, want);
  // UVMSmart mode: the block's transfers wait for the frames its evictions free, not the fault for the evictions
  if (s.p.faultCost === 'far-fault' && s.mem.mode === 'page') {
    s.gating = true;
    s.gateN = 0;
    s.gateFree = Math.max(0, Math.floor(s.mem.headroom(1) / PAGE_BYTES));
    firstTransfer(s, slot, want, o);
  }
  if (s.mem.headroom(s.p.preEvictAt) < need && !evictFor(s, need, s.p.preEvictAt)) {
    // no room for the prefetch: retry with the faulted pages only
    for (let k = 0; k < w; k++) want[k] = (bl.pend[o + k]! & ~bl.pinned[o + k]! & ~bl.dev[o + k]!) >>> 0;
    maskZero(out, 0, w);
    n = maskWeight(want, 0, w);
    need = s.mem.bytesFor(slot, n, want);
    dropFirstTransfer(s, slot, want); // frames taken for prefetched pages of the first transfer go back
    if (s.mem.headroom(1) < need && !evictFor(s, need, 1)) {
      s.gating = false;
      maskZero(want, 0, w);
      dropFirstTransfer(s, slot, want);
      evictionOom(s, env.clock.nowNs, DEV, bl.key[slot]! * s.blockBytes, need);
      return 0;
    }
  }
  s.gating = false;
  s.preSlot = -1; // the first transfer is followed only during this service's evictions (its dropped pages went back above)
  if (s.p.faultCost === 'batch') {
    // per VA block serviced (uvm_va_block_service_locked, uvm_gpu_replayable_faults.c:1568), per faulted page (the
    // per-fault loop of service_fault_batch_block_locked, :1358–1567: masks and a thrashing hint) and per contiguous
    // region of the pages made resident, faulted or prefetched (the per-subregion work: one CPU unmap_mapping_range,
    // 595.45.04 uvm_va_block.c:5837–5843, and one CE memset or copy push per subregion, block_zero_new_gpu_chunk and
    // block_copy_pages; 560.35.05 :2888–2897, :4100–4156); prefetched pages pay no per-fault cost
    const f = dev.fault;
    const regions = maskRuns(want, 0, w);
    s.faultRegions += regions;
    env.clock.charge(Cause.fault, f.perBlockNs + f.perFaultNs * faulted + f.perRegionNs * regions);
  } else {
    // one far fault per faulted 4 KiB page, whatever the prefetcher: UVMSmart's do_hardware_prefetch counts
    // mf_page_fault_outstanding once per page of page_fault_this_turn (gpgpu-sim_UVMSmart gpu-sim.cc:3757–3766;
    // pages already requested or prefetched are pending, not faults: :3329–3380; helper I's study). The latency is
    // not on the simulated timeline: with enable_accurate_simulation 0 (configs/GeForceGTX1080Ti/gpgpusim.config:214)
    // the faulted page's transfer is staged at once (no PAGE_FAULT entry on the read queue, gpu-sim.cc:3716-3732) and
    // count × page_fault_latency is added to the kernel time at the end (:116-126): uvm.ts finish charges it
    s.farFaultNs += dev.fault.serviceNs * faulted;
  }
  return migrateIn(s, slot, want, out, bl.pendWrite, o, env.clock.nowNs - s.throttleWaitNs, false);
}
