/**
 * Worker-thread side of the fuzz runner (src/fuzz/runner.ts): loads the job module named in `workerData`
 * (default: `run-job.ts`), says `ready`, then runs one job per message and answers with its outcome. The
 * runner's watchdog terminates the thread when an answer is late (an in-process loop cannot be pre-empted),
 * so a hang costs one thread, never the run.
 *
 * Exceptions that escape a job asynchronously (a stream callback, a timer) would otherwise kill the thread
 * unattributed; they are caught here and reported with the next answer: those raised while a job ran belong
 * to it (`lateDuring`), those raised between jobs to the previous one (`lateBefore`). A `flush` message
 * collects the stragglers of the last job.
 */
import { parentPort, workerData } from 'node:worker_threads';

interface JobMessage {
  readonly id: number;
  readonly job?: unknown;
  readonly path?: string;
  readonly flush?: boolean;
}

interface Late {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

let late: Late[] = [];
const record = (e: unknown): void => {
  const err = e instanceof Error ? e : new Error(String(e));
  late.push({ name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
};
process.on('uncaughtException', record);
process.on('unhandledRejection', record);

const mod = require((workerData as { module: string }).module) as { runFuzzJob(job: unknown, path: string): Promise<unknown> };
parentPort!.on('message', (m: JobMessage) => {
  const lateBefore = late;
  late = [];
  if (m.flush) {
    // let timers and I/O callbacks of the last job run first
    setTimeout(() => {
      const before = lateBefore.concat(late);
      late = [];
      parentPort!.postMessage({ id: m.id, outcome: null, lateBefore: before, lateDuring: [] });
    }, 20);
    return;
  }
  const answer = (outcome: unknown): void => {
    const lateDuring = late;
    late = [];
    parentPort!.postMessage({ id: m.id, outcome, lateBefore, lateDuring });
  };
  // runFuzzJob never rejects; a substitute module's rejection is a crash of its job, not a silent hang
  mod.runFuzzJob(m.job, m.path!).then(answer, (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    answer({ status: 'crash', name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
  });
});
parentPort!.postMessage({ ready: true });
