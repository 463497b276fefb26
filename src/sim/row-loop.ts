import { CPU, NO_AGENT, Op } from '../trace/event';
import type { EventBatch } from '../trace/batch';
import { Cause, type SimClock } from './clock';
import { replayExplicitCopy } from './copy-replay';
import type { Counters } from './counters';
import type { MigrationSizeRecorder } from './migration-sizes';
import type { Reporter } from './reporter';
import type { SeriesSampler } from './series';
import type { RowHook, SystemEnv } from './system';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): the per-row loop reads local copies.
const OP_ACCESS = Op.access;
const OP_KERNEL_BEGIN = Op.kernelBegin;
const OP_KERNEL_END = Op.kernelEnd;
const OP_MARKER = Op.marker;
const OP_COPY = Op.copy;
const OP_PREFETCH = Op.prefetch;
const NONE = NO_AGENT;
const AGENT_CPU = CPU;
const DEV0 = 1;
const C_COMPUTE = Cause.compute;
/** Rows a `warmRows` call covers: enough misses in flight at once, few enough lines to stay in the first caches. */
export const WARM_ROWS = 64;
/**
 * With pause points on, the loop also returns right after a routed row that brings the bytes of the rows routed
 * since the last pause point to this: a model's work follows a row's bytes (units touched, freed or prefetched),
 * and 256 rows of 1 GiB each at 4 KiB units took ~10 s, during which an abort (SIGINT, SIGTERM) went unseen.
 * 256 MiB is 65,536 units of 4 KiB: some tens of milliseconds of model work.
 */
export const PAUSE_AFTER_BYTES = 256 * 1024 * 1024;

/** What the row loop calls: the model's hooks, bound once per run (engine.ts `routeRows`). */
export interface RowRoutes {
  /** Indexed by op code (`access` is routed by agent instead). */
  readonly hooks: readonly RowHook[];
  readonly cpuAccess: RowHook;
  readonly deviceAccess: RowHook;
  readonly beforeRow: RowHook | undefined;
  /** The model's `warmRows` hint (system.ts), bound; undefined when it has none. */
  readonly warmRows: ((b: EventBatch, from: number, to: number) => void) | undefined;
  /** The model's `deviceHits` fast path (system.ts), bound; undefined when it has none or it cannot apply. */
  readonly deviceHits: ((b: EventBatch, from: number, to: number) => number) | undefined;
  readonly residentBytes: () => number;
  /** Called after every row when set (debug runs). */
  readonly checkInvariants: (() => void) | undefined;
  /** The model serves every device agent. */
  readonly allDevices: boolean;
}

/**
 * The per-row part of `simulate` (engine.ts), one instance per run: compute time from the trace, routing of
 * each row to the model's hook, migration sizes, kernel durations, debug checks and the residency series.
 *
 * It is a function of its own, apart from the run's setup and result assembly, so that its optimised code
 * depends only on the engine's own per-run objects (clock, counters, batch columns, sampler) and on the
 * model's hooks as bound functions — never on the hidden class of a model, a resolved run or a platform.
 * One process runs many models (`npm run bench`, sweeps); when a class seen in a function's feedback is later
 * deprecated (a field's representation generalised by another run) and no longer met, V8 aborts every
 * optimisation of that function ("maps became deprecated during optimization"): the loop then ran in baseline
 * code, gmem-paper as LRU at 0.09× the bare LRU kernel after the other systems had run against 0.27× alone.
 */
export class RowLoop {
  private lastTraceNs = 0;
  /** Agent of the open kernel that carries `dur_ns` (NONE: none open). */
  kernelAgent = NONE;
  kernelDurNs = 0;
  private nextSampleNs: number;
  /** Access count of the rows of the current batch processed so far. */
  accesses = 0;
  /** Bytes of the rows routed to the model since the last pause point (`PAUSE_AFTER_BYTES`). */
  private bytesSincePause = 0;
  private readonly byCause: Float64Array;

  constructor(
    private readonly clock: SimClock,
    private readonly counters: Counters,
    private readonly sizes: MigrationSizeRecorder,
    private readonly sampler: SeriesSampler,
    private readonly report: Reporter,
    private readonly env: SystemEnv,
    private readonly r: RowRoutes,
    /**
     * Return after every 256th row, and after a row that brings the bytes routed since the last such return to
     * `PAUSE_AFTER_BYTES` (cancellation points for the caller).
     */
    private readonly pausePoints: boolean,
    /**
     * The platform's device and host memory together (`maxRowBytes` in engine.ts): an access, prefetch or
     * copy row touching more than this is reported as an oom and not passed to the model.
     */
    private readonly maxRowBytes: number,
  ) {
    this.nextSampleNs = sampler.nextDueNs;
    this.byCause = clock.byCause;
  }

  /**
   * Process rows `from`, `from + 1`, … of `b`; returns the index after the last row processed: `b.length`, or,
   * when `pausePoints`, earlier — right after a row `i` with `(i & 255) === 255`, or after a routed row that brings
   * the bytes routed since the last pause point to `PAUSE_AFTER_BYTES` (the caller checks its abort signal and
   * resumes). `accesses` counts the batch's access rows (reset by the caller per batch).
   */
  rows(b: EventBatch, from: number): number {
    const clock = this.clock;
    const byCause = this.byCause;
    const counters = this.counters;
    const sizes = this.sizes;
    const r = this.r;
    const { hooks, cpuAccess, deviceAccess, beforeRow, checkInvariants } = r;
    const hasBeforeRow = beforeRow !== undefined;
    const allDevices = r.allDevices;
    const pause = this.pausePoints;
    const { op, tNs, durNs, agent, count, bytes } = b;
    const maxRowBytes = this.maxRowBytes;
    const n = b.length;
    let lastTraceNs = this.lastTraceNs;
    let accesses = this.accesses;
    const warm = r.warmRows;
    let warmEnd = warm === undefined ? n : from;
    // the hits fast path needs the warm windows (system.ts) and no per-row hook before routing
    const hits = warm === undefined || hasBeforeRow ? undefined : r.deviceHits;
    // rows [i, served) were served by the model's `deviceHits`: only their bookkeeping is left
    let served = from;
    let i = from;
    for (; i < n; i++) {
      if (i >= warmEnd) {
        warmEnd = Math.min(n, i + WARM_ROWS);
        warm!(b, i, warmEnd);
      }
      if (hits !== undefined && i >= served && op[i] === OP_ACCESS) served = hits(b, i, pause ? Math.min(warmEnd, (i | 255) + 1) : warmEnd);
      const t = tNs[i]!;
      const o = op[i]!;
      if (this.kernelAgent === NONE && t > lastTraceNs) {
        const d = t - lastTraceNs;
        clock.nowNs += d;
        byCause[C_COMPUTE]! += d;
      }
      lastTraceNs = t;
      if (i < served) {
        // a hit: no time charged, no counter changed, so nothing else of the per-row work below applies
        accesses += count[i]!;
        if (checkInvariants !== undefined) checkInvariants();
        if (clock.nowNs >= this.nextSampleNs) this.sample(i + 1, accesses);
        if (pause && (i & 255) === 255) {
          i++;
          break;
        }
        continue;
      }
      if (o === OP_ACCESS) accesses += count[i]!;
      else if (o === OP_KERNEL_BEGIN) {
        if (this.kernelAgent === NONE && !Number.isNaN(durNs[i]!)) {
          this.kernelAgent = agent[i]!;
          this.kernelDurNs = durNs[i]!;
        }
      } else if (o === OP_MARKER && !Number.isNaN(durNs[i]!)) clock.charge(C_COMPUTE, durNs[i]!);
      if (hasBeforeRow) beforeRow!(b, i);
      if (o === OP_ACCESS) {
        const a = agent[i]!;
        if (bytes[i]! > maxRowBytes) this.tooLarge(b, i);
        else if (a === AGENT_CPU) cpuAccess(b, i);
        else if (a === DEV0 || allDevices) deviceAccess(b, i);
        else this.report.singleDevice(t, a, b.va[i]!);
      } else if (o === OP_COPY && Number.isNaN(b.va[i]!)) replayExplicitCopy(this.env, b, i);
      else if ((o === OP_PREFETCH || o === OP_COPY) && bytes[i]! > maxRowBytes) this.tooLarge(b, i);
      else hooks[o]!(b, i);
      if (counters.migrationsH2D !== sizes.seenH2D || counters.migrationsD2H !== sizes.seenD2H) sizes.observe(counters);
      if (o === OP_KERNEL_END && agent[i] === this.kernelAgent) {
        clock.charge(C_COMPUTE, this.kernelDurNs);
        this.kernelAgent = NONE;
      }
      if (checkInvariants !== undefined) checkInvariants();
      if (clock.nowNs >= this.nextSampleNs) this.sample(i + 1, accesses);
      if (pause) {
        // (a row without a byte count, NaN, adds nothing)
        const by = bytes[i]!;
        if (by > 0) this.bytesSincePause += by;
        if ((i & 255) === 255 || this.bytesSincePause >= PAUSE_AFTER_BYTES) {
          this.bytesSincePause = 0;
          i++;
          break;
        }
      }
    }
    this.lastTraceNs = lastTraceNs;
    this.accesses = accesses;
    return i;
  }

  /**
   * A residency sample now, with the counters as they stand after the batch's first `rows` rows (`accesses`
   * access rows of them): the per-batch totals are added only at the batch's end (engine.ts).
   */
  private sample(rows: number, accesses: number): void {
    const counters = this.counters;
    counters.events += rows;
    counters.accesses += accesses;
    this.sampler.sample(this.clock.nowNs, counters, this.r.residentBytes());
    counters.events -= rows;
    counters.accesses -= accesses;
    this.nextSampleNs = this.sampler.nextDueNs;
  }

  /**
   * Row `i` touches more bytes than the platform has memory: no system could back every page of it (each touched
   * page lives on a device or in host memory), so it is an oom for every system alike, decided here rather than
   * by each model — whose per-unit work on such a row (2^48 bytes: 2^36 units at 4 KiB) never finished.
   */
  private tooLarge(b: EventBatch, i: number): void {
    const o = b.op[i]!;
    // the agent whose memory the row would fill: a copy's or prefetch's target (the row's agent when it names
    // none), an access's own agent
    const target = b.target[i]!;
    const agent = o === OP_ACCESS || target === NONE ? b.agent[i]! : target;
    this.report.rowExceedsMemory(b.tNs[i]!, agent, o, b.va[i]!, b.bytes[i]!, this.maxRowBytes);
  }
}
