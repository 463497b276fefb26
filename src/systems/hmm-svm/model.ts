import type { EventBatch } from '../../trace/batch';
import type { SystemEnv, SystemModel } from '../../sim/system';
import * as gpuFaultMod from './gpu-fault';
import * as migrateMod from './migrate';
import * as notifierMod from './notifier';
import type { HmmSvmParams } from './params';
import * as rangesMod from './ranges';
import * as stateMod from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { deviceAccess } = gpuFaultMod;
const { cpuAccess } = migrateMod;
const { forkWriteProtect, protectRange } = notifierMod;
const { adviseRanges, allocRanges, checkRangeInvariants, freeRanges, prefetchRanges } = rangesMod;
const { PAGE, SvmState } = stateMod;

/**
 * HMM / AMD KFD SVM mirroring (docs/gmem-model.md §8, docs/systems.md): the device keeps its own page table that
 * mirrors CPU memory; every CPU-side invalidation of a mirrored range reaches the driver as an MMU-notifier
 * callback (`host.notifierNs` + a device TLB invalidation when the range is mapped on the GPU). Memory moves
 * in 2 MiB units; GPU retry faults migrate on demand (repeat faults within 2 ms of a range's validation are
 * dropped and retried); without retry faults ranges are mapped where they are and each invalidation evicts
 * the user queues until a restore 1 ms later. A CPU touch of a VRAM unit always migrates it back.
 *
 * The hooks delegate to the files named after the driver's concepts, all sharing one `SvmState` per run:
 * ranges.ts (SVM ranges, attributes, prefetch), notifier.ts (MMU-notifier invalidations, mprotect, fork and
 * COW breaks), migrate.ts (VRAM ⇄ host migration, eviction, CPU faults), gpu-fault.ts (device accesses and
 * GPU retry faults).
 */
export class HmmSvmModel implements SystemModel {
  /** The per-run state (behaviour files take it; tests read it). */
  readonly st: stateMod.SvmState;

  constructor(p: HmmSvmParams, env: SystemEnv) {
    this.st = new SvmState(p, env);
  }

  residentBytes(): number {
    return (this.st.frames.used) * this.st.gran;
  }

  alloc(b: EventBatch, i: number): void {
    allocRanges(this.st, b, i);
  }

  free(b: EventBatch, i: number): void {
    freeRanges(this.st, b, i);
  }

  deviceAccess(b: EventBatch, i: number): void {
    deviceAccess(this.st, b, i);
  }

  cpuAccess(b: EventBatch, i: number): void {
    cpuAccess(this.st, b, i);
  }

  protect(b: EventBatch, i: number): void {
    protectRange(this.st, b, i);
  }

  fork(): void {
    forkWriteProtect(this.st);
  }

  prefetch(b: EventBatch, i: number): void {
    prefetchRanges(this.st, b, i);
  }

  advise(b: EventBatch, i: number): void {
    adviseRanges(this.st, b, i);
  }

  checkInvariants(): void {
    checkRangeInvariants(this.st);
  }

  finish(): Readonly<Record<string, number>> {
    const st = this.st;
    return {
      notifierCallbacks: st.notifierCallbacks,
      mmCallbacks: st.mmCallbacks,
      notifiersRegistered: st.notifiersRegistered,
      svmRangesPeak: st.rangesPeak,
      droppedFaults: st.droppedFaults,
      droppedFaultWaitNs: st.droppedFaultWaitNs,
      queueEvictions: st.queueEvictions,
      queueStallNs: st.queueStallNs,
      cowBreaks: st.cowBreaks,
      evictedUnits: st.evictedUnits,
      hostMetadataBytes: (st.env.platform.device.memory.capacityBytes / PAGE) * 64,
      ignoredAdvice: st.ignoredAdvice,
    };
  }
}
