import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerBootstrap } from '../io/worker-bootstrap';
import type { FuzzOutcome } from './run-job';
import type { FuzzJob } from './targets';

/** What one input did, as seen from outside its thread: the job's own outcome, or a hang. */
export type WatchedOutcome = FuzzOutcome | { readonly status: 'hang'; readonly ms: number };

/** A crash that was not the answer of a job: an asynchronous exception, or the death of an idle thread. */
export type LateCrash = Extract<FuzzOutcome, { status: 'crash' }>;

/** A job's outcome plus the late crashes of the job before it (found when this one started). */
export interface JobResult {
  readonly outcome: WatchedOutcome;
  /** Crashes raised after the previous job answered: they belong to the previous input. */
  readonly previous: readonly LateCrash[];
}

interface Late {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

function crashOf(l: Late): LateCrash {
  return { status: 'crash', name: l.name, message: l.message, ...(l.stack ? { stack: l.stack } : {}) };
}

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
  private pending?: { id: number; resolve: (r: JobResult) => void };
  /** The thread died while idle: a crash of the previous job, reported with the next result. */
  private idleDeath: LateCrash[] = [];

  constructor(private readonly opts: JobThreadOptions = {}) {}

  private boot(): Promise<void> {
    if (this.ready) return this.ready;
    const w = new Worker(workerBootstrap(WORKER_ENTRY), {
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
      const onMessage = (m: { ready?: boolean; id?: number; outcome?: FuzzOutcome | null; lateBefore?: Late[]; lateDuring?: Late[] }): void => {
        if (m.ready) return resolve();
        if (this.pending && m.id === this.pending.id) {
          const p = this.pending;
          this.pending = undefined;
          const during = (m.lateDuring ?? []).map(crashOf);
          // an exception that escaped the job asynchronously is a crash of that job, whatever it answered
          const outcome: WatchedOutcome = m.outcome === null ? { status: 'ok', rows: 0, warnings: {} } : during.length && m.outcome!.status !== 'crash' ? during[0]! : m.outcome!;
          p.resolve({ outcome, previous: (m.lateBefore ?? []).map(crashOf) });
        }
      };
      const onDeath = (e: unknown): void => {
        const err = e instanceof Error ? e : new Error(`worker thread exited with code ${String(e)}`);
        this.discard();
        reject(err);
        const crash: LateCrash = { status: 'crash', name: (err as NodeJS.ErrnoException).code ?? err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
        const p = this.pending;
        this.pending = undefined;
        if (p) p.resolve({ outcome: crash, previous: [] });
        else this.idleDeath.push(crash);
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

  /** Run one job; resolves with its outcome (a crash of the thread, or a hang after `timeoutMs`). */
  async run(job: FuzzJob, path: string, timeoutMs: number): Promise<JobResult> {
    return this.send({ job, path }, timeoutMs);
  }

  /** Collect late crashes of the last job (asynchronous exceptions, an idle thread's death). */
  async flush(): Promise<readonly LateCrash[]> {
    if (!this.worker && this.idleDeath.length === 0) return [];
    const r = await this.send({ flush: true }, 30_000);
    return [...r.previous, ...(r.outcome.status === 'crash' ? [r.outcome] : [])];
  }

  private async send(msg: { job?: FuzzJob; path?: string; flush?: boolean }, timeoutMs: number): Promise<JobResult> {
    const died = this.idleDeath;
    this.idleDeath = [];
    if (msg.flush && !this.worker) return { outcome: { status: 'ok', rows: 0, warnings: {} }, previous: died };
    await this.boot();
    const w = this.worker!;
    const id = this.nextId++;
    const started = Date.now();
    const r = await new Promise<JobResult>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        const dead = this.discard();
        void dead?.terminate();
        resolve({ outcome: { status: 'hang', ms: Date.now() - started }, previous: [] });
      }, timeoutMs);
      this.pending = {
        id,
        resolve: (res) => {
          clearTimeout(timer);
          resolve(res);
        },
      };
      w.postMessage({ id, ...msg });
    });
    return died.length ? { outcome: r.outcome, previous: [...died, ...r.previous] } : r;
  }

  /** Stop the thread. */
  async close(): Promise<void> {
    const w = this.discard();
    if (w) await w.terminate();
  }
}
