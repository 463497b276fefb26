import { simulate } from '../../sim/engine';
import { planRuns } from '../../run/run';
import type { RunResult } from '../../sim/run-types';
import { systemPreset } from '../../systems/index';
import type { SimTask } from './sim-backend';
import { taskTrace } from './trace-cache';
import type { TaskContext } from './pool';

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
