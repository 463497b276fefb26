import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FuzzOutcome } from './run-job';
import type { FuzzJob } from './targets';

/** What one input did, as seen from outside its thread: the job's own outcome, or a hang. */
export type WatchedOutcome = FuzzOutcome | { readonly status: 'hang'; readonly ms: number };

/** Options of a `JobThread`. */
export interface JobThreadOptions {
  /** Module exporting `runFuzzJob(job, path)` (absolute path; default src/fuzz/run-job.ts). */
  readonly module?: string;
  /** Heap limit of the thread: an input that needs more is reported as a crash (out of memory). */
  readonly maxHeapMb?: number;
}

const WORKER_ENTRY = join(__dirname, 'worker.ts');
const DEFAULT_MODULE = join(__dirname, 'run-job.ts');

/**
 * One worker thread that runs fuzz jobs one at a time under a watchdog. A job that does not answer within
 * its time bound is a hang: the thread is terminated (the only way to stop a synchronous loop) and a fresh
 * one is booted for the next job. A thread that dies (uncaught asynchronous exception, heap limit) turns
 * the running job into a crash and is replaced the same way. Boot time never counts against a job: the
 * clock starts when the thread has loaded its modules.
 */
export class JobThread {
  private worker?: Worker;
  private ready?: Promise<void>;
  private nextId = 0;
  private pending?: { id: number; resolve: (o: WatchedOutcome) => void };

  constructor(private readonly opts: JobThreadOptions = {}) {}

  private boot(): Promise<void> {
    if (this.ready) return this.ready;
    const tsxApi = require.resolve('tsx/cjs/api');
    const w = new Worker(`require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(WORKER_ENTRY)});`, {
      eval: true,
      execArgv: [],
      workerData: { module: this.opts.module ?? DEFAULT_MODULE },
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb ?? 2048 },
      stdout: true,
      stderr: true,
    });
    // output of the code under test (e.g. a library warning) must not interleave with the report
    w.stdout.resume();
    w.stderr.resume();
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean; id?: number; outcome?: FuzzOutcome }): void => {
        if (m.ready) return resolve();
        if (this.pending && m.id === this.pending.id) {
          const p = this.pending;
          this.pending = undefined;
          p.resolve(m.outcome!);
        }
      };
      const onDeath = (e: unknown): void => {
        const err = e instanceof Error ? e : new Error(`worker thread exited with code ${String(e)}`);
        this.discard();
        reject(err);
        const p = this.pending;
        this.pending = undefined;
        p?.resolve({ status: 'crash', name: (err as NodeJS.ErrnoException).code ?? err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
      };
      w.on('message', onMessage);
      w.on('error', onDeath);
      w.on('exit', (code) => {
        if (this.worker === w) onDeath(code);
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  /** Forget the current thread (it is dead or being terminated); the next job boots a new one. */
  private discard(): Worker | undefined {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    return w;
  }

  /** Run one job; resolves with its outcome, a crash of the thread, or a hang after `timeoutMs`. */
  async run(job: FuzzJob, path: string, timeoutMs: number): Promise<WatchedOutcome> {
    await this.boot();
    const w = this.worker!;
    const id = this.nextId++;
    const started = Date.now();
    return new Promise<WatchedOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        const dead = this.discard();
        void dead?.terminate();
        resolve({ status: 'hang', ms: Date.now() - started });
      }, timeoutMs);
      this.pending = {
        id,
        resolve: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
      };
      w.postMessage({ id, job, path });
    });
  }

  /** Stop the thread. */
  async close(): Promise<void> {
    const w = this.discard();
    if (w) await w.terminate();
  }
}
