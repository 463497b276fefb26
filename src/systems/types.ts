import type { DiagnosticLog } from '../log/collector';
import type { Platform } from '../profiles/types';
import type { SimClock } from '../sim/clock';
import type { Counters } from '../sim/counters';
import type { ResultEventLog } from '../sim/result-events';
import type { Rng } from '../sim/rng';
import type { EventBatch } from '../trace/batch';

/**
 * A memory-management system model (GMEM, UVM, HMM/SVM, explicit copy, GPUVM sparse, IOMMU DMA).
 *
 * Lifecycle: `create(params, env)` once per run → `step(batch, i)` for every trace row in order →
 * `finish()` once. The engine charges compute time from the trace before each `step`; the system charges
 * every cost it models on `env.clock` (never literals: all costs from `env.platform`), updates
 * `env.counters` per the counting rules (gmem-model.md §10, cli.md §6), and reports modelled outcomes to
 * `env.events` plus a warning to `env.log`. Trace content must never make a system throw (decision E).
 */
export interface SystemModel {
  /** Process row `i` of `b`. Hot path: no allocation per call. */
  step(b: EventBatch, i: number): void;
  /** Device-resident bytes right now, summed over devices (for the residency series). */
  residentBytes(): number;
  /**
   * Debug mode only (tests): throw if an invariant is broken (frames in use ≤ capacity, each unit in exactly
   * one state, bytes conserved, pinned never evicted, …). Called after every event when `env.debug`.
   */
  checkInvariants?(): void;
  /** End of trace: settle outstanding work and return the system's `extra` counters (deterministic key order). */
  finish(): Readonly<Record<string, number>>;
}

/** Services and resolved inputs a system gets at creation. */
export interface SystemEnv {
  /** The resolved platform; `platform.device.memory.capacityBytes` is the capacity to use (after `--oversub`). */
  readonly platform: Platform;
  readonly clock: SimClock;
  readonly counters: Counters;
  readonly events: ResultEventLog;
  readonly log: DiagnosticLog;
  /** Seeded from the run's seed; the only source of randomness. */
  readonly rng: Rng;
  /** Check invariants after every event. */
  readonly debug: boolean;
  /** Trace name for messages. */
  readonly traceName: string;
}

/** Parameter value types a system accepts (from `--set` and item syntax). */
export type ParamValue = number | boolean | string;

/** Documentation of one parameter: what it means, its unit if numeric, and allowed values if an enum. */
export interface ParamDoc {
  readonly summary: string;
  readonly unit?: 'bytes' | 'ns' | 'fraction' | 'count';
  readonly values?: readonly string[];
}

/**
 * A system model definition. `P` is a flat record of parameters (policy decisions: unit size, batch size,
 * thresholds, victim order, prefetch choice); hardware costs are never parameters (they are profile fields).
 */
export interface SystemDef<P extends Record<string, ParamValue> = Record<string, ParamValue>> {
  /** Model id, e.g. `gmem`, `uvm`. */
  readonly name: string;
  readonly summary: string;
  readonly defaults: Readonly<P>;
  readonly params: Readonly<Record<keyof P & string, ParamDoc>>;
  /** Optional cross-parameter validation of a resolved parameter set: return a problem text, or undefined. */
  validate?(params: Readonly<P>): string | undefined;
  create(params: Readonly<P>, env: SystemEnv): SystemModel;
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
