import { dirname, resolve } from 'node:path';
import type { ColumnTable } from 'arquero';
import type { RunResult } from '../sim/run-types';
import { flattenRun, statusOf } from './flatten';
import type { RunStatus } from '../sim/run-status';
import type { PreparedRun, SweepBackend, SweepRunResult } from './sweep/backend';
import { expandSweep, type SweepPoint } from './sweep/expand';
import { startPool, type TaskPool } from './sweep/pool';
import { progress } from '../display/progress';
import { inKernel } from '../display/kernel-display';
import { clearTraceCache } from './sweep/trace-cache';
import { readResultRows, resultsFormatOf, ResultRows } from './sweep/results-file';
import { checkSweepSpec, loadSweepSpec, type SweepSpec } from './sweep/spec';
import { lockResults } from './sweep/results-lock';
import { prepareOutputFile } from '../io/atomic';
import { formatDiagnosticLine, type Diagnostic } from '../log/diagnostic';
import type { HeldLock } from '../io/lock';

/** Progress of a sweep, reported on every start, finish and progress tick of a run. */
export interface SweepProgress {
  /** Distinct runs of the sweep (after removing duplicates). */
  readonly total: number;
  /** Runs found in the results file and not run again. */
  readonly resumed: number;
  /** Runs finished in this call. */
  readonly done: number;
  /** Points running now. */
  readonly running: readonly SweepPoint[];
  /** Events processed by the running points so far. */
  readonly eventsRunning: number;
  /** The point that just finished (on a finish event). */
  readonly finished?: SweepPoint;
  /** Wall time of that run, ms. */
  readonly finishedWallMs?: number;
  /** Status of that run (`ok`, `oom`, `error`; src/sim/run-status.ts). */
  readonly finishedStatus?: RunStatus;
  readonly elapsedMs: number;
}

/** Options of `sweep` (all optional). */
export interface SweepOptions {
  /**
   * Runs at a time (default 1): this thread plus `workers − 1` worker threads. Results do not depend on it.
   */
  readonly workers?: number;
  /**
   * Results file (`.csv` or `.json`). Runs whose `specHash` it already holds are not run again (resume); it
   * is rewritten atomically after every finished run, so an interruption loses only the runs in progress.
   */
  readonly output?: string;
  /** Folder relative trace paths are resolved against (default: the sweep file's folder, else the current one). */
  readonly baseDir?: string;
  /** Stop the sweep (SIGINT): running runs are abandoned; `sweep` resolves with `interrupted: true`. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
  /**
   * Show a progress bar (src/display/progress.ts: updated in place in a notebook, on stderr in a terminal). Default:
   * on inside a notebook kernel, off elsewhere (the CLI draws its own).
   */
  readonly progress?: boolean;
  /** The simulator behind the sweep (default: gmemlab's `run()`); tests and notebooks may pass their own. */
  readonly backend?: SweepBackend;
  /** Warnings (a stale results lock taken over: `sweep.lock-taken-over`); default: printed on stderr. */
  readonly onWarning?: (d: Diagnostic) => void;
  /** The command line recorded in the results file's lock (default: this process's argv). */
  readonly command?: string;
}

/** What `sweep` returns: the expansion, this call's results, one table of every run with a result, and counts. */
export interface SweepOutcome {
  /** Every point of the expansion, in order. */
  readonly points: readonly SweepPoint[];
  /** Runs simulated by this call, in point order (with series; resumed runs are only in `table`). */
  readonly results: readonly SweepRunResult[];
  /** One row per distinct run of the sweep that has a result (resumed and new), in point order. */
  readonly table: ColumnTable;
  readonly total: number;
  readonly resumed: number;
  readonly simulated: number;
  /** Points that resolved to the same run as an earlier point (run once). */
  readonly duplicates: number;
  /** Rows of the results file that belong to no point of this sweep (kept, after the sweep's rows). */
  readonly foreignRows: number;
  readonly interrupted: boolean;
  /** Points without a result (interrupted before they finished). */
  readonly pending: readonly SweepPoint[];
  readonly wallMs: number;
  readonly output?: string;
}

/**
 * Run a sweep: expand it (`expandSweep`), resolve every point (bad input fails before anything runs), skip
 * runs already in the results file, simulate the rest on `workers` threads, and collect one table.
 * Deterministic: the table, the results and the results file are byte-identical for any worker count and
 * across repeated or resumed runs (rows in point order; wall-clock times are never recorded in them).
 *
 * @example const out = await sweep('datasets/sweeps/ml-oversub.json', { workers: 2, output: 'out/ml.csv' })
 */
export async function sweep(spec: SweepSpec | string, opts: SweepOptions = {}): Promise<SweepOutcome> {
  try {
    return await sweepImpl(spec, opts);
  } finally {
    clearTraceCache();
  }
}

async function sweepImpl(spec: SweepSpec | string, opts: SweepOptions): Promise<SweepOutcome> {
  const t0 = Date.now();
  const fromFile = typeof spec === 'string';
  // gmemlab's names are checked where they are written only for gmemlab's own simulator (a backend may have its own)
  const names = opts.backend === undefined;
  const checked = fromFile ? loadSweepSpec(spec, { names }) : checkSweepSpec(spec, undefined, [], { names });
  const baseDir = opts.baseDir ?? (fromFile ? dirname(resolve(spec)) : process.cwd());
  const points = expandSweep(checked, { baseDir });
  const workers = Math.max(1, Math.floor(opts.workers ?? 1));
  let lock: HeldLock | undefined;
  if (opts.output) {
    resultsFormatOf(opts.output);
    // before anything is read or run: -o must be a regular file or absent (never a FIFO or device), its
    // folder is created (`-o out/sweeps/x.csv` in a fresh clone), and no other sweep may be writing it
    prepareOutputFile(opts.output);
    const warn = opts.onWarning ?? ((d: Diagnostic) => void process.stderr.write(`${formatDiagnosticLine(d)}\n`));
    lock = lockResults(opts.output, opts.command ?? process.argv.slice(1).join(' '), warn);
  }
  try {
    const existing = opts.output ? readResultRows(opts.output) : new ResultRows();
    const backend = opts.backend ?? (await defaultBackend());
    // worker threads boot (≈ 1–2 s each) while this thread resolves the points; this thread then runs too
    const pool = startPool(Math.min(workers, points.length), backend.module, backend.runTask);
    try {
      const label = `sweep ${checked.name ?? (fromFile ? spec : `of ${points.length} points`)}`;
      let prepared: PreparedRun[];
      try {
        prepared = await backend.prepare(points, { signal: opts.signal, workers, pool });
      } catch (e) {
        if (opts.signal?.aborted && e === opts.signal.reason) return interruptedBeforeRuns(points, existing, opts, t0);
        throw e;
      }
      return await runPrepared(points, prepared, existing, pool, opts, t0, label);
    } finally {
      await pool.close();
    }
  } finally {
    // released on return, on error and after an interruption (the CLI's SIGINT/SIGTERM handler aborts the
    // sweep, which returns here); a forced exit (second signal) releases it in src/io/lock.ts's exit hook
    lock?.release();
  }
}

async function runPrepared(points: readonly SweepPoint[], prepared: readonly PreparedRun[], existing: ResultRows, pool: TaskPool, opts: SweepOptions, t0: number, label: string): Promise<SweepOutcome> {
  // distinct runs in point order; the first point of each hash represents it
  const firstOf = new Map<string, PreparedRun>();
  for (const p of prepared) if (!firstOf.has(p.specHash)) firstOf.set(p.specHash, p);
  const distinct = [...firstOf.values()];
  const todo = distinct.filter((p) => !existing.has(p.specHash));
  const resumed = distinct.length - todo.length;
  const sweepHashes = new Set(distinct.map((p) => p.specHash));
  const foreign = existing.all().filter((r) => !sweepHashes.has(String(r.specHash)));

  const newRows = new Map<string, ReturnType<typeof flattenRun>>();
  const results = new Map<number, SweepRunResult>();
  const compose = (): ResultRows => {
    const rows = new ResultRows();
    for (const p of distinct) {
      const r = newRows.get(p.specHash) ?? existing.get(p.specHash);
      if (r) rows.add(r);
    }
    for (const r of foreign) rows.add(r);
    return rows;
  };

  const running = new Map<number, number>(); // todo index → events done
  let done = 0;
  const showBar = opts.progress ?? inKernel();
  const bar = showBar && todo.length > 0 ? progress(todo.length, `${label}: runs`) : undefined;
  const report = (finished?: SweepPoint, finishedWallMs?: number, finishedStatus?: RunStatus): void => {
    if (finished) bar?.tick();
    if (!opts.onProgress) return;
    let eventsRunning = 0;
    for (const n of running.values()) eventsRunning += n;
    opts.onProgress({ total: distinct.length, resumed, done, running: [...running.keys()].map((i) => points[todo[i]!.index]!), eventsRunning, finished, finishedWallMs, ...(finishedStatus ? { finishedStatus } : {}), elapsedMs: Date.now() - t0 });
  };
  const started = new Map<number, number>();
  let interrupted = false;
  try {
    await pool.run<unknown, RunResult>(todo.map((p) => p.task), {
      signal: opts.signal,
      cost: (i) => todo[i]!.cost ?? 0,
      costClass: (i) => todo[i]!.costClass ?? '',
      onStart: (i) => {
        running.set(i, 0);
        started.set(i, Date.now());
        report();
      },
      onProgress: (i, n) => {
        running.set(i, n);
        report();
      },
      onDone: (i, result) => {
        const point = points[todo[i]!.index]!;
        const r: SweepRunResult = { ...result, point };
        results.set(point.index, r);
        newRows.set(todo[i]!.specHash, flattenRun(r));
        running.delete(i);
        done++;
        if (opts.output) compose().write(opts.output);
        report(point, Date.now() - (started.get(i) ?? t0), statusOf(r));
      },
    });
  } catch (e) {
    if (!(opts.signal?.aborted && e === opts.signal.reason)) throw e;
    interrupted = true;
  } finally {
    bar?.done();
  }
  const rows = compose();
  if (opts.output && !interrupted) rows.write(opts.output);
  const sweepRows = new ResultRows();
  for (const r of rows.all()) if (sweepHashes.has(String(r.specHash))) sweepRows.add(r);
  const haveHash = new Set(sweepRows.all().map((r) => String(r.specHash)));
  return {
    points,
    results: [...results.keys()].sort((a, b) => a - b).map((k) => results.get(k)!),
    table: sweepRows.table(),
    total: distinct.length,
    resumed,
    simulated: done,
    duplicates: prepared.length - distinct.length,
    foreignRows: foreign.length,
    interrupted,
    pending: prepared.filter((p) => !haveHash.has(p.specHash)).map((p) => points[p.index]!),
    wallMs: Date.now() - t0,
    ...(opts.output ? { output: opts.output } : {}),
  };
}

/** The outcome of a sweep interrupted while its points were being resolved: nothing ran, nothing was written. */
function interruptedBeforeRuns(points: readonly SweepPoint[], existing: ResultRows, opts: SweepOptions, t0: number): SweepOutcome {
  return {
    points,
    results: [],
    table: new ResultRows().table(),
    total: points.length,
    resumed: 0,
    simulated: 0,
    duplicates: 0,
    foreignRows: existing.size,
    interrupted: true,
    pending: points,
    wallMs: Date.now() - t0,
    ...(opts.output ? { output: opts.output } : {}),
  };
}

async function defaultBackend(): Promise<SweepBackend> {
  // loaded on first use (require, not import(): the CLI registers tsx for CommonJS only)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./sweep/sim-backend') as typeof import('./sweep/sim-backend')).simBackend;
}

export { expandSweep, presetOf, type SweepPoint, type TraceRef, type ExpandOptions } from './sweep/expand';
export { checkSweepSpec, loadSweepSpec, parseSweepSpec, type SweepSpec, type TraceSpec, type TraceFileSpec, type TraceWorkloadSpec } from './sweep/spec';
export { loadResults, readResultRows, ResultRows, type ResultsFormat } from './sweep/results-file';
export type { SweepBackend, PreparedRun, SweepRunResult } from './sweep/backend';
