/**
 * Entry of a sweep worker thread (started by `runPool`, after the bootstrap set up the TypeScript loader):
 * loads the task module named in `workerData.module` (or in a task's `module`, loaded once on first use) and
 * runs the tasks it is sent, one at a time in arrival order, posting their start, progress (at most every 100 ms),
 * and the result (with the task's time in this thread) or the error.
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
port.postMessage({ type: 'ready' } satisfies WorkerMessage); // the pool gives this thread tasks from now on
const never = new AbortController().signal; // the parent terminates the thread to stop a task

type TaskMessage = { type: 'task'; index: number; task: unknown; module?: string };
// tasks run one at a time, in the order they arrive (the pool may send the next one before this one ends)
const queue: TaskMessage[] = [];
let busy = false;
port.on('message', (m: TaskMessage) => {
  queue.push(m);
  if (!busy) void drain();
});

async function drain(): Promise<void> {
  busy = true;
  for (let m = queue.shift(); m !== undefined; m = queue.shift()) await runOne(m);
  busy = false;
}

async function runOne(m: TaskMessage): Promise<void> {
  let last = 0;
  const post = (msg: WorkerMessage): void => port.postMessage(msg);
  post({ type: 'start', index: m.index });
  const t0 = performance.now();
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
    post({ type: 'done', index: m.index, result, ms: performance.now() - t0 });
  } catch (e) {
    post({ type: 'error', index: m.index, error: toWire(e) });
  }
}
