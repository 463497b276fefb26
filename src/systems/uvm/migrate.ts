import * as pageMask from '../../model/page-mask';
import * as clockMod from '../../sim/clock';
import * as ev from '../../trace/event';
import * as deviceMemory from './device-memory';
import * as evictMod from './evict';
import * as stateMod from './state';
import type { UvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Cause } = clockMod;
const { maskClear, maskCountRange, maskSet, maskTest, maskZero, popcount32 } = pageMask;
const { CPU } = ev;
const { PAGE_BYTES } = deviceMemory;
const { DEV } = stateMod;
const { evictPages, hostOomAt, hostTakes, writeBackBytes } = evictMod;

// Migration of pages between host and device (the driver's `uvm_va_block.c` copy paths, driven by
// `uvm_migrate.c` and the fault handlers): device population with zero-fill and H2D runs, host population,
// read-duplicate collapse, and thrashing mitigation's pinning to host (`uvm_perf_thrashing.c`).

/**
 * Make `want` pages of `slot` device resident: host copies move over the link in contiguous runs (one
 * migration each), unpopulated pages are zero-filled on the device. Pages in `prefetched` count as
 * prefetch. Read faults on read-mostly pages keep the host copy (duplication); others drop it (one CPU
 * TLB shootdown per block). `writes@writesOff` marks write faults. `async`: transfers only occupy the
 * link (the block's arrival time is recorded); otherwise `lastTransferEnd` tells the caller when to resume.
 */
export function migrateIn(
  s: UvmState, slot: number, want: Uint32Array, prefetched: Uint32Array, writes: Uint32Array, writesOff: number, thrNow: number, async: boolean,
): number {
  const env = s.env;
  const c = env.counters;
  const bl = s.blocks;
  const o = slot * s.stride;
  if (s.mem.mode === 'chunk' && !s.mem.backPages(slot, want, 0, env.clock.nowNs)) return 0;
  // a PMA call for a batch of root chunks (block_populate_pages → uvm_pmm_gpu_alloc_user → alloc_root_chunk,
  // uvm_pmm_gpu.c:1925-2040), synchronous in the service; an asynchronous prefetch only starts its copy later
  let pmaNs = 0;
  if (s.mem.pmaCalls !== s.pmaCallsCharged) {
    pmaNs = (s.mem.pmaCalls - s.pmaCallsCharged) * env.platform.device.fault.pmaAllocNs;
    s.pmaCallsCharged = s.mem.pmaCalls;
    if (!async) env.clock.charge(Cause.fault, pmaNs);
  }
  // before the copy: tear down the host copies' CPU mappings (one TLB shootdown per block) and zero-fill
  // the pages that have no data anywhere
  let zero = 0;
  let dropsHostCopy = false;
  // read-mostly bits are all zero until some advice was applied (state.ts anyAdvice): not read then
  const advised = s.anyAdvice;
  for (let k = 0; k < s.words; k++) {
    const wk = want[k]!;
    if (wk === 0) continue;
    const host = bl.cpu[o + k]!;
    zero += popcount32((wk & ~host) >>> 0);
    const keep = advised ? bl.readMostly[o + k]! & ~writes[writesOff + k]! : 0;
    if ((wk & host & ~keep) !== 0) dropsHostCopy = true;
  }
  // (asynchronous prefetch: this work is done by the driver off the critical path and only delays the copy)
  let startNs = env.clock.nowNs + (async ? pmaNs : 0);
  if (dropsHostCopy) {
    s.cpuShootdowns++;
    if (async) startNs += s.hostShootdownNs;
    else env.clock.charge(Cause.invalidate, s.hostShootdownNs);
  }
  // UVMSmart (faultCost=far-fault) has no device zero-fill: managed memory is backed on the host from allocation
  // (gpgpu-sim_UVMSmart libcuda/cuda_runtime_api.cc:507–509) and every page the GMMU validates is a PCIe read
  // (gpu-sim.cc:3276–3293; helper I's study): a page without data still crosses the link
  const noZeroFill = s.p.faultCost === 'far-fault';
  if (zero > 0 && !noZeroFill) {
    const z = (zero * PAGE_BYTES) / env.platform.device.zeroFillBytesPerNs;
    if (async) startNs += z;
    else env.clock.charge(Cause.fault, z);
  }
  const nowNs = async ? startNs : env.clock.nowNs;
  const words = s.words;
  // page frames first (page-granular memory): a page without a frame is an OOM and stays out
  if (s.mem.mode === 'page') {
    for (let k = 0; k < words; k++) {
      let x = want[k]!;
      while (x !== 0) {
        const bit = x & -x;
        x ^= bit;
        const p = k * 32 + (31 - Math.clz32(bit));
        if (!s.mem.insertPage(slot, p, nowNs)) {
          want[k] = (want[k]! & ~bit) >>> 0;
          s.rep.oom(nowNs, DEV, bl.key[slot]! * s.blockBytes + p * PAGE_BYTES, 'device', PAGE_BYTES);
        }
      }
    }
  }
  // word by word: residency, counters, host copies dropped (kept for read duplication)
  const fromHost = s.runMask;
  const trackDirty = s.trackDirty;
  let n = 0;
  for (let k = 0; k < words; k++) {
    const wk = want[k]!;
    if (wk === 0) {
      fromHost[k] = 0;
      continue;
    }
    const host = bl.cpu[o + k]!;
    const fh = (wk & host) >>> 0;
    fromHost[k] = noZeroFill ? wk : fh;
    const cnt = popcount32(wk);
    n += cnt;
    bl.dev[o + k] = (bl.dev[o + k]! | wk) >>> 0;
    if (trackDirty) bl.dirty[o + k] = ((bl.dirty[o + k]! & ~wk) | (wk & writes[writesOff + k]!)) >>> 0; // arrives clean unless a faulted store
    s.prefetchedPages += popcount32((wk & prefetched[k]!) >>> 0);
    if (!noZeroFill) c.zeroFills += cnt - popcount32(fh);
    const rm = advised ? bl.readMostly[o + k]! : 0;
    const keep = (fh & rm & ~writes[writesOff + k]!) >>> 0;
    s.readDuplicates += popcount32(keep);
    const drop = (fh & ~keep) >>> 0;
    bl.cpu[o + k] = (host & ~drop) >>> 0;
    s.hostBytes -= popcount32(drop) * PAGE_BYTES;
    if (s.thr) {
      let x = (wk & ~prefetched[k]! & ~rm) >>> 0;
      while (x !== 0) {
        const bit = x & -x;
        x ^= bit;
        s.thr.onMigration(slot * s.ppb + k * 32 + (31 - Math.clz32(bit)), DEV, thrNow);
      }
    }
  }
  bl.devPages[slot]! += n;
  // the driver's block_mark_memory_used (uvm_va_block.c:3387): a migration into the block moves its root chunk
  // to the tail of the used list (eviction=chunk-lrm)
  if (n > 0 && s.mem.mode === 'chunk' && s.mem.variant.touchOnMigrate) s.mem.touchBlock(slot, nowNs);
  // host copies travel in contiguous runs, one migration each
  let end = nowNs;
  const runs = s.runs;
  runs.reset(fromHost, 0, words);
  if (noZeroFill && !async) return splitAtFaults(s, slot, prefetched, nowNs, n);
  for (let r = runs.next(); r >= 0; r = runs.next()) {
    const bytes = (runs.end - r) * PAGE_BYTES;
    const e = s.link.book(nowNs, bytes, 'h2d');
    if (e > end) end = e;
    c.migrationsH2D++;
    c.bytesH2D += bytes;
    c.prefetchedBytes += maskCountRange(prefetched, 0, r, runs.end) * PAGE_BYTES;
  }
  if (async) {
    if (end > bl.arrivalNs[slot]!) bl.arrivalNs[slot] = end;
    if (end > s.latestArrivalNs) s.latestArrivalNs = end;
    s.lastTransferEnd = env.clock.nowNs;
  } else s.lastTransferEnd = end;
  return n;
}

/**
 * UVMSmart's fault service copies (faultCost=far-fault): `do_hardware_prefetch` cuts a large page's pages (in address
 * order) into transfers at every gap and right after every faulted page (gpgpu-sim_UVMSmart gpu-sim.cc:3683-3751), and
 * the read lane serves them one at a time in that order (:3273-3300). The warps waiting on a faulted page are replayed
 * when the transfer holding it ends (:3226-3242), not when the whole prefetch has arrived; the rest of the block keeps
 * arriving behind the kernel (`arrivalNs`: an access to the block waits for it). `s.runs` is reset on the block's
 * pages to copy; faulted pages are the open batch's (`pend`). Returns `n`.
 */
function splitAtFaults(s: UvmState, slot: number, prefetched: Uint32Array, nowNs: number, n: number): number {
  const c = s.env.counters;
  const bl = s.blocks;
  const o = slot * s.stride;
  const runs = s.runs;
  let end = nowNs;
  let faultEnd = nowNs;
  // frames: a transfer starts once the frames for it and every earlier one are free (gpu-sim.cc:3276: the read
  // lane takes a transfer only when free pages cover it; the service's evictions free theirs when their
  // write-backs start, UvmState.gating)
  let have = s.gateFree;
  let needed = 0;
  let g = 0;
  for (let r = runs.next(); r >= 0; r = runs.next()) {
    let a = r;
    for (let q = r; q < runs.end; q++) {
      const faulted = maskTest(bl.pend, o, q);
      if (!faulted && q !== runs.end - 1) continue;
      const bytes = (q + 1 - a) * PAGE_BYTES;
      needed += q + 1 - a;
      let notBefore = nowNs;
      while (have < needed && g < s.gateN) {
        have += s.gatePages[g]!;
        if (s.gateAtNs[g]! > notBefore) notBefore = s.gateAtNs[g]!;
        g++;
      }
      if (g > 0 && s.gateAtNs[g - 1]! > notBefore) notBefore = s.gateAtNs[g - 1]!;
      const e = s.link.book(notBefore, bytes, 'h2d');
      if (e > end) end = e;
      if (faulted && e > faultEnd) faultEnd = e;
      c.migrationsH2D++;
      c.bytesH2D += bytes;
      c.prefetchedBytes += maskCountRange(prefetched, 0, a, q + 1) * PAGE_BYTES;
      a = q + 1;
    }
  }
  if (end > faultEnd && end > bl.arrivalNs[slot]!) {
    bl.arrivalNs[slot] = end;
    if (end > s.latestArrivalNs) s.latestArrivalNs = end;
  }
  s.lastTransferEnd = faultEnd;
  return n;
}

/** Zero-fill page `p` of `slot` in host memory; false (a host OOM, reported) when host memory cannot take it. */
export function populateHost(s: UvmState, slot: number, p: number): boolean {
  const env = s.env;
  if (!hostTakes(s, PAGE_BYTES)) {
    hostOomAt(s, env.clock.nowNs, CPU, slot, p, PAGE_BYTES);
    return false;
  }
  maskSet(s.blocks.cpu, slot * s.stride, p);
  s.hostBytes += PAGE_BYTES;
  env.counters.zeroFills++;
  env.clock.charge(Cause.fault, PAGE_BYTES / env.platform.host.zeroFillBytesPerNs);
  return true;
}

/** A device write to a read-duplicated page: the host copy is invalidated (CPU TLB shootdown). */
export function collapseToDevice(s: UvmState, slot: number, p: number): void {
  maskClear(s.blocks.cpu, slot * s.stride, p);
  s.hostBytes -= PAGE_BYTES;
  s.cpuShootdowns++;
  s.env.clock.charge(Cause.invalidate, s.hostShootdownNs);
}

/** A CPU write to a read-duplicated page: the device copy is dropped (device TLB invalidation). */
export function collapseToHost(s: UvmState, slot: number, p: number): void {
  const bl = s.blocks;
  s.env.counters.cpuFaults++; // write to a read-only duplicate faults
  maskClear(bl.dev, slot * s.stride, p);
  bl.devPages[slot]!--;
  if (s.mem.mode === 'page') s.mem.removePage(slot, p);
  else if (bl.devPages[slot] === 0) s.mem.removeBlock(slot);
  s.invalidateDeviceTlb();
}

/** Thrashing mitigation: pin page `p` to host memory (migrate it there if needed); the device maps it remotely. */
export function pinToHost(s: UvmState, slot: number, p: number): void {
  const bl = s.blocks;
  const o = slot * s.stride;
  if (maskTest(bl.dev, o, p)) {
    const page = singlePage(s.scratch, s.words, p);
    if (!hostTakes(s, writeBackBytes(s, slot, page))) {
      // no host page to pin it to (evict.ts hostTakes): the page stays where it is, not pinned
      hostOomAt(s, s.env.clock.nowNs, CPU, slot, p, PAGE_BYTES);
      return;
    }
    evictPages(s, slot, page, true, false);
  }
  if (!maskTest(bl.cpu, o, p) && !populateHost(s, slot, p)) return; // host memory full: not pinned
  maskSet(bl.pinned, o, p);
  bl.pinnedCount[slot]!++;
  s.remoteMaps++;
}

export function unpin(s: UvmState, slot: number, p: number): void {
  const bl = s.blocks;
  maskClear(bl.pinned, slot * s.stride, p);
  bl.pinnedCount[slot]!--;
  s.thr!.unpin(slot * s.ppb + p);
  // remote mapping removed: one device TLB invalidation
  s.invalidateDeviceTlb();
}

function singlePage(m: Uint32Array, words: number, p: number): Uint32Array {
  maskZero(m, 0, words);
  maskSet(m, 0, p);
  return m;
}
