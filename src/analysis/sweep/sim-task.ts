import { simulate } from '../../sim/engine';
import { planRuns, type TraceScan } from '../../run/run';
import type { RunResult } from '../../sim/run-types';
import type { RunSpec } from '../../run/run-spec';
import { systemPreset } from '../../systems/index';
import { taskTrace } from './trace-cache';
import type { TaskContext } from './pool';
import type { TraceRef } from './expand';
import type { SharedTrace } from './shared-trace';

/**
 * The task of one sweep run, prepared by `simBackend` (sim-backend.ts) and run by `runTask`: the trace reference, the run spec `gmemlab
 * run` would get for one system item (scaled profile fields already turned into `--set` values), the trace
 * scan (footprint, digest, agents) so the worker does not read the trace twice, and the expected specHash.
 */
export interface SimTask {
  /** Identifies the trace within this sweep (for per-thread caching). */
  readonly traceKey: string;
  /** The trace source (left out for an in-memory trace going to worker threads: it travels as `shared`). */
  readonly source?: TraceRef;
  /** The trace in shared memory when it is small enough (`TRACE_CACHE_MAX_EVENTS`). */
  readonly shared?: SharedTrace;
  readonly spec: RunSpec;
  readonly scan: TraceScan;
  readonly specHash: string;
}

/**
 * Run one sweep task (in the main thread or a worker thread): resolve the spec against the prepared scan and
 * simulate. The resolved run must hash to the prepared `specHash` — a mismatch would mean the two threads
 * resolve differently, which would break resuming, so it is an internal error.
 */
export async function runTask(task: SimTask, ctx: TaskContext): Promise<RunResult> {
  const t = await taskTrace(task.traceKey, task.source, task.shared);
  const [run] = planRuns(task.spec, task.scan);
  if (run!.specHash !== task.specHash) throw new Error(`sweep: run resolved to specHash ${run!.specHash} in the worker but ${task.specHash} when prepared`);
  return simulate(run!, systemPreset(run!.preset)!.def, t, { signal: ctx.signal, onProgress: ctx.onProgress });
}
