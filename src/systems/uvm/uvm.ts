import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import * as clockMod from '../../sim/clock';
import type { SystemEnv, SystemModel } from '../../sim/system';
import * as adviceMod from './advice';
import * as cpuFaultMod from './cpu-fault';
import * as deviceSyncMod from './device-sync';
import * as faultBatchMod from './fault-batch';
import * as invariantsMod from './invariants';
import type { UvmParams } from './params';
import { DEV, UvmState } from './state';
import * as vaRangeMod from './va-range';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { CPU, MarkerKind, Op } = ev;
const { Cause } = clockMod;
const { deviceSync } = deviceSyncMod;
const { advise, prefetch } = adviceMod;
const { cpuAccess } = cpuFaultMod;
const { deviceAccess, flushBatch, warpExitStall } = faultBatchMod;
const { checkInvariants } = invariantsMod;
const { alloc, free } = vaRangeMod;
const OP_ACCESS = Op.access;
const OP_MARKER = Op.marker;
const OP_KERNEL_END = Op.kernelEnd;

/**
 * The NVIDIA UVM model (docs/gmem-model.md §8, docs/systems.md): VA blocks of 4 KiB pages, replayable fault
 * batches serviced then replayed, a prefetcher per block, eviction of root chunks (or pages, for the ISCA'19
 * variants), thrashing throttle/pin, read-mostly duplication, preferred-location and accessed-by advice, and
 * asynchronous prefetch overlapping compute. All costs come from `env.platform`.
 *
 * This class holds only the engine's hooks (src/sim/system.ts); the mechanisms live in files named after the
 * driver's (kernel-open/nvidia-uvm), sharing one `UvmState` per run:
 * - fault-batch.ts — device accesses, the replayable fault batch and its service (`uvm_gpu_replayable_faults.c`);
 * - migrate.ts — page migration to and from the device, read duplication, pinning (`uvm_va_block.c`, `uvm_migrate.c`);
 * - evict.ts — eviction when device memory is needed (`uvm_pmm_gpu.c`); evictions.ts — the eviction variants;
 * - perf-prefetch.ts — the prefetch region of a faulting block (`uvm_perf_prefetch.c`); thrashing.ts (`uvm_perf_thrashing.c`);
 * - cpu-fault.ts — CPU faults on managed memory (`uvm_va_space_cpu_fault`);
 * - advice.ts — cudaMemPrefetchAsync and cudaMemAdvise (`uvm_migrate.c`, `uvm_policy.c`);
 * - va-range.ts — managed and device allocations and their free (`uvm_va_range.c`);
 * - block-range.ts — the walk over the VA blocks of an address range; invariants.ts — debug checks.
 */
export class UvmModel implements SystemModel {
  private readonly s: UvmState;

  constructor(p: UvmParams, env: SystemEnv) {
    this.s = new UvmState(p, env);
  }

  /**
   * The open fault batch is serviced before any row other than a device access (a CPU access, an allocation,
   * advice, a copy, a kernel boundary or marker — incl. `fault_batch_end` — all close it).
   */
  beforeRow(b: EventBatch, i: number): void {
    if (b.op[i] !== OP_ACCESS || b.agent[i] === CPU) {
      // a sync point: the open front drains (its batch is serviced) and the service pass ends
      if (this.s.batchN > 0) flushBatch(this.s);
      this.s.passBatches = 0;
      // UVMSmart: a kernel ends when its last warps exit, which needs an idle link (fault-batch.ts warpExitStall)
      if (b.op[i] === OP_KERNEL_END && b.agent[i] !== CPU && this.s.p.faultCost === 'far-fault') warpExitStall(this.s);
      this.s.frontTNs = NaN;
      this.s.mem.frontNs = NaN;
      // UVMSmart mode: cudaDeviceSynchronize writes back and drops the dirty pages and resets its LRU list (device-sync.ts)
      if (b.op[i] === OP_MARKER && b.code[i] === MarkerKind.sync && b.agent[i] === DEV && this.s.p.faultCost === 'far-fault') deviceSync(this.s);
    }
  }

  deviceAccess(b: EventBatch, i: number): void {
    deviceAccess(this.s, b, i);
  }

  cpuAccess(b: EventBatch, i: number): void {
    const clock = this.s.env.clock;
    const t0 = clock.nowNs;
    cpuAccess(this.s, b, i);
    this.s.cpuAccessNs += clock.nowNs - t0;
  }

  alloc(b: EventBatch, i: number): void {
    alloc(this.s, b, i);
  }

  free(b: EventBatch, i: number): void {
    free(this.s, b, i);
  }

  prefetch(b: EventBatch, i: number): void {
    prefetch(this.s, b, i);
  }

  advise(b: EventBatch, i: number): void {
    advise(this.s, b, i);
  }

  residentBytes(): number {
    return this.s.mem.usedBytes + this.s.mem.deviceAllocBytes;
  }

  checkInvariants(): void {
    checkInvariants(this.s);
  }

  finish(): Readonly<Record<string, number>> {
    const s = this.s;
    flushBatch(s);
    s.invariants.checkAllNext(); // debug runs: the engine's check after `finish` is a full one
    // UVMSmart mode: the far-fault latency is added after the simulated timeline (gpu-sim.cc:116-126)
    if (s.farFaultNs > 0) s.env.clock.charge(Cause.fault, s.farFaultNs);
    const t = s.thr;
    return {
      faultBatches: s.faultBatches,
      pmaCalls: s.mem.pmaCalls,
      servicePasses: s.servicePasses,
      faultEntries: s.faultEntries,
      flushedEntries: s.flushedEntries,
      duplicateFaults: s.duplicateFaults,
      evictedPages: s.evictedPages,
      emptiedBlocks: s.emptiedBlocks,
      emptyBlockServices: s.emptyBlockServices,
      faultRegions: s.faultRegions,
      partialVictims: s.mem.partialVictims,
      inFlightVictims: s.mem.inFlightVictims,
      backgroundEvictions: s.backgroundEvictions,
      deviceSyncs: s.deviceSyncs,
      syncWrittenPages: s.syncWrittenPages,
      prefetchedPages: s.prefetchedPages,
      readDuplicates: s.readDuplicates,
      cpuShootdowns: s.cpuShootdowns,
      thrashingDetections: t ? t.detections : 0,
      thrashingEpochResets: t ? t.epochResets : 0,
      thrashingLapseNs: t ? t.lapseNs : 0,
      throttles: t ? t.throttleCount : 0,
      throttleWaitNs: s.throttleWaitNs,
      pins: t ? t.pins : 0,
      unpins: t ? t.unpins : 0,
      remoteMaps: s.remoteMaps,
      prefetchWaitNs: s.prefetchWaitNs,
      warpExitStallNs: s.warpExitStallNs,
      linkBusyH2DNs: s.link.h2dBusyNs,
      linkBusyD2HNs: s.link.d2hBusyNs,
      ignoredAdvice: s.ignoredAdvice,
      cpuAccessNs: s.cpuAccessNs,
    };
  }
}
