/**
 * Entry of a sweep worker thread (started by `runPool`, after the bootstrap set up the TypeScript loader):
 * loads the task module named in `workerData.module` (or in a task's `module`, loaded once on first use) and
 * runs the tasks it is sent, one at a time, posting progress (at most every 100 ms), the result or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWire, type TaskRunner, type WorkerMessage } from './pool';

const port = parentPort!;
const modules = new Map<string, { runTask: TaskRunner<unknown, unknown> }>();
const load = (path: string): { runTask: TaskRunner<unknown, unknown> } => {
  let mod = modules.get(path);
  if (!mod) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path) as { runTask: TaskRunner<unknown, unknown> };
    modules.set(path, mod);
  }
  return mod;
};
load((workerData as { module: string }).module);
const never = new AbortController().signal; // the parent terminates the thread to stop a task

port.on('message', async (m: { type: 'task'; index: number; task: unknown; module?: string }) => {
  let last = 0;
  const post = (msg: WorkerMessage): void => port.postMessage(msg);
  try {
    const mod = load(m.module ?? (workerData as { module: string }).module);
    const result = await mod.runTask(m.task, {
      signal: never,
      onProgress: (eventsDone) => {
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        post({ type: 'progress', index: m.index, eventsDone });
      },
    });
    post({ type: 'done', index: m.index, result });
  } catch (e) {
    post({ type: 'error', index: m.index, error: toWire(e) });
  }
});
