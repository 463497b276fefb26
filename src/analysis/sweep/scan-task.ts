import type { TaskContext } from './pool';
import type { TraceRef } from './expand';
import { scanAndShare, TRACE_CACHE_MAX_EVENTS, type ScannedTrace } from './trace-cache';

/**
 * The task of preparing one trace of a sweep (sim-backend.ts `prepare`): read it once — generate a workload,
 * or import a file — for the scan (footprint, digest, agents) and, when small enough, a copy in shared memory.
 * Run on the sweep's pool, so distinct traces are prepared on all threads at once instead of one after another
 * in the main thread. The result crosses the thread boundary: the scan is plain data and the shared copy's
 * columns are SharedArrayBuffers (shared, not copied).
 */
export interface ScanTask {
  readonly source: TraceRef;
}

/** Prepare one trace (see `ScanTask`). */
export function runTask(task: ScanTask, ctx: TaskContext): Promise<ScannedTrace> {
  return scanAndShare(task.source, TRACE_CACHE_MAX_EVENTS, ctx.signal);
}
