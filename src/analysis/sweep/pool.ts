import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { GmemlabError, type Diagnostic } from '../../log/diagnostic';
import { workerBootstrap } from '../../io/worker-bootstrap';
import { CostSchedule } from './schedule';

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
  /** Tasks run at a time (see `startPool`): ≤ 1 runs every task in this thread, one after another. */
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
  /**
   * Estimated cost of each task (any unit, e.g. trace events): tasks are handed out most expensive first
   * (ties in index order), so the long ones do not end up last with one thread busy and the others idle
   * (longest-processing-time-first list scheduling: within 4/3 of the best finish time for independent tasks).
   * Without it, index order. Results and their `index` do not depend on the order.
   */
  readonly cost?: (index: number) => number;
  /**
   * The class of each task (e.g. a sweep run's system): the pool learns each class's time per unit of `cost`
   * from its finished tasks and hands out the longest estimated task next (schedule.ts `CostSchedule`).
   * Without it, `cost` alone orders the tasks.
   */
  readonly costClass?: (index: number) => string;
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
  /** The thread has loaded its task module: it is given tasks from now on. */
  | { readonly type: 'ready' }
  | { readonly type: 'start'; readonly index: number }
  | { readonly type: 'progress'; readonly index: number; readonly eventsDone: number }
  /** `ms`: the task's time in the worker thread (from its start, not from when it was queued). */
  | { readonly type: 'done'; readonly index: number; readonly result: unknown; readonly ms?: number }
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
export type RunOptions<R> = Omit<PoolOptions<R>, 'workers' | 'module' | 'runner'> & {
  /**
   * Run this batch with another task module than the pool's (absolute path of a module exporting `runTask`;
   * worker threads load it on first use), and `runner` its `runTask` for this thread. The sweep prepares its
   * traces this way, on the threads that then run the simulations.
   */
  readonly module?: string;
  readonly runner?: TaskRunner<any, any>;
};

/**
 * Start a pool that runs up to `parallel` tasks at a time. With a `runner` (the task module's `runTask`,
 * statically imported by the caller) this thread is one of them and `parallel − 1` worker threads are the
 * others: one thread fewer to boot and warm up, and this thread's compiled code is reused. Without one, all
 * `parallel` are worker threads (`parallel ≤ 1`: this thread, requiring `module`).
 *
 * Worker threads load the project's TypeScript as this thread does (`workerBootstrap`: the same compiled
 * build under the CLI and a tslab kernel, tsx under `node --test`), whatever loader flags the parent had.
 * They boot as soon as the pool is created.
 */
export function startPool(parallel: number, module: string, runner?: TaskRunner<any, any>): TaskPool {
  const n = Math.max(1, Math.floor(parallel));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const main = runner ?? (n <= 1 ? (require(module) as { runTask: TaskRunner<any, any> }).runTask : undefined);
  return new MixedPool(main ? n - 1 : n, module, main);
}

/**
 * Run tasks on a pool (see `startPool`). Tasks are handed out one at a time to whichever thread is free, in
 * index order or, with `cost` (and `costClass`), longest estimated first; results arrive through `onDone` in completion order. The first failing task stops the pool
 * (worker threads are terminated, a run in this thread stops at its next check) and `runPool` rejects with
 * its error; so does an abort (with the signal's reason).
 */
export async function runPool<T, R>(tasks: readonly T[], opts: PoolOptions<R>): Promise<void> {
  const pool = startPool(Math.min(opts.workers, tasks.length), opts.module, opts.runner);
  try {
    await pool.run(tasks, opts);
  } finally {
    await pool.close();
  }
}

/** This thread (when it has a runner) plus `workerCount` worker threads, fed from one queue. */
class MixedPool implements TaskPool {
  private readonly workers: Worker[] = [];
  private closed = false;
  /** Handlers of the current `run` (workers outlive runs). */
  private onMessage?: (w: Worker, m: WorkerMessage) => void;
  private onFailure?: (e: unknown) => void;
  private onReady?: (w: Worker) => void;
  /**
   * Worker threads that have booted (loaded their task module). Only these are given tasks: until a thread
   * is ready, this thread (and the ready ones) take the tasks, so a sweep never waits on a booting thread
   * (≈ 0.3 s of CPU, seconds on a busy machine) for work another thread could have started.
   */
  private readonly ready = new Set<Worker>();

  constructor(workerCount: number, module: string, private readonly main?: TaskRunner<any, any>) {
    if (workerCount <= 0) return;
    const bootstrap = workerBootstrap(WORKER_ENTRY);
    for (let k = 0; k < workerCount; k++) {
      const w = new Worker(bootstrap, {
        eval: true,
        execArgv: [],
        workerData: { module },
      });
      w.on('message', (m: WorkerMessage) => {
        if (m.type !== 'ready') return this.onMessage?.(w, m);
        this.ready.add(w);
        this.onReady?.(w);
      });
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
      let finished = 0;
      let settled = false;
      const local = new AbortController(); // stops a run in this thread
      const end = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        this.onMessage = undefined;
        this.onFailure = undefined;
        this.onReady = undefined;
        opts.signal?.removeEventListener('abort', onAbort);
        local.abort(err ?? new Error('pool run ended'));
        if (err === undefined) resolve();
        else void this.close().then(() => reject(err));
      };
      const onAbort = (): void => end(opts.signal!.reason ?? new Error('aborted'));
      const schedule = new CostSchedule(tasks.length, opts.cost, opts.costClass);
      const startedAt = new Float64Array(tasks.length);
      const take = (): number | undefined => {
        const index = settled ? undefined : schedule.next();
        if (index !== undefined) startedAt[index] = performance.now();
        return index;
      };
      const done = (index: number, result: R, ms?: number): void => {
        schedule.finished(index, ms ?? performance.now() - startedAt[index]!);
        try {
          opts.onDone(index, result);
        } catch (e) {
          return end(e);
        }
        if (++finished === tasks.length) end();
      };
      // A worker thread holds its running task and, while at least two tasks per thread are left and the others'
      // estimated work covers it (CostSchedule.worthHolding), the next one (queued in the thread): it starts that
      // one as soon as it finishes, instead of waiting for this thread to take its message (this thread may be
      // simulating, answering only every ~50 ms). Near the end a worker holds one task at a time, so a queued
      // task cannot keep another thread idle.
      const threads = this.workers.length + (this.main ? 1 : 0);
      const held = new Map<Worker, number>();
      const want = (): number => (schedule.remaining >= 2 * threads && schedule.worthHolding(threads) ? 2 : 1);
      const feed = (w: Worker): void => {
        while ((held.get(w) ?? 0) < want()) {
          const index = take();
          if (index === undefined) return;
          held.set(w, (held.get(w) ?? 0) + 1);
          w.postMessage({ type: 'task', index, task: tasks[index], ...(opts.module !== undefined ? { module: opts.module } : {}) });
        }
      };
      this.onFailure = (e) => end(e);
      this.onMessage = (w, m) => {
        if (settled) return;
        if (m.type === 'start') return opts.onStart?.(m.index);
        if (m.type === 'progress') return opts.onProgress?.(m.index, m.eventsDone);
        if (m.type === 'error') return end(fromWire(m.index, m.error));
        if (m.type !== 'done') return;
        held.set(w, (held.get(w) ?? 1) - 1);
        done(m.index, m.result as R, m.ms);
        if (!settled) feed(w);
      };
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.onReady = feed;
      for (const w of this.workers) if (this.ready.has(w)) feed(w);
      const here = opts.runner ?? (opts.module !== undefined ? (require(opts.module) as { runTask: TaskRunner<T, R> }).runTask : this.main);
      if (this.main && here) void this.runHere(here as TaskRunner<T, R>, tasks, opts, take, done, end, local.signal);
    });
  }

  /** The loop of this thread: take a task, run it (the engine yields every ~50 ms so messages and signals get through). */
  private async runHere<T, R>(
    runner: TaskRunner<T, R>,
    tasks: readonly T[],
    opts: RunOptions<R>,
    take: () => number | undefined,
    done: (index: number, result: R) => void,
    end: (err?: unknown) => void,
    signal: AbortSignal,
  ): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve)); // let pending messages and SIGINT handlers run
      const index = take();
      if (index === undefined) return;
      opts.onStart?.(index);
      let result: R;
      try {
        result = await runner(tasks[index]!, { signal, onProgress: (n) => opts.onProgress?.(index, n) });
      } catch (e) {
        return end(signal.aborted ? signal.reason : e); // after an abort the pool already ended with its reason
      }
      if (signal.aborted) return;
      done(index, result);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.workers.map((w) => w.terminate()));
  }
}

/**
 * The order tasks are handed out in when nothing is learned on the way (no `costClass`): by `cost` descending
 * (ties and missing costs in index order), or index order without one.
 */
export function handOutOrder(n: number, cost?: (index: number) => number): number[] {
  const s = new CostSchedule(n, cost);
  const order: number[] = [];
  for (let i = s.next(); i !== undefined; i = s.next()) order.push(i);
  return order;
}
