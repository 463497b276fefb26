import * as costMod from '../../model/cost';
import type { UnitCosts } from '../../model/cost';
import { FramePool } from '../../model/frame-pool';
import { IdPool } from '../../model/id-pool';
import { IntervalSet } from '../../model/interval-set';
import type { LinkTimeline } from '../../model/link-timeline';
import { grown } from '../../io/typed-arrays';
import * as pageMask from '../../model/page-mask';
import { createUnitIndex, type UnitIndex } from '../../model/unit-index';
import { evictionPolicy } from '../../policies/index';
import type { EvictionPolicy } from '../../policies/types';
import * as clockMod from '../../sim/clock';
import * as ev from '../../trace/event';
import { Allocations } from '../shared/allocations';
import type { Reporter } from '../../sim/reporter';
import type { SystemEnv } from '../../sim/system';
import { driverMaxRangeBytes, type HmmSvmParams } from './params';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { unitCosts } = costMod;
const { maskWords } = pageMask;
const { Cause } = clockMod;
const { Flag } = ev;

/** The device agent this model serves. */
export const DEV = 1;
export const PAGE = 4096;
export const MANAGED = Flag.managed | Flag.peer_shared;
export const HOSTKIND = Flag.host | Flag.pinned_host;
/** Unit locations. */
export const NONE = 0;
export const HOST = 1;
export const VRAM = 2;

/**
 * The state of one hmm-svm run, shared by the files of this model (one object per run): the process's
 * allocations, its SVM ranges (`struct svm_range` in kfd_svm.c: bounds, attributes, validation time, GPU
 * mapping count), the 2 MiB migration units (location, GPU mapping, COW page mask), the VRAM frames with their
 * eviction policy, and the `extra` counters. Functions in ranges.ts, notifier.ts, migrate.ts and gpu-fault.ts
 * take it first; model.ts holds one and delegates the SystemModel hooks to them.
 */
export class SvmState {
  readonly c: UnitCosts;
  readonly notifierNs: number;
  readonly gran: number;
  readonly maxRange: number;
  readonly words: number;
  readonly allocs = new Allocations();
  readonly link: LinkTimeline;
  readonly rep: Reporter;
  // SVM ranges
  readonly ranges = new IntervalSet<number>();
  readonly rangeIds = new IdPool(64);
  rStart: Float64Array = new Float64Array(64);
  rEnd: Float64Array = new Float64Array(64);
  rValidNs: Float64Array = new Float64Array(64);
  rPref: Uint8Array = new Uint8Array(64);
  rInPlace: Uint8Array = new Uint8Array(64);
  rMapped: Int32Array = new Int32Array(64);
  // units (2 MiB migration granules)
  readonly unitIndex: UnitIndex = createUnitIndex(1024);
  readonly unitIds = new IdPool(256);
  uKey: Float64Array = new Float64Array(256);
  uLoc: Uint8Array = new Uint8Array(256);
  uMapped: Uint8Array = new Uint8Array(256);
  uFrame: Int32Array = new Int32Array(256);
  uRange: Int32Array = new Int32Array(256);
  uRefs: Int32Array = new Int32Array(256);
  uReadonly: Uint8Array = new Uint8Array(256);
  uCow: Uint32Array = new Uint32Array(256 * 16);
  uCowAny: Uint8Array = new Uint8Array(256);
  // device memory
  readonly frames: FramePool;
  readonly policy: EvictionPolicy;
  busyRange = -1;
  hostBytes = 0;
  /** Bytes of live `device` allocations (ranges.ts `deviceAlloc`), held as the `WIRED` frames `wiredFrames`. */
  deviceAllocBytes = 0;
  readonly wiredFrames: number[] = [];
  /** Allocation ids of `device` allocations that got no VRAM (their free releases nothing). */
  readonly failedDeviceAllocs = new Set<number>();
  queuesEvictedUntilNs = 0;
  // extra
  notifierCallbacks = 0;
  /** scope=mm: callbacks of the mm-wide notifier for invalidations outside every SVM range. */
  mmCallbacks = 0;
  notifiersRegistered = 0;
  rangesPeak = 0;
  droppedFaults = 0;
  droppedFaultWaitNs = 0;
  queueEvictions = 0;
  queueStallNs = 0;
  cowBreaks = 0;
  evictedUnits = 0;
  ignoredAdvice = 0;

  constructor(readonly p: HmmSvmParams, readonly env: SystemEnv) {
    const plat = env.platform;
    this.gran = p.granularityBytes;
    this.words = maskWords(this.gran / PAGE);
    this.uCow = new Uint32Array(256 * this.words);
    this.maxRange = p.maxRangeBytes === 0 ? Math.max(driverMaxRangeBytes(plat.device.memory.capacityBytes), this.gran) : p.maxRangeBytes;
    this.c = unitCosts(plat, this.gran);
    this.notifierNs = plat.host.notifierNs;
    this.link = env.link;
    this.rep = env.report;
    this.frames = new FramePool(Math.floor(plat.device.memory.capacityBytes / this.gran));
    const def = evictionPolicy(p.victim);
    if (!def) throw new Error(`hmm-svm: unknown victim policy ${p.victim}`);
    this.policy = def.create(def.defaults, {
      slots: Math.max(1, this.frames.frames),
      rng: env.rng.fork(),
      isEvictable: (f) => {
        const u = this.frames.holder[f]!;
        return u >= 0 && this.uRange[u] !== this.busyRange;
      },
    });
  }

  // ---- growth ---------------------------------------------------------------------------------------------

  growRanges(): void {
    const n = this.rStart.length * 2;
    this.rStart = grown(this.rStart, n);
    this.rEnd = grown(this.rEnd, n);
    this.rValidNs = grown(this.rValidNs, n);
    this.rPref = grown(this.rPref, n);
    this.rInPlace = grown(this.rInPlace, n);
    this.rMapped = grown(this.rMapped, n);
    this.rangeIds.ensure(n);
  }

  growUnits(): void {
    const n = this.uKey.length * 2;
    this.uKey = grown(this.uKey, n, -1);
    this.uLoc = grown(this.uLoc, n);
    this.uMapped = grown(this.uMapped, n);
    this.uFrame = grown(this.uFrame, n, -1);
    this.uRange = grown(this.uRange, n, -1);
    this.uRefs = grown(this.uRefs, n);
    this.uReadonly = grown(this.uReadonly, n);
    this.uCowAny = grown(this.uCowAny, n);
    this.uCow = grown(this.uCow, n * this.words);
    this.unitIds.ensure(n);
  }

  /** Bytes of unit `u` inside its range (units are clipped to the range). */
  unitBytes(u: number): number {
    const r = this.uRange[u]!;
    const a = this.uKey[u]! * this.gran;
    return Math.min(a + this.gran, this.rEnd[r]!) - Math.max(a, this.rStart[r]!);
  }

  /** One GPU page-table update of a range (`svm_range_map_to_gpus`). */
  mapOp(): void {
    this.env.counters.mapOps++;
    this.env.clock.charge(Cause.map, this.c.peerMapNs);
  }
}
