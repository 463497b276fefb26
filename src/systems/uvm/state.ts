import type { LinkTimeline } from '../../model/link-timeline';
import * as pageMask from '../../model/page-mask';
import { PREFETCH_POLICIES, type BlockFaultView, type PrefetchPolicy } from '../../policies/prefetch/index';
import * as clockMod from '../../sim/clock';
import * as ev from '../../trace/event';
import { Allocations } from '../shared/allocations';
import * as costMod from '../../model/cost';
import type { UnitCosts } from '../../model/cost';
import type { Reporter } from '../../sim/reporter';
import type { SystemEnv } from '../../sim/system';
import { BlockRange } from './block-range';
import { VaBlocks } from './blocks';
import * as deviceMemory from './device-memory';
import { DeviceMemory } from './device-memory';
import { PageTables } from './page-tables';
import { InvariantBudget } from '../../sim/invariant-budget';
import { evictionVariant } from './evictions';
import type { UvmParams, UvmPrefetch } from './params';
import { ThrashingState } from './thrashing';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Cause } = clockMod;
const { PAGE_BYTES } = deviceMemory;
const { maskFillRange } = pageMask;
const { unitCosts } = costMod;

/** Agent code of dev0: the only device this model serves. */
export const DEV = 1;
/** Allocation flags of managed memory (cudaMallocManaged; peer-shared managed memory is managed too). */
export const MANAGED = ev.Flag.managed | ev.Flag.peer_shared;
const DEVICE_KIND = ev.Flag.device; // a local copy: `ev.Flag` is a getter call under tsx (CommonJS interop)
/** An allocation whose pages the VA blocks track: managed, not `cudaMalloc` device memory. */
export function isManagedRange(flags: number): boolean {
  return (flags & MANAGED) !== 0 && (flags & DEVICE_KIND) === 0;
}
/** Allocation flags of host memory a device access reaches remotely. */
export const HOSTKIND = ev.Flag.host | ev.Flag.pinned_host;

/**
 * The state of one UVM model run (docs/gmem-model.md §8, docs/systems.md), shared by the mechanism files: the VA
 * block table and device memory (`uvm_va_block.c`, `uvm_pmm_gpu.c`), the allocations, costs, prefetchers
 * (`uvm_perf_prefetch.c`), thrashing detection (`uvm_perf_thrashing.c`), the open replayable fault batch
 * (`uvm_gpu_replayable_faults.c`), per-block scratch masks and the `extra` counters. Everything is created
 * once per run; the hot path allocates nothing.
 */
export class UvmState {
  readonly blocks: VaBlocks;
  readonly mem: DeviceMemory;
  /** Driver page tables in device memory (faultCost=batch, pageTableLocation=vid), else null. */
  readonly pageTables: PageTables | null;
  readonly allocs = new Allocations();
  readonly link: LinkTimeline;
  readonly costs: UnitCosts;
  readonly rep: Reporter;
  readonly thr: ThrashingState | null;
  prefetcher: PrefetchPolicy;
  /** The prefetcher in use (`prefetch`, or `oversubPrefetch` after the first eviction). */
  prefetchKind: UvmPrefetch;
  readonly cpuPrefetcher: PrefetchPolicy | null;
  readonly view: BlockFaultView;
  readonly out: Uint32Array;
  readonly scratch: Uint32Array;
  readonly want: Uint32Array;
  readonly runMask: Uint32Array;
  readonly runs = new pageMask.MaskRuns();
  readonly ppb: number;
  readonly words: number;
  /** Words per block record: mask `m` of block `slot` starts at `slot × stride` (blocks.ts). */
  readonly stride: number;
  readonly blockBytes: number;
  readonly bigPagePages: number;
  readonly touch: boolean;
  /**
   * Time charged per device TLB invalidation and per host TLB shootdown. The UVMSmart mode (faultCost=far-fault)
   * charges neither: its TLB flush on eviction is a callback that drops the entry (gpgpu-sim_UVMSmart
   * gpu-sim.cc:2107-2113 → ldst_unit::invalidate_tlb, shader.cc:2037-2043, no latency) and it has no host page
   * tables to shoot down (a GPU fault costs page_fault_latency plus the PCIe transfer, gpu-sim.cc:116-126, 3276-3293).
   */
  readonly tlbInvalidateNs: number;
  readonly hostShootdownNs: number;
  prefetchOn = true;
  /** Open fault batch: blocks with pending faults (in order), distinct pages, fetched fault-buffer entries. */
  batchSlots: Int32Array;
  batchN = 0;
  batchPages = 0;
  batchEntries = 0;
  /** Some fault of the open batch is a write (`pendWrite` has bits to clear). */
  batchWrites = false;
  /**
   * `blocks.dirty` is kept only in the UVMSmart mode (faultCost=far-fault), the only reader (device-sync.ts, on a
   * `marker sync`); the driver mode does not touch the mask.
   */
  readonly trackDirty: boolean;
  /**
   * Each access row is a fault front (fault-batch.ts): at most `frontCap` distinct pages of `frontEntries`
   * fault-buffer entries each per batch (`faultCost=batch`: `frontPages`, `frontEntriesPerPage`; `far-fault`,
   * UVMSmart's accounting: the whole row up to `batchMax` pages, one entry each).
   */
  readonly frontCap: number;
  readonly frontEntries: number;
  /** Fractional carry of `frontEntries` (a mean of 1.31 gives 1, 1, 1, 2, …). */
  entryCarry = 0;
  /** Batches serviced in the current service pass (0 = no pass open). */
  passBatches = 0;
  /** Trace time of the open front (rows at the same time are concurrent and share it). */
  frontTNs = NaN;
  /** Simulated time spent throttled (the thrash clock = now − this). */
  throttleWaitNs = 0;
  hostBytes = 0;
  /**
   * Bytes of the victim host memory could not take when the last `evictFor` stopped (evict.ts hostTakes); 0 when it
   * did not stop for that. The caller's OOM is then a host one (evict.ts evictionOom).
   */
  hostShortBytes = 0;
  /** Host memory (`host.dramBytes`; evict.ts hostTakes). */
  readonly hostCapBytes: number;
  /** The most one victim of `DeviceMemory.victimPages` can write back: a VA block, or a shared root chunk. */
  readonly victimBoundBytes: number;
  // extra counters
  faultBatches = 0;
  /** PMA allocation calls already charged (device-memory.ts `pmaCalls`). */
  pmaCallsCharged = 0;
  servicePasses = 0;
  faultEntries = 0;
  flushedEntries = 0;
  duplicateFaults = 0;
  evictedPages = 0;
  /** Evictions that left their VA block with no resident page (evict.ts evictPages). */
  emptiedBlocks = 0;
  /** Fault services of a VA block that held no resident page: the block is filled from empty (fault-batch.ts serviceBlock). */
  emptyBlockServices = 0;
  /** Contiguous regions of the pages block services made resident (faultCost=batch: each charged perRegionNs). */
  faultRegions = 0;
  prefetchedPages = 0;
  readDuplicates = 0;
  cpuShootdowns = 0;
  prefetchWaitNs = 0;
  /** UVMSmart mode: clock time a new wave or a kernel end waited for an idle link (fault-batch.ts warpExitStall). */
  warpExitStallNs = 0;
  /**
   * UVMSmart mode: far-fault latency of the run, charged when it ends (GPGPU-Sim with enable_accurate_simulation 0 has no
   * fault latency on its timeline and adds count × latency to the kernel time, gpu-sim.cc:116-126).
   */
  farFaultNs = 0;
  /** Clock time charged while servicing CPU access rows (UVMSmart reports host-side time apart from kernel time). */
  cpuAccessNs = 0;
  /** Debug mode only (invariants.ts): when the full check runs. */
  readonly invariants = new InvariantBudget();
  backgroundEvictions = 0;
  /** UVMSmart-mode device synchronizes (`marker sync`) and the dirty pages they wrote back (device-sync.ts). */
  deviceSyncs = 0;
  syncWrittenPages = 0;
  ignoredAdvice = 0;
  remoteMaps = 0;
  /**
   * Set once any read-mostly, preferred-location or accessed-by advice was applied: until then those masks and
   * `prefLoc` are all zero, and the fault path does not read them (each is a cache miss per fault).
   */
  anyAdvice = false;
  /** Set once any range got preferred_location=cpu (skips per-page scans until then). */
  anyHostPref = false;
  /** `device` allocations that failed with OOM (they hold no memory). */
  readonly failedDeviceAllocs = new Set<number>();
  /** End of the transfers booked by the last `migrateIn` (or the clock, when none / asynchronous). */
  lastTransferEnd = 0;
  /**
   * The latest time any block's transfers arrive (`VaBlocks.arrivalNs`, which only grows between a block's
   * release and its reuse): while the clock is past it no access needs to read its block's `arrivalNs`.
   */
  latestArrivalNs = 0;
  /**
   * UVMSmart mode: the synchronous evictions of the block being serviced, as a timeline of page frames freed — a
   * victim's frames are freed when its write-back starts (gpgpu-sim_UVMSmart gpu-sim.cc:3131-3156) — which its
   * H2D transfers wait on (migrate.ts splitAtFaults). `gateFree` = frames free before them; on while `gating`.
   */
  gating = false;
  /**
   * UVMSmart mode: the pages [preA, preB) of block `preSlot` — the service's first transfer, up to its first faulted
   * page — join the LRU list after the first victim if that transfer lands before the victim's write-back ends
   * (evict.ts evictFor; -1 = none). UVMSmart picks its next victim only when the running write-back ends and adds a
   * unit's entry when a transfer of it lands, so the count its reservation skips includes that transfer.
   */
  preSlot = -1;
  preA = 0;
  preB = 0;
  gateFree = 0;
  gateN = 0;
  gateAtNs: Float64Array = new Float64Array(16);
  gatePages: Float64Array = new Float64Array(16);
  /** Block walks (block-range.ts), one per caller family so that none is re-entered by another. */
  readonly devWalk: BlockRange;
  readonly cpuWalk: BlockRange;
  readonly opWalk: BlockRange;

  constructor(readonly p: UvmParams, readonly env: SystemEnv) {
    const plat = env.platform;
    this.hostCapBytes = plat.host.dramBytes;
    this.blockBytes = p.vaBlockBytes;
    this.frontCap = p.faultCost === 'batch' ? p.frontPages : p.batchMax;
    this.frontEntries = p.faultCost === 'batch' ? p.frontEntriesPerPage : 1;
    this.trackDirty = p.faultCost === 'far-fault';
    this.ppb = p.vaBlockBytes / PAGE_BYTES;
    this.bigPagePages = p.bigPageBytes / PAGE_BYTES;
    const variant = evictionVariant(p.eviction, p.faultCost === 'far-fault');
    this.blocks = new VaBlocks(this.ppb, variant.granule === 'page');
    this.words = this.blocks.words;
    this.stride = this.blocks.stride;
    this.touch = variant.touch;
    const uvmsmart = p.faultCost === 'far-fault';
    this.tlbInvalidateNs = uvmsmart ? 0 : plat.device.tlb.invalidateNs;
    this.hostShootdownNs = uvmsmart ? 0 : plat.host.tlbShootdownNs;
    this.pageTables =
      p.faultCost === 'batch' && p.pageTableLocation === 'vid'
        ? new PageTables(plat.device.ptLevels, plat.device.pageTable.dirBytes, plat.device.pageTable.pteTablesBytesPer2M)
        : null;
    this.mem = new DeviceMemory(this.blocks, variant, plat.device.memory.capacityBytes, p.reservedFraction, env.rng.fork(), this.bigPagePages, p.faultCost === 'far-fault');
    this.victimBoundBytes = Math.max(this.blockBytes, this.mem.roots?.rootBytes ?? 0);
    // PMA root-chunk batches (driver mode, chunk granule): device-memory.ts `pmaBatch`, charged in migrate.ts
    if (p.faultCost === 'batch' && this.mem.mode === 'chunk') this.mem.pmaBatch = 2 ** p.pmaBatchOrder;
    this.link = env.link;
    this.costs = unitCosts(plat, PAGE_BYTES);
    this.rep = env.report;
    this.thr = p.thrashing
      ? new ThrashingState(
          {
            threshold: p.thrashingThreshold, lapseNs: p.thrashingLapseNs, adaptiveLapse: p.thrashingAdaptiveLapse, epochNs: p.thrashingEpochNs,
            maxResets: p.thrashingMaxResets, pagesPerBlock: this.ppb, throttleNs: p.throttleNs, pinThreshold: p.pinThreshold, pinNs: p.pinNs,
          },
          this.blocks.capacity * this.ppb,
          this.blocks,
        )
      : null;
    if (this.thr) this.blocks.onGrow = (pages) => this.thr!.grow(pages);
    const pdef = PREFETCH_POLICIES[p.prefetch];
    const pparams = p.prefetch === 'tbn' ? tbnParams(p) : {};
    this.prefetcher = pdef.create(pparams as never, { rng: env.rng.fork() });
    this.prefetchKind = p.prefetch;
    this.cpuPrefetcher = p.prefetch === 'tbn' ? PREFETCH_POLICIES.tbn.create({ thresholdPercent: p.prefetchThreshold, largePageFill: 0 }, { rng: env.rng.fork() }) : null;
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
    const create = (key: number): number => this.createBlock(key);
    this.devWalk = new BlockRange(this.blocks, this.blockBytes, this.ppb, create);
    this.cpuWalk = new BlockRange(this.blocks, this.blockBytes, this.ppb, create);
    this.opWalk = new BlockRange(this.blocks, this.blockBytes, this.ppb, create);
  }

  /**
   * The VA block of window `key` (in a live managed allocation), created on first use: the driver creates a VA block
   * on its first fault, CPU fault, migration or policy change that needs it (`uvm_va_block_find_create`,
   * uvm_va_block.c), not when the range is allocated. Its `exists` mask is the pages of the live managed
   * allocations in the window. -1 when the model already tracks `MAX_TRACKED_BLOCKS` (blocks.ts; the caller reports it).
   */
  blockAt(key: number): number {
    const slot = this.blocks.find(key);
    return slot >= 0 ? slot : this.createBlock(key);
  }

  private createBlock(key: number): number {
    if (this.blocks.count >= this.blocks.maxSlots) return -1;
    const slot = this.blocks.obtain(key);
    this.fillManagedPages(key, this.blocks.exists, slot * this.stride);
    this.blocks.updateFull(slot);
    return slot;
  }

  /**
   * Set in mask `m` (at word `off`) the pages of window `key` that live managed allocations cover: a block's `exists`
   * (its creation, a new allocation sharing its window; the debug checks compare against it).
   */
  fillManagedPages(key: number, m: Uint32Array, off: number): void {
    const base = key * this.blockBytes;
    const end = base + this.blockBytes;
    for (const it of this.allocs.ranges.overlapping(base, end)) {
      if (!isManagedRange(this.allocs.flags[it.value]!)) continue;
      const a = it.start > base ? it.start : base;
      const e = it.end < end ? it.end : end;
      maskFillRange(m, off, Math.floor((a - base) / PAGE_BYTES), Math.ceil((e - base) / PAGE_BYTES));
    }
  }

  /** A touch at `va` needs a block past `MAX_TRACKED_BLOCKS` (`blockAt` returned -1): a fault-error. */
  tooManyBlocks(tNs: number, agent: number, va: number): void {
    this.rep.tooManyBlocks(tNs, agent, va, this.blocks.maxSlots);
  }

  /** Whether a live managed allocation other than `except` has pages in window `key` (page tables, va-range.ts). */
  managedIn(key: number, except: number): boolean {
    for (const it of this.allocs.ranges.overlapping(key * this.blockBytes, (key + 1) * this.blockBytes)) {
      if (it.value !== except && isManagedRange(this.allocs.flags[it.value]!)) return true;
    }
    return false;
  }

  /** Allocation containing `va`, or -1 (`Allocations.find`, which keeps the last one found). */
  allocAt(va: number): number {
    return this.allocs.find(va);
  }

  /** A device mapping changed: one device TLB invalidation. */
  invalidateDeviceTlb(): void {
    this.env.counters.tlbInvalidations++;
    this.env.clock.charge(Cause.invalidate, this.tlbInvalidateNs);
  }
}

/**
 * The `tbn` prefetcher's parameters for this run: the driver's density tree, or UVMSmart's large-page fill in the
 * UVMSmart mode (faultCost=far-fault; src/policies/prefetch/tbn.ts `largePageFill`).
 */
export function tbnParams(p: Readonly<UvmParams>): { thresholdPercent: number; largePageFill: number } {
  return { thresholdPercent: p.prefetchThreshold, largePageFill: p.faultCost === 'far-fault' ? 1 : 0 };
}
