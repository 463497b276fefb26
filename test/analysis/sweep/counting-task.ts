/**
 * A task module for the pool's abort tests that makes its progress observable as state, not time: each task
 * runs `steps` steps of CPU work and records, in a SharedArrayBuffer the test also holds, how many steps it
 * has done (slot 2·i) and whether it finished (slot 2·i + 1). Shared memory crosses the thread boundary
 * unchanged, so the test sees what worker threads did without asking them.
 */
import type { TaskContext } from '../../../src/analysis/sweep/pool';

export interface CountingTask {
  readonly slot: number;
  readonly steps: number;
  /** Int32 pairs: steps done, finished (0/1). */
  readonly counters: SharedArrayBuffer;
}

/** `n` tasks of `steps` steps each, sharing one counter buffer. */
export function countingTasks(n: number, steps: number): { tasks: CountingTask[]; stepsDone: (slot: number) => number; finished: (slot: number) => boolean } {
  const counters = new SharedArrayBuffer(8 * n);
  const view = new Int32Array(counters);
  return {
    tasks: Array.from({ length: n }, (_, slot) => ({ slot, steps, counters })),
    stepsDone: (slot) => Atomics.load(view, 2 * slot),
    finished: (slot) => Atomics.load(view, 2 * slot + 1) === 1,
  };
}

export async function runTask(task: CountingTask, ctx: TaskContext): Promise<number> {
  const view = new Int32Array(task.counters);
  let n = 0;
  for (let step = 1; step <= task.steps; step++) {
    for (let k = 0; k < 2e4; k++) n = (n * 31 + k) >>> 0;
    Atomics.store(view, 2 * task.slot, step);
    ctx.onProgress(step);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await new Promise((r) => setImmediate(r));
  }
  Atomics.store(view, 2 * task.slot + 1, 1);
  return n;
}
