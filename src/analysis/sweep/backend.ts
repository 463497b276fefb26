import type { RunResult } from '../../sim/run-types';
import type { TaskPool, TaskRunner } from './pool';
import type { SweepPoint } from './expand';

/**
 * One sweep point resolved for running: its `specHash` (the key of result files: a row with this hash is
 * not run again) and the task sent to the runner — plain data, cloned to worker threads (except points of
 * in-memory traces, which run in the main thread).
 */
export interface PreparedRun {
  readonly index: number;
  readonly specHash: string;
  readonly task: unknown;
  /** Estimated cost (the trace's events): runs are started most expensive first (`PoolOptions.cost`). */
  readonly cost?: number;
  /**
   * Runs of one class share a learned time per unit of `cost` (`PoolOptions.costClass`); the sim backend
   * uses the system item, whose time per event differs several-fold between systems.
   */
  readonly costClass?: string;
}

/**
 * What a sweep needs from the simulator: resolve points (main thread, before anything runs, so bad input
 * fails fast with exit 2 and resumed runs are recognised by hash) and a task module that runs one prepared
 * task (`runTask(task, ctx) → RunResult`), loaded in this thread or in each worker thread.
 */
export interface SweepBackend {
  prepare(points: readonly SweepPoint[], opts?: PrepareOptions): Promise<PreparedRun[]>;
  /** Absolute path of the module exporting `runTask: TaskRunner<task, RunResult>` (loaded by worker threads). */
  readonly module: string;
  /** That module's `runTask`, statically imported, for runs in this thread (see `PoolOptions.runner`). */
  readonly runTask?: TaskRunner<any, RunResult>;
}

/** What `prepare` is told about the sweep. */
export interface PrepareOptions {
  readonly signal?: AbortSignal;
  /** Worker threads the tasks will run on (tasks for more than 1 must be cloneable). */
  readonly workers?: number;
  /** The sweep's pool, already started: distinct traces are prepared on it in parallel. */
  readonly pool?: TaskPool;
}

/** A finished sweep run: the simulator's result and the point it came from. */
export type SweepRunResult = RunResult & { readonly point: SweepPoint };
