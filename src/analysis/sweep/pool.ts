import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { GmemlabError, type Diagnostic } from '../../log/diagnostic';

/** What a task runner gets besides its task. */
export interface TaskContext {
  /** Aborted when the pool stops (SIGINT, another task's error); long tasks check it between batches. */
  readonly signal: AbortSignal;
  /** Report progress (events processed so far) of this task. */
  onProgress(eventsDone: number): void;
}

/** A task runner: the function a task module exports as `runTask`. Must be deterministic in its task. */
export type TaskRunner<T, R> = (task: T, ctx: TaskContext) => Promise<R>;

export interface PoolOptions<R> {
  /** Worker threads: ≤ 1 runs every task in this thread, one after another. */
  readonly workers: number;
  /** Absolute path of the module exporting `runTask` (a .ts file; worker threads load it through tsx). */
  readonly module: string;
  /** Stops the pool: running tasks are abandoned (worker threads terminated) and `runPool` rejects with the reason. */
  readonly signal?: AbortSignal;
  /** A task started (task index). */
  onStart?(index: number): void;
  /** A task finished, in completion order (the order can differ between runs; results must not depend on it). */
  onDone(index: number, result: R): void;
  onProgress?(index: number, eventsDone: number): void;
}

/** A task failed inside a worker thread with an internal error (bad input arrives as `GmemlabError`). */
export class TaskError extends Error {
  constructor(readonly index: number, message: string, readonly workerStack?: string) {
    super(message);
    this.name = 'TaskError';
  }
}

/** Serialised error crossing the thread boundary. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly diagnostic?: Diagnostic;
}

/** Messages from a worker thread. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly index: number; readonly eventsDone: number }
  | { readonly type: 'done'; readonly index: number; readonly result: unknown }
  | { readonly type: 'error'; readonly index: number; readonly error: WireError };

/** Rebuild an error sent by a worker: bad input stays a `GmemlabError` (exit 2), the rest is internal. */
export function fromWire(index: number, e: WireError): Error {
  if (e.diagnostic) return new GmemlabError(e.diagnostic);
  const err = new TaskError(index, `${e.name}: ${e.message}`, e.stack);
  if (e.stack) err.stack = `${e.stack}\n    (in worker thread, task ${index})`;
  return err;
}

/** Serialise an error for the thread boundary. */
export function toWire(e: unknown): WireError {
  if (e instanceof GmemlabError) return { name: e.name, message: e.message, diagnostic: e.diagnostic };
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, stack: err.stack };
}

const WORKER_ENTRY = join(__dirname, 'worker.ts');

/**
 * Run tasks on a pool of worker threads (or in this thread). Each worker thread registers tsx's CommonJS
 * hook itself (an `eval` bootstrap that `require`s tsx by absolute path), so it works the same under the
 * CLI, `node --test` and a tslab kernel, whatever loader flags the parent process had. Tasks are handed out
 * in index order, one at a time per worker; results arrive through `onDone`. The first failing task stops the
 * pool (other workers are terminated) and `runPool` rejects with its error; so does an abort.
 */
export async function runPool<T, R>(tasks: readonly T[], opts: PoolOptions<R>): Promise<void> {
  if (tasks.length === 0) return;
  if (opts.workers <= 1) return runInThread(tasks, opts);
  return runOnWorkers(tasks, opts);
}

async function runInThread<T, R>(tasks: readonly T[], opts: PoolOptions<R>): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(opts.module) as { runTask: TaskRunner<T, R> };
  const ac = new AbortController();
  const onAbort = (): void => ac.abort(opts.signal!.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (let i = 0; i < tasks.length; i++) {
      if (ac.signal.aborted) throw ac.signal.reason;
      opts.onStart?.(i);
      const result = await mod.runTask(tasks[i]!, { signal: ac.signal, onProgress: (n) => opts.onProgress?.(i, n) });
      if (ac.signal.aborted) throw ac.signal.reason;
      opts.onDone(i, result);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function runOnWorkers<T, R>(tasks: readonly T[], opts: PoolOptions<R>): Promise<void> {
  const n = Math.min(opts.workers, tasks.length);
  const workers: Worker[] = [];
  const retiring = new Set<Worker>();
  let next = 0;
  let finished = 0;
  let settled = false;
  return new Promise<void>((resolve, reject) => {
    const stop = (err: unknown): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      Promise.allSettled(workers.map((w) => w.terminate())).then(() => reject(err));
    };
    const onAbort = (): void => stop(opts.signal!.reason ?? new Error('aborted'));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const feed = (w: Worker): void => {
      if (settled) return;
      if (next >= tasks.length) {
        retiring.add(w);
        void w.terminate();
        return;
      }
      const index = next++;
      opts.onStart?.(index);
      w.postMessage({ type: 'task', index, task: tasks[index] });
    };
    const tsxApi = require.resolve('tsx/cjs/api');
    for (let k = 0; k < n; k++) {
      const w = new Worker(`require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(WORKER_ENTRY)});`, {
        eval: true,
        execArgv: [],
        workerData: { module: opts.module },
        stdout: false,
        stderr: false,
      });
      workers.push(w);
      w.on('message', (m: WorkerMessage) => {
        if (settled) return;
        if (m.type === 'progress') opts.onProgress?.(m.index, m.eventsDone);
        else if (m.type === 'error') stop(fromWire(m.index, m.error));
        else {
          try {
            opts.onDone(m.index, m.result as R);
          } catch (e) {
            return stop(e);
          }
          finished++;
          if (finished === tasks.length) {
            settled = true;
            opts.signal?.removeEventListener('abort', onAbort);
            Promise.allSettled(workers.map((x) => x.terminate())).then(() => resolve());
          } else feed(w);
        }
      });
      w.on('error', (e) => stop(e));
      w.on('exit', (code) => {
        if (!settled && !retiring.has(w)) stop(new Error(`a sweep worker thread exited (code ${code}) before finishing its run`));
      });
      feed(w);
    }
  });
}
