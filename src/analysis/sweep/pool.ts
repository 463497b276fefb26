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

/** Options of `runPool`. */
export interface PoolOptions<R> {
  /** Worker threads: ≤ 1 runs every task in this thread, one after another. */
  readonly workers: number;
  /** Absolute path of the module exporting `runTask` (a .ts file; worker threads load it through tsx). */
  readonly module: string;
  /**
   * The same `runTask`, already loaded, for running in this thread. Prefer it: a runtime `require` of a .ts
   * file fails under tslab (which compiles imports itself), and a static import shares module state (e.g.
   * presets a notebook registered) with the caller.
   */
  readonly runner?: TaskRunner<any, any>;
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

/** A started pool: worker threads boot as soon as it is created, so callers can overlap boot with other work. */
export interface TaskPool {
  /** Run tasks (see `runPool`); one `run` at a time. */
  run<T, R>(tasks: readonly T[], opts: RunOptions<R>): Promise<void>;
  /** Stop every worker thread (idempotent). */
  close(): Promise<void>;
}

/** `PoolOptions` without the pool's own settings. */
export type RunOptions<R> = Omit<PoolOptions<R>, 'workers' | 'module' | 'runner'>;

/**
 * Start a pool of `workers` threads (≤ 1: tasks run in this thread) loading `module`. Each worker thread
 * registers tsx's CommonJS hook itself (an `eval` bootstrap that `require`s tsx by absolute path), so it
 * works the same under the CLI, `node --test` and a tslab kernel, whatever loader flags the parent had.
 */
export function startPool(workers: number, module: string, runner?: TaskRunner<any, any>): TaskPool {
  return workers <= 1 ? new ThreadPool(module, runner) : new WorkerPool(Math.floor(workers), module);
}

/**
 * Run tasks on a pool of worker threads (or in this thread). Tasks are handed out in index order, one at a
 * time per worker; results arrive through `onDone`. The first failing task stops the pool (other workers are
 * terminated) and `runPool` rejects with its error; so does an abort (with the signal's reason).
 */
export async function runPool<T, R>(tasks: readonly T[], opts: PoolOptions<R>): Promise<void> {
  const pool = startPool(Math.min(opts.workers, tasks.length), opts.module, opts.runner);
  try {
    await pool.run(tasks, opts);
  } finally {
    await pool.close();
  }
}

class ThreadPool implements TaskPool {
  constructor(private readonly module: string, private readonly runner?: TaskRunner<any, any>) {}

  async run<T, R>(tasks: readonly T[], opts: RunOptions<R>): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = this.runner ? { runTask: this.runner as TaskRunner<T, R> } : (require(this.module) as { runTask: TaskRunner<T, R> });
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(opts.signal!.reason);
    if (opts.signal?.aborted) throw opts.signal.reason;
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (let i = 0; i < tasks.length; i++) {
        await new Promise<void>((resolve) => setImmediate(resolve)); // let a pending SIGINT handler run
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

  async close(): Promise<void> {}
}

class WorkerPool implements TaskPool {
  private readonly workers: Worker[] = [];
  private closed = false;
  /** Handler of the current `run` (workers outlive runs). */
  private onMessage?: (w: Worker, m: WorkerMessage) => void;
  private onFailure?: (e: unknown) => void;

  constructor(n: number, module: string) {
    const tsxApi = require.resolve('tsx/cjs/api');
    for (let k = 0; k < n; k++) {
      const w = new Worker(`require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(WORKER_ENTRY)});`, {
        eval: true,
        execArgv: [],
        workerData: { module },
      });
      w.on('message', (m: WorkerMessage) => this.onMessage?.(w, m));
      w.on('error', (e) => this.onFailure?.(e));
      w.on('exit', (code) => {
        if (!this.closed) this.onFailure?.(new Error(`a sweep worker thread exited (code ${code}) before the sweep ended`));
      });
      this.workers.push(w);
    }
  }

  run<T, R>(tasks: readonly T[], opts: RunOptions<R>): Promise<void> {
    if (tasks.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let settled = false;
      const end = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        this.onMessage = undefined;
        this.onFailure = undefined;
        opts.signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else void this.close().then(() => reject(err));
      };
      const onAbort = (): void => end(opts.signal!.reason ?? new Error('aborted'));
      const feed = (w: Worker): void => {
        if (settled || next >= tasks.length) return;
        const index = next++;
        opts.onStart?.(index);
        w.postMessage({ type: 'task', index, task: tasks[index] });
      };
      this.onFailure = (e) => end(e);
      this.onMessage = (w, m) => {
        if (m.type === 'progress') return opts.onProgress?.(m.index, m.eventsDone);
        if (m.type === 'error') return end(fromWire(m.index, m.error));
        try {
          opts.onDone(m.index, m.result as R);
        } catch (e) {
          return end(e);
        }
        if (++finished === tasks.length) end();
        else feed(w);
      };
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      for (const w of this.workers) feed(w);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.workers.map((w) => w.terminate()));
  }
}
