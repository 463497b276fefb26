import type { LinkTimeline } from '../../model/link-timeline';
import * as pageMask from '../../model/page-mask';
import { grown } from '../../model/typed-arrays';
import { PREFETCH_POLICIES, type BlockFaultView, type PrefetchPolicy } from '../../policies/prefetch/index';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import { Allocations } from '../shared/allocations';
import * as costMod from '../../model/cost';
import type { UnitCosts } from '../../model/cost';
import type { Reporter } from '../../sim/reporter';
import type { SystemEnv, SystemModel } from '../../sim/system';
import { VaBlocks } from './blocks';
import { DeviceMemory, PAGE_BYTES } from './device-memory';
import { UVM_EVICTIONS } from './evictions';
import type { UvmParams, UvmPrefetch } from './params';
import { ThrashHint, ThrashingState } from './thrashing';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Cause } = clockMod;
const {
  maskClear, maskClearRange, maskCountRange, maskFillRange, maskNextSet, maskRangeEmpty, maskSet, maskTest, maskWeight, maskZero, popcount32,
} = pageMask;
const { Advice, ADVICE_NAMES, CPU, Flag, isWrite, NO_AGENT, Op } = ev;
const { remoteAccessNs, unitCosts } = costMod;

const DEV = 1; // agent code of dev0: the only device this model serves
const OP_ACCESS = Op.access;
const MANAGED = Flag.managed | Flag.peer_shared;
const HOSTKIND = Flag.host | Flag.pinned_host;

/**
 * The NVIDIA UVM model (gmem-model.md §8, docs/systems.md): VA blocks of 4 KiB pages, replayable fault
 * batches serviced then replayed, a prefetcher per block, eviction of root chunks (or pages, for the ISCA'19
 * variants), thrashing throttle/pin, read-mostly duplication, preferred-location and accessed-by advice, and
 * asynchronous prefetch overlapping compute. All costs come from `env.platform`.
 */
export class UvmModel implements SystemModel {
  private readonly blocks: VaBlocks;
  private readonly mem: DeviceMemory;
  private readonly allocs = new Allocations();
  private readonly link: LinkTimeline;
  private readonly costs: UnitCosts;
  private readonly rep: Reporter;
  private readonly thr: ThrashingState | null;
  private prefetcher: PrefetchPolicy;
  /** The prefetcher in use (`prefetch`, or `oversubPrefetch` after the first eviction). */
  private prefetchKind: UvmPrefetch;
  private readonly cpuPrefetcher: PrefetchPolicy | null;
  private readonly view: BlockFaultView;
  private readonly out: Uint32Array;
  private readonly scratch: Uint32Array;
  private readonly want: Uint32Array;
  private readonly runMask: Uint32Array;
  private readonly runs = new pageMask.MaskRuns();
  private readonly ppb: number;
  private readonly words: number;
  private readonly blockBytes: number;
  private readonly bigPagePages: number;
  private readonly touch: boolean;
  private prefetchOn = true;
  /** Open fault batch: blocks with pending faults (in order), distinct pages, trace time of the first. */
  private batchSlots: Int32Array;
  private batchN = 0;
  private batchPages = 0;
  private batchOpenNs = -1;
  /** Simulated time spent throttled (the thrash clock = now − this). */
  private throttleWaitNs = 0;
  private hostBytes = 0;
  // extra counters
  private faultBatches = 0;
  private duplicateFaults = 0;
  private evictedPages = 0;
  private prefetchedPages = 0;
  private readDuplicates = 0;
  private cpuShootdowns = 0;
  private prefetchWaitNs = 0;
  private backgroundEvictions = 0;
  private ignoredAdvice = 0;
  private remoteMaps = 0;
  private lastAllocVa = NaN;
  /** Set once any range got preferred_location=cpu (skips per-page scans until then). */
  private anyHostPref = false;
  /** `device` allocations that failed with OOM (they hold no memory). */
  private readonly failedDeviceAllocs = new Set<number>();
  private lastAlloc = -1;

  constructor(private readonly p: UvmParams, private readonly env: SystemEnv) {
    const plat = env.platform;
    this.blockBytes = p.vaBlockBytes;
    this.ppb = p.vaBlockBytes / PAGE_BYTES;
    this.bigPagePages = p.bigPageBytes / PAGE_BYTES;
    const variant = UVM_EVICTIONS[p.eviction];
    this.blocks = new VaBlocks(this.ppb, variant.granule === 'page');
    this.words = this.blocks.words;
    this.touch = variant.touch;
    this.mem = new DeviceMemory(this.blocks, variant, plat.device.memory.capacityBytes, p.reservedFraction, env.rng.fork(), this.bigPagePages);
    this.link = env.link;
    this.costs = unitCosts(plat, PAGE_BYTES);
    this.rep = env.report;
    this.thr = p.thrashing
      ? new ThrashingState(
          { threshold: p.thrashingThreshold, lapseNs: p.thrashingLapseNs, throttleNs: p.throttleNs, pinThreshold: p.pinThreshold, pinNs: p.pinNs },
          this.blocks.capacity * this.ppb,
        )
      : null;
    if (this.thr) this.blocks.onGrow = (pages) => this.thr!.grow(pages);
    const pdef = PREFETCH_POLICIES[p.prefetch];
    const pparams = p.prefetch === 'tbn' ? { thresholdPercent: p.prefetchThreshold } : {};
    this.prefetcher = pdef.create(pparams as never, { rng: env.rng.fork() });
    this.prefetchKind = p.prefetch;
    this.cpuPrefetcher = p.prefetch === 'tbn' ? PREFETCH_POLICIES.tbn.create({ thresholdPercent: p.prefetchThreshold }, { rng: env.rng.fork() }) : null;
    const w = this.words;
    this.view = {
      pagesPerBlock: this.ppb, words: w, bigPagePages: this.bigPagePages, firstPage: 0, endPage: this.ppb,
      resident: new Uint32Array(w), faulted: new Uint32Array(w), thrashing: new Uint32Array(w), hasThrashing: false,
    };
    this.out = new Uint32Array(w);
    this.scratch = new Uint32Array(w);
    this.want = new Uint32Array(w);
    this.runMask = new Uint32Array(w);
    this.batchSlots = new Int32Array(Math.max(16, p.batchMax));
  }

  // ---- dispatch -----------------------------------------------------------------------------------------

  /**
   * The open fault batch is serviced before any row other than a device access (a CPU access, an allocation,
   * advice, a copy, a kernel boundary or marker — incl. `fault_batch_end` — all close it).
   */
  beforeRow(b: EventBatch, i: number): void {
    if (this.batchN > 0 && (b.op[i] !== OP_ACCESS || b.agent[i] === CPU)) this.flushBatch();
  }

  residentBytes(): number {
    return this.mem.usedBytes + this.mem.deviceAllocBytes;
  }

  finish(): Readonly<Record<string, number>> {
    this.flushBatch();
    const t = this.thr;
    return {
      faultBatches: this.faultBatches,
      duplicateFaults: this.duplicateFaults,
      evictedPages: this.evictedPages,
      backgroundEvictions: this.backgroundEvictions,
      prefetchedPages: this.prefetchedPages,
      readDuplicates: this.readDuplicates,
      cpuShootdowns: this.cpuShootdowns,
      thrashingDetections: t ? t.detections : 0,
      throttles: t ? t.throttleCount : 0,
      throttleWaitNs: this.throttleWaitNs,
      pins: t ? t.pins : 0,
      unpins: t ? t.unpins : 0,
      remoteMaps: this.remoteMaps,
      prefetchWaitNs: this.prefetchWaitNs,
      linkBusyH2DNs: this.link.h2dBusyNs,
      linkBusyD2HNs: this.link.d2hBusyNs,
      ignoredAdvice: this.ignoredAdvice,
    };
  }

  // ---- allocations --------------------------------------------------------------------------------------

  alloc(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    const flags = b.flags[i]!;
    const id = this.allocs.addRow(b, i, this.rep);
    if (id < 0) return;
    this.lastAllocVa = NaN;
    if (flags & Flag.device) {
      const need = Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES;
      if (this.mem.headroom(1) < need && !this.evictFor(need, 1)) {
        this.rep.oom(b.tNs[i]!, b.agent[i]!, va, 'device', need);
        this.failedDeviceAllocs.add(id); // cudaMalloc fails: no memory is taken
        return;
      }
      this.mem.deviceAllocBytes += need; // cudaMalloc memory: resident from alloc, never evicted
      return;
    }
    if (!(flags & MANAGED)) return;
    this.forEachBlockRange(va, va + bytes, (slot, p0, p1) => {
      maskFillRange(this.blocks.exists, slot * this.words, p0, p1);
    });
  }

  free(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const id = this.allocs.removeAt(va);
    if (id < 0) return this.rep.badFree(b.tNs[i]!, b.agent[i]!, Op.free, va);
    this.lastAllocVa = NaN;
    const flags = this.allocs.flags[id]!;
    const bytes = this.allocs.bytes[id]!;
    if (flags & Flag.device) {
      if (!this.failedDeviceAllocs.delete(id)) this.mem.deviceAllocBytes -= Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES;
      return;
    }
    if (!(flags & MANAGED)) return;
    const bl = this.blocks;
    const w = this.words;
    const end = va + bytes;
    const k0 = Math.floor(va / this.blockBytes);
    const k1 = Math.floor((end - 1) / this.blockBytes);
    for (let k = k0; k <= k1; k++) {
      const slot = bl.find(k);
      if (slot < 0) continue;
      const base = k * this.blockBytes;
      let p0 = k === k0 ? Math.floor((va - base) / PAGE_BYTES) : 0;
      let p1 = k === k1 ? Math.ceil((end - base) / PAGE_BYTES) : this.ppb;
      // A page the freed range covers only partly stays while another managed allocation still uses it
      // (sub-page allocations, e.g. a caching allocator's 512-byte blocks, share pages).
      if (k === k0 && p0 < p1 && this.managedOn(base + p0 * PAGE_BYTES)) p0++;
      if (k === k1 && p0 < p1 && this.managedOn(base + (p1 - 1) * PAGE_BYTES)) p1--;
      if (p0 >= p1) continue;
      const o = slot * w;
      for (let p = maskNextSet(bl.exists, o, p0, p1); p >= 0; p = maskNextSet(bl.exists, o, p + 1, p1)) this.dropPage(slot, p);
      maskClearRange(bl.exists, o, p0, p1);
      if (maskRangeEmpty(bl.exists, o, 0, this.ppb)) {
        this.mem.removeBlock(slot);
        bl.release(slot);
      } else if (bl.devPages[slot] === 0) this.mem.removeBlock(slot);
    }
  }

  /** True when a live managed allocation overlaps the page starting at `pageVa`. */
  private managedOn(pageVa: number): boolean {
    for (const it of this.allocs.ranges.overlapping(pageVa, pageVa + PAGE_BYTES)) if (this.allocs.flags[it.value]! & MANAGED) return true;
    return false;
  }

  /** Forget page `p` of `slot` entirely (free / discard): no data movement. */
  private dropPage(slot: number, p: number): void {
    const bl = this.blocks;
    const o = slot * this.words;
    if (maskTest(bl.dev, o, p)) {
      maskClear(bl.dev, o, p);
      bl.devPages[slot]!--;
      if (this.mem.mode === 'page') this.mem.removePage(slot, p);
    }
    if (maskTest(bl.cpu, o, p)) {
      maskClear(bl.cpu, o, p);
      this.hostBytes -= PAGE_BYTES;
    }
    if (maskTest(bl.pinned, o, p)) {
      maskClear(bl.pinned, o, p);
      bl.pinnedCount[slot]!--;
    }
    maskClear(bl.readMostly, o, p);
    maskClear(bl.accessedBy, o, p);
    bl.prefLoc[slot * this.ppb + p] = 0;
    if (this.thr) this.thr.reset(slot * this.ppb + p);
  }

  /** Visit the per-block page ranges of `[start, end)` for blocks that exist or are created (alloc). */
  private forEachBlockRange(start: number, end: number, fn: (slot: number, p0: number, p1: number) => void): void {
    const k0 = Math.floor(start / this.blockBytes);
    const k1 = Math.floor((end - 1) / this.blockBytes);
    for (let k = k0; k <= k1; k++) {
      const base = k * this.blockBytes;
      const p0 = k === k0 ? Math.floor((start - base) / PAGE_BYTES) : 0;
      const p1 = k === k1 ? Math.ceil((end - base) / PAGE_BYTES) : this.ppb;
      fn(this.blocks.obtain(k), p0, p1);
    }
  }

  /** Allocation containing `va` (one-entry cache), or -1. */
  private allocAt(va: number): number {
    const a = this.lastAlloc;
    if (a >= 0 && va >= this.lastAllocVa && va < this.allocs.end(a)) return a;
    const id = this.allocs.find(va);
    if (id >= 0) {
      this.lastAlloc = id;
      this.lastAllocVa = this.allocs.start[id]!;
    }
    return id;
  }

  // ---- device accesses and fault batches ----------------------------------------------------------------

  deviceAccess(b: EventBatch, i: number): void {
    const tNs = b.tNs[i]!;
    if (this.batchN > 0 && tNs - this.batchOpenNs > this.p.batchWindowNs) this.flushBatch();
    let va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const write = isWrite(b.access[i]!);
    const count = b.count[i]!;
    while (va < end) {
      const a = this.allocAt(va);
      if (a < 0) return this.rep.unmapped(tNs, DEV, va);
      const aEnd = Math.min(end, this.allocs.end(a));
      const flags = this.allocs.flags[a]!;
      if (flags & MANAGED) this.devManaged(va, aEnd, write, count, tNs);
      else if (flags & HOSTKIND) this.remote(aEnd - va, count, write);
      // device-kind allocations are resident from alloc: a hit
      va = aEnd;
    }
  }

  private remote(bytes: number, count: number, write: boolean): void {
    this.env.counters.remoteAccesses += count;
    this.env.clock.charge(Cause.remote, count * remoteAccessNs(this.costs, bytes, write));
  }

  private devManaged(start: number, end: number, write: boolean, count: number, tNs: number): void {
    const bl = this.blocks;
    const w = this.words;
    const k0 = Math.floor(start / this.blockBytes);
    const k1 = Math.floor((end - 1) / this.blockBytes);
    for (let k = k0; k <= k1; k++) {
      const slot = bl.find(k);
      const base = k * this.blockBytes;
      const p0 = k === k0 ? Math.floor((start - base) / PAGE_BYTES) : 0;
      const p1 = k === k1 ? Math.ceil((end - base) / PAGE_BYTES) : this.ppb;
      const o = slot * w;
      if (bl.arrivalNs[slot]! > this.env.clock.nowNs) {
        this.prefetchWaitNs += this.env.clock.waitUntil(bl.arrivalNs[slot]!, Cause.transfer);
      }
      // fast path: every page resident on the device, no duplicate to collapse
      const n = p1 - p0;
      if (maskCountRange(bl.dev, o, p0, p1) === n && (!write || maskRangeEmpty(bl.cpu, o, p0, p1))) {
        this.touchRange(slot, p0, p1, tNs);
        continue;
      }
      let remoteBytes = 0;
      for (let p = p0; p < p1; p++) {
        if (maskTest(bl.dev, o, p)) {
          if (write && maskTest(bl.cpu, o, p)) this.collapseToDevice(slot, p);
          if (this.touch) this.touchOne(slot, p, tNs);
          continue;
        }
        if (maskTest(bl.pend, o, p)) {
          this.duplicateFaults++;
          if (write) maskSet(bl.pendWrite, o, p);
          continue;
        }
        if (this.servedRemotely(slot, p)) {
          remoteBytes += PAGE_BYTES;
          continue;
        }
        this.addFault(slot, p, write, tNs);
      }
      if (remoteBytes > 0) this.remote(Math.min(remoteBytes, end - start), count, write);
    }
  }

  private touchRange(slot: number, p0: number, p1: number, tNs: number): void {
    if (!this.touch) return;
    if (this.mem.mode === 'chunk') this.mem.touchBlock(slot, tNs);
    else for (let p = p0; p < p1; p++) this.mem.touchPage(slot, p, tNs);
  }

  private touchOne(slot: number, p: number, tNs: number): void {
    if (this.mem.mode === 'chunk') this.mem.touchBlock(slot, tNs);
    else this.mem.touchPage(slot, p, tNs);
  }

  /** Device access to a non-resident page that is mapped remotely instead of migrated. */
  private servedRemotely(slot: number, p: number): boolean {
    const bl = this.blocks;
    const o = slot * this.words;
    if (bl.pinnedCount[slot]! > 0 && maskTest(bl.pinned, o, p)) {
      const id = slot * this.ppb + p;
      if (this.thr!.pinnedAt(id, this.env.clock.nowNs)) return true;
      this.unpin(slot, p);
      return false;
    }
    if (!maskTest(bl.cpu, o, p)) return false;
    if (maskTest(bl.accessedBy, o, p)) return true; // accessed-by: mapped without migrating
    return bl.prefLoc[slot * this.ppb + p] === CPU + 1; // preferred location host: GPU maps sysmem
  }

  private unpin(slot: number, p: number): void {
    const bl = this.blocks;
    maskClear(bl.pinned, slot * this.words, p);
    bl.pinnedCount[slot]!--;
    this.thr!.unpin(slot * this.ppb + p);
    // remote mapping removed: one device TLB invalidation
    this.invalidateDeviceTlb();
  }

  private addFault(slot: number, p: number, write: boolean, tNs: number): void {
    const bl = this.blocks;
    const o = slot * this.words;
    if (this.batchN === 0) this.batchOpenNs = tNs;
    if (bl.inBatch[slot] === 0) {
      bl.inBatch[slot] = 1;
      if (this.batchN === this.batchSlots.length) this.batchSlots = grown(this.batchSlots, this.batchSlots.length * 2);
      this.batchSlots[this.batchN++] = slot;
    }
    maskSet(bl.pend, o, p);
    if (write) maskSet(bl.pendWrite, o, p);
    this.env.counters.deviceFaults++;
    if (++this.batchPages >= this.p.batchMax) this.flushBatch();
  }

  /**
   * Service the open fault batch, then replay. Order: thrashing hints (a throttle delays the replay by
   * `throttleNs`; a pin takes the page out of the batch), the fixed batch cost (`faultCost=batch`:
   * `device.fault.batchFixedNs`), then per block: prefetch choice, eviction to make room, the per-page
   * software cost (`perPageNs` × pages made resident; `far-fault`: `device.fault.serviceNs` per fault group)
   * and the block's transfers, booked on the link. The replay waits for the last transfer.
   */
  private flushBatch(): void {
    if (this.batchN === 0) return;
    const env = this.env;
    const clock = env.clock;
    const bl = this.blocks;
    const w = this.words;
    this.faultBatches++;
    if (this.thr) {
      let throttled = false;
      for (let j = 0; j < this.batchN; j++) {
        const slot = this.batchSlots[j]!;
        const o = slot * w;
        for (let p = maskNextSet(bl.pend, o, 0, this.ppb); p >= 0; p = maskNextSet(bl.pend, o, p + 1, this.ppb)) {
          const h = this.thr.hint(slot * this.ppb + p, clock.nowNs - this.throttleWaitNs, clock.nowNs);
          if (h === ThrashHint.throttle) throttled = true;
          else if (h === ThrashHint.pin) {
            maskClear(bl.pend, o, p);
            this.pinToHost(slot, p);
            env.counters.remoteAccesses++; // the faulting access is now served remotely
            clock.charge(Cause.remote, remoteAccessNs(this.costs, PAGE_BYTES, maskTest(bl.pendWrite, o, p)));
          }
        }
      }
      if (throttled) {
        clock.charge(Cause.fault, this.p.throttleNs);
        this.throttleWaitNs += this.p.throttleNs;
      }
    }
    if (this.p.faultCost === 'batch') clock.charge(Cause.fault, env.platform.device.fault.batchFixedNs);
    let transferEnd = clock.nowNs;
    for (let j = 0; j < this.batchN; j++) {
      const slot = this.batchSlots[j]!;
      if (maskRangeEmpty(bl.pend, slot * w, 0, this.ppb)) continue;
      bl.busy[slot] = 1;
      this.serviceBlock(slot);
      bl.busy[slot] = 0;
      if (this.lastTransferEnd > transferEnd) transferEnd = this.lastTransferEnd;
    }
    for (let j = 0; j < this.batchN; j++) {
      const slot = this.batchSlots[j]!;
      bl.inBatch[slot] = 0;
      maskZero(bl.pend, slot * w, w);
      maskZero(bl.pendWrite, slot * w, w);
    }
    this.batchN = 0;
    this.batchPages = 0;
    clock.waitUntil(transferEnd, Cause.transfer);
  }

  /** End of the transfers booked by the last `migrateIn` (or the clock, when none / asynchronous). */
  private lastTransferEnd = 0;

  /** Make the faulted pages of one block resident (plus prefetch); returns pages made resident. */
  private serviceBlock(slot: number): number {
    const env = this.env;
    const dev = env.platform.device;
    const bl = this.blocks;
    const w = this.words;
    const o = slot * w;
    const out = this.out;
    this.lastTransferEnd = env.clock.nowNs;
    maskZero(out, 0, w);
    const faulted = maskWeight(bl.pend, o, w);
    if (this.prefetchOn) this.choosePrefetch(slot, this.prefetcher, bl.dev, out, DEV);
    // pages to bring: faulted ∪ prefetched, never pinned or already resident ones
    const want = this.want;
    for (let k = 0; k < w; k++) want[k] = ((bl.pend[o + k]! | out[k]!) & ~bl.pinned[o + k]! & ~bl.dev[o + k]!) >>> 0;
    let n = maskWeight(want, 0, w);
    if (n === 0) return 0;
    let need = this.mem.bytesFor(slot, n);
    if (this.mem.headroom(this.p.preEvictAt) < need && !this.evictFor(need, this.p.preEvictAt)) {
      // no room for the prefetch: retry with the faulted pages only
      for (let k = 0; k < w; k++) want[k] = (bl.pend[o + k]! & ~bl.pinned[o + k]! & ~bl.dev[o + k]!) >>> 0;
      maskZero(out, 0, w);
      n = maskWeight(want, 0, w);
      need = this.mem.bytesFor(slot, n);
      if (this.mem.headroom(1) < need && !this.evictFor(need, 1)) {
        this.rep.oom(env.clock.nowNs, DEV, bl.key[slot]! * this.blockBytes, 'device', need);
        return 0;
      }
    }
    if (this.p.faultCost === 'batch') env.clock.charge(Cause.fault, dev.fault.perPageNs * n);
    else {
      // one group per faulted page when nothing prefetches: on-demand, random-4K, or a prefetcher switched off
      // after the first eviction (prefetchOnOversub=false; UVMSmart then runs with hardware_prefetch disabled)
      const groups = !this.prefetchOn || this.prefetchKind === 'none' || this.prefetchKind === 'random-4k' ? faulted : 1;
      env.clock.charge(Cause.fault, dev.fault.serviceNs * groups);
    }
    return this.migrateIn(slot, want, out, bl.pendWrite, o, env.clock.nowNs - this.throttleWaitNs, false);
  }

  /**
   * Run `policy` for block `slot` toward processor `dest` (`resident` = dest's residency masks, faulted =
   * `pend`) into `out`, then sanitise: only pages that exist and are not faulted, resident, pinned or
   * thrashing; toward the device, never pages whose preferred location is the host.
   */
  private choosePrefetch(slot: number, policy: PrefetchPolicy, resident: Uint32Array, out: Uint32Array, dest: number): number {
    const bl = this.blocks;
    const w = this.words;
    const o = slot * w;
    const v = this.view;
    let first = -1;
    let last = -1;
    let hasThr = false;
    for (let k = 0; k < w; k++) {
      v.resident[k] = resident[o + k]!;
      v.faulted[k] = bl.pend[o + k]!;
      const t = (bl.pinned[o + k]! | this.thrashingWord(slot, k)) >>> 0;
      v.thrashing[k] = t;
      if (t) hasThr = true;
      const e = bl.exists[o + k]!;
      if (e !== 0) {
        if (first < 0) first = k * 32 + (31 - Math.clz32(e & -e));
        last = k * 32 + (31 - Math.clz32(e));
      }
    }
    if (first < 0) return 0;
    v.firstPage = first;
    v.endPage = last + 1;
    v.hasThrashing = hasThr;
    // first touch of a block whose preferred location is `dest`: populate the whole block
    const firstFault = maskNextSet(bl.pend, o, 0, this.ppb);
    const pref = firstFault >= 0 ? bl.prefLoc[slot * this.ppb + firstFault]! : 0;
    if (pref === dest + 1 && bl.devPages[slot] === 0 && maskRangeEmpty(bl.cpu, o, 0, this.ppb)) {
      for (let k = 0; k < w; k++) out[k] = bl.exists[o + k]!;
    } else policy.choose(v, out);
    const hostPref = dest !== CPU && this.blockHasHostPref(slot);
    let n = 0;
    for (let k = 0; k < w; k++) {
      let x = (out[k]! & bl.exists[o + k]! & ~v.faulted[k]! & ~v.resident[k]! & ~v.thrashing[k]!) >>> 0;
      if (x !== 0 && hostPref) x = this.dropHostPreferred(slot, k, x);
      out[k] = x;
      n += popcount32(x);
    }
    return n;
  }

  private thrashingWord(slot: number, k: number): number {
    const t = this.thr;
    if (!t || t.detections === 0) return 0; // no page ever reached the threshold
    let x = 0;
    const base = slot * this.ppb + k * 32;
    const lim = Math.min(32, this.ppb - k * 32);
    const ev = t.events;
    const th = t.cfg.threshold;
    for (let j = 0; j < lim; j++) if (ev[base + j]! >= th) x |= 1 << j;
    return x >>> 0;
  }

  private blockHasHostPref(slot: number): boolean {
    if (!this.anyHostPref) return false;
    const base = slot * this.ppb;
    const pl = this.blocks.prefLoc;
    for (let p = 0; p < this.ppb; p++) if (pl[base + p] === CPU + 1) return true;
    return false;
  }

  private dropHostPreferred(slot: number, k: number, x: number): number {
    const base = slot * this.ppb + k * 32;
    for (let j = 0; j < 32; j++) if (x & (1 << j) && this.blocks.prefLoc[base + j] === CPU + 1) x &= ~(1 << j);
    return x >>> 0;
  }

  /**
   * Make `want` pages of `slot` device resident: host copies move over the link in contiguous runs (one
   * migration each), unpopulated pages are zero-filled on the device. Pages in `prefetched` count as
   * prefetch. Read faults on read-mostly pages keep the host copy (duplication); others drop it (one CPU
   * TLB shootdown per block). `writes@writesOff` marks write faults. `async`: transfers only occupy the
   * link (the block's arrival time is recorded); otherwise `lastTransferEnd` tells the caller when to resume.
   */
  private migrateIn(
    slot: number, want: Uint32Array, prefetched: Uint32Array, writes: Uint32Array, writesOff: number, thrNow: number, async: boolean,
  ): number {
    const env = this.env;
    const c = env.counters;
    const bl = this.blocks;
    const o = slot * this.words;
    if (this.mem.mode === 'chunk' && bl.chunk[slot]! < 0 && !this.mem.insertBlock(slot, env.clock.nowNs)) return 0;
    // before the copy: tear down the host copies' CPU mappings (one TLB shootdown per block) and zero-fill
    // the pages that have no data anywhere
    let zero = 0;
    let dropsHostCopy = false;
    for (let k = 0; k < this.words; k++) {
      const wk = want[k]!;
      if (wk === 0) continue;
      const host = bl.cpu[o + k]!;
      zero += popcount32((wk & ~host) >>> 0);
      const keep = bl.readMostly[o + k]! & ~writes[writesOff + k]!;
      if ((wk & host & ~keep) !== 0) dropsHostCopy = true;
    }
    // (asynchronous prefetch: this work is done by the driver off the critical path and only delays the copy)
    let startNs = env.clock.nowNs;
    if (dropsHostCopy) {
      this.cpuShootdowns++;
      if (async) startNs += env.platform.host.tlbShootdownNs;
      else env.clock.charge(Cause.invalidate, env.platform.host.tlbShootdownNs);
    }
    if (zero > 0) {
      const z = (zero * PAGE_BYTES) / env.platform.device.zeroFillBytesPerNs;
      if (async) startNs += z;
      else env.clock.charge(Cause.fault, z);
    }
    const nowNs = async ? startNs : env.clock.nowNs;
    const words = this.words;
    // page frames first (page-granular memory): a page without a frame is an OOM and stays out
    if (this.mem.mode === 'page') {
      for (let k = 0; k < words; k++) {
        let x = want[k]!;
        while (x !== 0) {
          const bit = x & -x;
          x ^= bit;
          const p = k * 32 + (31 - Math.clz32(bit));
          if (!this.mem.insertPage(slot, p, nowNs)) {
            want[k] = (want[k]! & ~bit) >>> 0;
            this.rep.oom(nowNs, DEV, bl.key[slot]! * this.blockBytes + p * PAGE_BYTES, 'device', PAGE_BYTES);
          }
        }
      }
    }
    // word by word: residency, counters, host copies dropped (kept for read duplication)
    const fromHost = this.runMask;
    let n = 0;
    for (let k = 0; k < words; k++) {
      const wk = want[k]!;
      if (wk === 0) {
        fromHost[k] = 0;
        continue;
      }
      const host = bl.cpu[o + k]!;
      const fh = (wk & host) >>> 0;
      fromHost[k] = fh;
      const cnt = popcount32(wk);
      n += cnt;
      bl.dev[o + k] = (bl.dev[o + k]! | wk) >>> 0;
      this.prefetchedPages += popcount32((wk & prefetched[k]!) >>> 0);
      c.zeroFills += cnt - popcount32(fh);
      const keep = (fh & bl.readMostly[o + k]! & ~writes[writesOff + k]!) >>> 0;
      this.readDuplicates += popcount32(keep);
      const drop = (fh & ~keep) >>> 0;
      bl.cpu[o + k] = (host & ~drop) >>> 0;
      this.hostBytes -= popcount32(drop) * PAGE_BYTES;
      if (this.thr) {
        let x = (wk & ~prefetched[k]! & ~bl.readMostly[o + k]!) >>> 0;
        while (x !== 0) {
          const bit = x & -x;
          x ^= bit;
          this.thr.onMigration(slot * this.ppb + k * 32 + (31 - Math.clz32(bit)), DEV, thrNow);
        }
      }
    }
    bl.devPages[slot]! += n;
    // host copies travel in contiguous runs, one migration each
    let end = nowNs;
    const runs = this.runs;
    runs.reset(fromHost, 0, words);
    for (let r = runs.next(); r >= 0; r = runs.next()) {
      const bytes = (runs.end - r) * PAGE_BYTES;
      const e = this.link.book(nowNs, bytes, 'h2d');
      if (e > end) end = e;
      c.migrationsH2D++;
      c.bytesH2D += bytes;
      c.prefetchedBytes += maskCountRange(prefetched, 0, r, runs.end) * PAGE_BYTES;
    }
    if (async) {
      if (end > bl.arrivalNs[slot]!) bl.arrivalNs[slot] = end;
      this.lastTransferEnd = env.clock.nowNs;
    } else this.lastTransferEnd = end;
    return n;
  }

  /** Thrashing mitigation: pin page `p` to host memory (migrate it there if needed); the device maps it remotely. */
  private pinToHost(slot: number, p: number): void {
    const bl = this.blocks;
    const o = slot * this.words;
    if (maskTest(bl.dev, o, p)) this.evictPages(slot, singlePage(this.scratch, this.words, p), true, false);
    if (!maskTest(bl.cpu, o, p)) this.populateHost(slot, p);
    maskSet(bl.pinned, o, p);
    bl.pinnedCount[slot]!++;
    this.remoteMaps++;
  }

  private populateHost(slot: number, p: number): void {
    const env = this.env;
    if (this.hostBytes + PAGE_BYTES > env.platform.host.dramBytes) {
      this.rep.oom(env.clock.nowNs, CPU, this.blocks.key[slot]! * this.blockBytes + p * PAGE_BYTES, 'host', PAGE_BYTES);
      return;
    }
    maskSet(this.blocks.cpu, slot * this.words, p);
    this.hostBytes += PAGE_BYTES;
    env.counters.zeroFills++;
    env.clock.charge(Cause.fault, PAGE_BYTES / env.platform.host.zeroFillBytesPerNs);
  }

  /** A device write to a read-duplicated page: the host copy is invalidated (CPU TLB shootdown). */
  private collapseToDevice(slot: number, p: number): void {
    maskClear(this.blocks.cpu, slot * this.words, p);
    this.hostBytes -= PAGE_BYTES;
    this.cpuShootdowns++;
    this.env.clock.charge(Cause.invalidate, this.env.platform.host.tlbShootdownNs);
  }

  private invalidateDeviceTlb(): void {
    this.env.counters.tlbInvalidations++;
    this.env.clock.charge(Cause.invalidate, this.env.platform.device.tlb.invalidateNs);
  }

  // ---- eviction ------------------------------------------------------------------------------------------

  /**
   * Evict until `need` bytes fit under `fraction × capacity`. Eviction needed to fit the full capacity is
   * synchronous (the clock waits for the write-back); eviction beyond it (pre-eviction, `preEvictAt` < 1) only
   * occupies the D2H link. Returns false when nothing more can be evicted.
   */
  private evictFor(need: number, fraction: number): boolean {
    const mem = this.mem;
    while (mem.headroom(fraction) < need) {
      const sync = mem.headroom(1) < need;
      const slot = mem.victimPages(this.env.clock.nowNs);
      if (slot < 0) return mem.headroom(1) >= need;
      this.evictPages(slot, mem.victimMask, sync, true);
      if (!sync) this.backgroundEvictions++;
      if (!this.p.prefetchOnOversub) this.prefetchOn = false;
      else if (this.p.oversubPrefetch !== 'same' && this.prefetchKind !== this.p.oversubPrefetch) this.switchPrefetcher(this.p.oversubPrefetch);
    }
    return true;
  }

  /** Switch the device-fault prefetcher after the first eviction (`oversubPrefetch`, UVMSmart `hwprefetch_oversub`). */
  private switchPrefetcher(kind: UvmPrefetch): void {
    const def = PREFETCH_POLICIES[kind];
    const params = kind === 'tbn' ? { thresholdPercent: this.p.prefetchThreshold } : {};
    this.prefetcher = def.create(params as never, { rng: this.env.rng.fork() });
    this.prefetchKind = kind;
  }

  /**
   * Move `pages` (a block-local mask) of `slot` from the device to the host: write-back of every page that
   * has no host copy, in contiguous runs; one device TLB invalidation; frames/chunk released.
   */
  private evictPages(slot: number, pages: Uint32Array, sync: boolean, countEviction: boolean): void {
    const env = this.env;
    const c = env.counters;
    const bl = this.blocks;
    const words = this.words;
    const o = slot * words;
    const nowNs = env.clock.nowNs;
    const wb = this.runMask;
    let moved = 0;
    for (let k = 0; k < words; k++) {
      const ev = (pages[k]! & bl.dev[o + k]!) >>> 0;
      if (ev === 0) {
        wb[k] = 0;
        continue;
      }
      const w = (ev & ~bl.cpu[o + k]!) >>> 0; // pages without a valid host copy are written back
      wb[k] = w;
      bl.cpu[o + k] = (bl.cpu[o + k]! | w) >>> 0;
      this.hostBytes += popcount32(w) * PAGE_BYTES;
      bl.dev[o + k] = (bl.dev[o + k]! & ~ev) >>> 0;
      moved += popcount32(ev);
      if (this.mem.mode === 'page') {
        let x = ev;
        while (x !== 0) {
          const bit = x & -x;
          x ^= bit;
          this.mem.removePage(slot, k * 32 + (31 - Math.clz32(bit)));
        }
      }
    }
    bl.devPages[slot]! -= moved;
    let end = nowNs;
    const runs = this.runs;
    runs.reset(wb, 0, words);
    for (let r = runs.next(); r >= 0; r = runs.next()) {
      const bytes = (runs.end - r) * PAGE_BYTES;
      const e = this.link.book(nowNs, bytes, 'd2h');
      if (e > end) end = e;
      c.migrationsD2H++;
      c.bytesD2H += bytes;
    }
    if (bl.devPages[slot] === 0 && this.mem.mode === 'chunk') this.mem.removeBlock(slot);
    if (countEviction) {
      c.evictions++;
      this.evictedPages += moved;
    }
    this.invalidateDeviceTlb();
    if (sync) env.clock.waitUntil(end, Cause.evict);
  }

  // ---- CPU accesses -------------------------------------------------------------------------------------

  cpuAccess(b: EventBatch, i: number): void {
    const tNs = b.tNs[i]!;
    let va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const write = isWrite(b.access[i]!);
    while (va < end) {
      const a = this.allocAt(va);
      if (a < 0) return this.rep.unmapped(tNs, CPU, va);
      const aEnd = Math.min(end, this.allocs.end(a));
      const flags = this.allocs.flags[a]!;
      if (flags & MANAGED) this.cpuManaged(va, aEnd, write);
      else if (flags & Flag.device) this.rep.faultError(tNs, CPU, va, 'CPU access to device memory (cudaMalloc)');
      va = aEnd;
    }
  }

  private cpuManaged(start: number, end: number, write: boolean): void {
    const bl = this.blocks;
    const w = this.words;
    const k0 = Math.floor(start / this.blockBytes);
    const k1 = Math.floor((end - 1) / this.blockBytes);
    for (let k = k0; k <= k1; k++) {
      const slot = bl.find(k);
      const base = k * this.blockBytes;
      const p0 = k === k0 ? Math.floor((start - base) / PAGE_BYTES) : 0;
      const p1 = k === k1 ? Math.ceil((end - base) / PAGE_BYTES) : this.ppb;
      const o = slot * w;
      if (maskCountRange(bl.cpu, o, p0, p1) === p1 - p0 && (!write || maskRangeEmpty(bl.dev, o, p0, p1))) continue;
      for (let p = p0; p < p1; p++) {
        if (maskTest(bl.cpu, o, p)) {
          if (write && maskTest(bl.dev, o, p)) this.collapseToHost(slot, p);
          continue;
        }
        this.cpuFault(slot, p, write);
      }
    }
  }

  /** A CPU write to a read-duplicated page: the device copy is dropped (device TLB invalidation). */
  private collapseToHost(slot: number, p: number): void {
    const bl = this.blocks;
    this.env.counters.cpuFaults++; // write to a read-only duplicate faults
    maskClear(bl.dev, slot * this.words, p);
    bl.devPages[slot]!--;
    if (this.mem.mode === 'page') this.mem.removePage(slot, p);
    else if (bl.devPages[slot] === 0) this.mem.removeBlock(slot);
    this.invalidateDeviceTlb();
  }

  /**
   * CPU fault on page `p`: thrashing hint, then the page (and, with the driver prefetcher, its density-tree
   * region of device-resident or unpopulated pages) moves to the host. Read faults on read-mostly pages copy
   * and keep the device copy.
   */
  private cpuFault(slot: number, p: number, write: boolean): void {
    const env = this.env;
    const clock = env.clock;
    const bl = this.blocks;
    const w = this.words;
    const o = slot * w;
    env.counters.cpuFaults++;
    clock.charge(Cause.fault, env.platform.host.cpuFaultNs);
    const id = slot * this.ppb + p;
    if (this.thr) {
      if (maskTest(bl.pinned, o, p) && this.thr.hasExpiredPin(id, clock.nowNs)) this.unpin(slot, p);
      const h = this.thr.hint(id, clock.nowNs - this.throttleWaitNs, clock.nowNs);
      if (h === ThrashHint.throttle) {
        clock.charge(Cause.fault, this.p.throttleNs);
        this.throttleWaitNs += this.p.throttleNs;
      } else if (h === ThrashHint.pin) {
        this.pinToHost(slot, p);
        return;
      }
    }
    const region = this.scratch;
    maskZero(region, 0, w);
    maskSet(region, 0, p);
    if (this.cpuPrefetcher && !maskTest(bl.readMostly, o, p)) {
      const out = this.out;
      maskZero(out, 0, w);
      maskZero(bl.pend, o, w);
      maskSet(bl.pend, o, p);
      this.choosePrefetch(slot, this.cpuPrefetcher, bl.cpu, out, CPU);
      maskClear(bl.pend, o, p);
      for (let k = 0; k < w; k++) region[k] = (region[k]! | (out[k]! & ~bl.pinned[o + k]!)) >>> 0;
    }
    const thrNow = clock.nowNs - this.throttleWaitNs;
    const keepDev = maskTest(bl.readMostly, o, p) && !write;
    // pages with a device copy: D2H in runs; unpopulated: zero-fill on the host
    const nowNs = clock.nowNs;
    let end = nowNs;
    let runStart = -1;
    let dropped = false;
    for (let q = 0; q <= this.ppb; q++) {
      const inR = q < this.ppb && maskTest(region, 0, q) && !maskTest(bl.cpu, o, q);
      const fromDev = inR && maskTest(bl.dev, o, q);
      if (runStart >= 0 && !fromDev) {
        const bytes = (q - runStart) * PAGE_BYTES;
        const e = this.link.book(nowNs, bytes, 'd2h');
        if (e > end) end = e;
        env.counters.migrationsD2H++;
        env.counters.bytesD2H += bytes;
        runStart = -1;
      }
      if (!inR) continue;
      if (!fromDev) {
        this.populateHost(slot, q);
        continue;
      }
      if (runStart < 0) runStart = q;
      maskSet(bl.cpu, o, q);
      this.hostBytes += PAGE_BYTES;
      if (keepDev && q === p) this.readDuplicates++;
      else {
        maskClear(bl.dev, o, q);
        bl.devPages[slot]!--;
        if (this.mem.mode === 'page') this.mem.removePage(slot, q);
        dropped = true;
      }
      if (this.thr && !maskTest(bl.readMostly, o, q)) this.thr.onMigration(slot * this.ppb + q, CPU, thrNow);
    }
    if (dropped) {
      if (this.mem.mode === 'chunk' && bl.devPages[slot] === 0) this.mem.removeBlock(slot);
      this.invalidateDeviceTlb();
    }
    clock.waitUntil(end, Cause.transfer);
  }

  // ---- explicit prefetch and advice ------------------------------------------------------------------------

  /**
   * `prefetch` rows (cudaMemPrefetchAsync): migrate the range to the target. With `prefetchAsync` the
   * transfers only occupy the link; a later device access to a block still in flight waits for it.
   */
  prefetch(b: EventBatch, i: number): void {
    const target = b.target[i]!;
    const va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const async = this.p.prefetchAsync;
    if (target !== CPU && target !== DEV) return this.rep.singleDevice(b.tNs[i]!, target, va);
    const a = this.allocAt(va);
    if (a < 0) return this.rep.unmapped(b.tNs[i]!, b.agent[i]!, va);
    if (!(this.allocs.flags[a]! & MANAGED)) return;
    const bl = this.blocks;
    const w = this.words;
    const aEnd = Math.min(end, this.allocs.end(a));
    const k0 = Math.floor(va / this.blockBytes);
    const k1 = Math.floor((aEnd - 1) / this.blockBytes);
    let waitEnd = this.env.clock.nowNs;
    for (let k = k0; k <= k1; k++) {
      const slot = bl.find(k);
      if (slot < 0) continue;
      const base = k * this.blockBytes;
      const p0 = k === k0 ? Math.floor((va - base) / PAGE_BYTES) : 0;
      const p1 = k === k1 ? Math.ceil((aEnd - base) / PAGE_BYTES) : this.ppb;
      const o = slot * w;
      const want = this.scratch;
      maskZero(want, 0, w);
      for (let p = p0; p < p1; p++) {
        if (!maskTest(bl.exists, o, p) || maskTest(bl.pinned, o, p)) continue;
        if (target === DEV ? !maskTest(bl.dev, o, p) : maskTest(bl.dev, o, p) && !maskTest(bl.cpu, o, p)) maskSet(want, 0, p);
      }
      const n = maskWeight(want, 0, w);
      if (n === 0) continue;
      if (target === DEV) {
        const need = this.mem.bytesFor(slot, n);
        bl.busy[slot] = 1;
        const ok = this.mem.headroom(this.p.preEvictAt) >= need || this.evictFor(need, this.p.preEvictAt);
        bl.busy[slot] = 0;
        if (!ok) {
          this.rep.oom(this.env.clock.nowNs, DEV, base + p0 * PAGE_BYTES, 'device', need);
          continue;
        }
        if (!async) this.env.clock.charge(Cause.fault, this.env.platform.device.fault.perPageNs * n);
        this.migrateIn(slot, want, want, this.out.fill(0), 0, this.env.clock.nowNs - this.throttleWaitNs, async);
        if (!async && this.lastTransferEnd > waitEnd) waitEnd = this.lastTransferEnd;
      } else {
        this.evictPagesAsPrefetch(slot, want, async);
      }
    }
    if (!async) this.env.clock.waitUntil(waitEnd, Cause.transfer);
  }

  /** Prefetch to the host: like an eviction of the range, not counted as one. */
  private evictPagesAsPrefetch(slot: number, pages: Uint32Array, async: boolean): void {
    this.evictPages(slot, pages, !async, false);
  }

  advise(b: EventBatch, i: number): void {
    const code = b.code[i]!;
    const va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const target = b.target[i]!;
    const bl = this.blocks;
    const w = this.words;
    const ok = code === Advice.read_mostly || code === Advice.unset_read_mostly || code === Advice.preferred_location
      || code === Advice.unset_preferred_location || code === Advice.accessed_by || code === Advice.unset_accessed_by;
    if (!ok) {
      this.ignoredAdvice++;
      this.rep.ignoredAdvice(ADVICE_NAMES[code] ?? String(code));
      return;
    }
    const k0 = Math.floor(va / this.blockBytes);
    const k1 = Math.floor((end - 1) / this.blockBytes);
    for (let k = k0; k <= k1; k++) {
      const slot = bl.find(k);
      if (slot < 0) continue;
      const base = k * this.blockBytes;
      const p0 = k === k0 ? Math.floor((va - base) / PAGE_BYTES) : 0;
      const p1 = k === k1 ? Math.ceil((end - base) / PAGE_BYTES) : this.ppb;
      const o = slot * w;
      for (let p = p0; p < p1; p++) {
        if (!maskTest(bl.exists, o, p)) continue;
        switch (code) {
          case Advice.read_mostly:
            maskSet(bl.readMostly, o, p);
            break;
          case Advice.unset_read_mostly:
            maskClear(bl.readMostly, o, p);
            if (maskTest(bl.dev, o, p) && maskTest(bl.cpu, o, p)) this.collapseToHost(slot, p);
            break;
          case Advice.preferred_location:
            bl.prefLoc[slot * this.ppb + p] = target === NO_AGENT ? 0 : target + 1;
            if (target === CPU) this.anyHostPref = true;
            break;
          case Advice.unset_preferred_location:
            bl.prefLoc[slot * this.ppb + p] = 0;
            break;
          case Advice.accessed_by:
            maskSet(bl.accessedBy, o, p);
            break;
          case Advice.unset_accessed_by:
            maskClear(bl.accessedBy, o, p);
            break;
        }
      }
    }
  }

  // ---- invariants ---------------------------------------------------------------------------------------

  checkInvariants(): void {
    const bl = this.blocks;
    const w = this.words;
    const mem = this.mem;
    let pages = 0;
    let chunkBytes = 0;
    let host = 0;
    bl.forEachSlot((slot) => {
      const o = slot * w;
      const d = maskWeight(bl.dev, o, w);
      if (d !== bl.devPages[slot]) throw new Error(`uvm: block ${slot} devPages ${bl.devPages[slot]} ≠ mask ${d}`);
      pages += d;
      host += maskWeight(bl.cpu, o, w) * PAGE_BYTES;
      for (let k = 0; k < w; k++) {
        const x = o + k;
        if ((bl.dev[x]! | bl.cpu[x]! | bl.pinned[x]!) & ~bl.exists[x]!) throw new Error(`uvm: block ${slot} has residency on pages that do not exist`);
        if (bl.dev[x]! & bl.cpu[x]! & ~bl.readMostly[x]!) throw new Error(`uvm: block ${slot} duplicated pages without read-mostly`);
        if (bl.dev[x]! & bl.pinned[x]!) throw new Error(`uvm: block ${slot} pinned page resident on the device`);
        if (this.batchN === 0 && bl.pend[x]) throw new Error(`uvm: pending faults outside a batch`);
      }
      if (mem.mode === 'chunk') {
        if ((d > 0) !== (bl.chunk[slot]! >= 0)) throw new Error(`uvm: block ${slot} has ${d} device pages and chunk ${bl.chunk[slot]}`);
        chunkBytes += bl.chunkBytes[slot]!;
      } else {
        for (let p = 0; p < this.ppb; p++) {
          const f = bl.frame[slot * this.ppb + p]!;
          if (maskTest(bl.dev, o, p) !== f >= 0) throw new Error(`uvm: block ${slot} page ${p} frame ${f} vs residency`);
          if (f >= 0 && mem.owner[f] !== slot * this.ppb + p) throw new Error(`uvm: frame ${f} owner mismatch`);
        }
      }
    });
    const used = mem.mode === 'page' ? pages * PAGE_BYTES : chunkBytes;
    if (used !== mem.usedBytes) throw new Error(`uvm: usedBytes ${mem.usedBytes} ≠ ${used}`);
    if (mem.usedBytes + mem.deviceAllocBytes > mem.capacityBytes) throw new Error(`uvm: ${mem.usedBytes + mem.deviceAllocBytes} B resident > capacity`);
    if (host !== this.hostBytes) throw new Error(`uvm: hostBytes ${this.hostBytes} ≠ ${host}`);
  }
}

function singlePage(m: Uint32Array, words: number, p: number): Uint32Array {
  maskZero(m, 0, words);
  maskSet(m, 0, p);
  return m;
}
