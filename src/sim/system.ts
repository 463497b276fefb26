import type { DiagnosticLog } from '../log/collector';
import type { LinkTimeline } from '../model/link-timeline';
import type { ParamDoc, ParamValue } from '../params';
import type { Platform } from '../profiles/types';
import type { EventBatch } from '../trace/batch';
import type { SimClock } from './clock';
import type { Counters } from './counters';
import type { Reporter } from './reporter';
import type { ResultEventLog } from './result-events';
import type { Rng } from './rng';

/** One row of a batch handed to a system hook. Hot path: a hook allocates nothing per call. */
export type RowHook = (b: EventBatch, i: number) => void;

/**
 * The hooks a memory-management system model implements, one per operation family (docs/architecture.md §4).
 *
 * The engine (src/sim/engine.ts) owns the loop: it charges compute time from the trace, routes each row by op
 * and agent to the hook below, and does everything common once — copy replay, unsupported-op and
 * single-device reporting, the `events`/`accesses` counters, the residency series and the debug invariant
 * checks. A system holds only its own semantics.
 *
 * Routing rules (per row, in trace order):
 * - `beforeRow` (when present) runs first, for every row: close an open batch that this row ends, or settle
 *   work whose time has come (uvm's fault batch, gpuvm's bind submission, iommu's flush queue).
 * - `access` by the CPU → `cpuAccess`; by `dev0` (or by any device when `allDevices`) → `deviceAccess`; by
 *   another device → a single-device error reported by the engine (`sim/reporter.ts`).
 * - `copy` without a destination address (the application's own cudaMemcpy as Nsight/Kineto/rocprof record it)
 *   → replayed by the engine for every system alike and counted in `explicitCopies`/`explicitCopyBytes`
 *   (`replayExplicitCopy`); the `copy` hook only sees copies that have a destination address.
 * - `copy` without a `copy` hook → replayed by the engine as a link transfer on `env.link` (sim/copy-replay.ts).
 * - `kernel_begin`, `kernel_end`, `marker` without a hook → nothing (their compute time is the engine's).
 * - every other op without a hook → counted in `extra.unsupportedOps` with one warning (the key is added to
 *   `finish()`'s record, last, whenever some op family has no hook).
 * Trace content must never make a hook throw (decision E): modelled failures go to `env.report`.
 */
export interface SystemModel {
  /** Serve every device agent (`dev0`, `dev1`, …) instead of `dev0` only. */
  readonly allDevices?: boolean;
  /** Called before every row is routed. */
  beforeRow?(b: EventBatch, i: number): void;
  /**
   * A speed hint, never semantics: read (and only read) what rows `from` … `to − 1` of `b` will look up, so
   * that those cache misses overlap before the rows are routed one by one. Called by the engine ahead of
   * every `WARM_ROWS` rows; a model must not change any state of its semantics here (results are the same
   * without it), but may keep what it looked up for `deviceHits`.
   */
  warmRows?(b: EventBatch, from: number, to: number): void;
  /**
   * A fast path with the semantics of `deviceAccess`: serve rows `from`, `from + 1`, … of `b` as long as each is
   * an access row the engine would route to `deviceAccess` (op `access`, a device agent, at most the platform's
   * memory in bytes) that the model serves as a hit: no simulated time charged, no counter or result changed
   * (recency and dirty bits may change), the clock not read. Returns the first row it did not serve
   * (`from` ≤ k ≤ `to`); the engine then does each served row's own bookkeeping (compute time, access count,
   * series samples) in row order and routes row k as usual. Results are the same as without the hook.
   * The engine calls it only for rows `[from, to)` inside the window of its last `warmRows(b, ·, ≥ to)` call,
   * with no other batch in between, so a model may reuse the lookups `warmRows` made there.
   */
  deviceHits?(b: EventBatch, from: number, to: number): number;
  deviceAccess?(b: EventBatch, i: number): void;
  cpuAccess?(b: EventBatch, i: number): void;
  alloc?(b: EventBatch, i: number): void;
  free?(b: EventBatch, i: number): void;
  reserve?(b: EventBatch, i: number): void;
  release?(b: EventBatch, i: number): void;
  map?(b: EventBatch, i: number): void;
  unmap?(b: EventBatch, i: number): void;
  prefetch?(b: EventBatch, i: number): void;
  advise?(b: EventBatch, i: number): void;
  protect?(b: EventBatch, i: number): void;
  fork?(b: EventBatch, i: number): void;
  copy?(b: EventBatch, i: number): void;
  kernelBegin?(b: EventBatch, i: number): void;
  kernelEnd?(b: EventBatch, i: number): void;
  marker?(b: EventBatch, i: number): void;
  /** Device-resident bytes right now, summed over devices (for the residency series). */
  residentBytes(): number;
  /**
   * Debug mode only (tests): throw if an invariant is broken (frames in use ≤ capacity, each unit in exactly
   * one state, bytes conserved, pinned never evicted, …). Called after every event when `env.debug`, and once
   * more after `finish`. A model whose full check grows with the address space may spread it over several rows
   * (sim/invariant-budget.ts `InvariantBudget`), but the call after `finish` must check everything.
   */
  checkInvariants?(): void;
  /** End of trace: settle outstanding work and return the system's `extra` counters (deterministic key order). */
  finish(): Readonly<Record<string, number>>;
}

/** Services and resolved inputs a system gets at creation (all owned by the engine, one set per run). */
export interface SystemEnv {
  /** The resolved platform; `platform.device.memory.capacityBytes` is the capacity to use (after `--oversub`). */
  readonly platform: Platform;
  readonly clock: SimClock;
  readonly counters: Counters;
  readonly events: ResultEventLog;
  readonly log: DiagnosticLog;
  /** Reports modelled failures (unmapped access, OOM, bad free, …) the same way for every system. */
  readonly report: Reporter;
  /** The host–device link in simulated time: the system's migrations and the engine's copy replay share it. */
  readonly link: LinkTimeline;
  /** Seeded from the run's seed; the only source of randomness. */
  readonly rng: Rng;
  /** Check invariants after every event. */
  readonly debug: boolean;
  /** Trace name for messages. */
  readonly traceName: string;
  /**
   * Bytes the trace's accesses are expected to touch (the touched footprint of the trace facts, else its
   * allocated footprint; 0 when unknown): a sizing hint for tables that would otherwise grow by copying
   * (GmemState's logical table). Never semantics: a result must not depend on it.
   */
  readonly touchedBytesHint: number;
}

/**
 * A system model definition. `P` is a flat record of parameters (policy decisions: unit size, batch size,
 * thresholds, victim order, prefetch choice); hardware costs are never parameters (they are profile fields).
 */
export interface SystemDef<P extends Record<string, ParamValue> = Record<string, ParamValue>> {
  /** Model id, e.g. `gmem`, `uvm` (also the name in the model's warnings). */
  readonly name: string;
  /**
   * Model revision: an integer starting at 1, bumped whenever the model's semantics change (what it charges,
   * counts or decides for the same input). Recorded in every result's provenance and included in `specHash`,
   * so a resumed sweep never mixes rows computed by two model versions (docs/architecture.md §6).
   */
  readonly revision: number;
  readonly summary: string;
  readonly defaults: Readonly<P>;
  readonly params: Readonly<Record<keyof P & string, ParamDoc>>;
  /** Optional cross-parameter validation of a resolved parameter set: return a problem text, or undefined. */
  validate?(params: Readonly<P>): string | undefined;
  /**
   * Optional: the smallest piece of device memory the model takes at once with these (validated) parameters
   * (its migration unit or allocation granule), for run planning: a device smaller than one unit can hold
   * nothing, so every run ends `oom` (`run.oversub-below-unit`, src/run/normalize.ts). Absent when the model
   * takes device memory by the byte. Never semantics: the model's own code decides what it allocates.
   */
  deviceUnit?(params: Readonly<P>): DeviceUnit;
  create(params: Readonly<P>, env: SystemEnv): SystemModel;
}

/** A model's device-memory unit (`SystemDef.deviceUnit`). */
export interface DeviceUnit {
  readonly bytes: number;
  /** What it is, e.g. `migration unit`. */
  readonly what: string;
  /** The parameter that sets it, e.g. `unitBytes` (absent for a fixed size). */
  readonly param?: string;
}

/**
 * A named preset: what `--system` items name (`gmem-linux`, `gmem-paper`, `uvm`, …). Several presets may
 * share one model with different parameters ("parameters, not forks").
 */
export interface SystemPreset {
  readonly name: string;
  readonly summary: string;
  readonly def: SystemDef<any>;
  /** Overrides of `def.defaults` for this preset. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Platform used when no `--profile` is given (e.g. `x97-sim` for gmem-paper). */
  readonly defaultProfile?: string;
}
