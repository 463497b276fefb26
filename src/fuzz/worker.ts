/**
 * Worker-thread side of the fuzz runner (src/fuzz/runner.ts): loads the job module named in `workerData`
 * (default: `run-job.ts`), says `ready`, then runs one job per message and answers with its outcome. The
 * runner's watchdog terminates the thread when an answer is late (an in-process loop cannot be pre-empted),
 * so a hang costs one thread, never the run.
 */
import { parentPort, workerData } from 'node:worker_threads';

interface JobMessage {
  readonly id: number;
  readonly job: unknown;
  readonly path: string;
}

const mod = require((workerData as { module: string }).module) as { runFuzzJob(job: unknown, path: string): Promise<unknown> };
parentPort!.on('message', (m: JobMessage) => {
  void mod.runFuzzJob(m.job, m.path).then((outcome) => parentPort!.postMessage({ id: m.id, outcome }));
});
parentPort!.postMessage({ ready: true });
