import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { handOutOrder, runPool, startPool } from '../../../src/analysis/sweep/pool';
import { expandSweep } from '../../../src/analysis/sweep/expand';
import { GmemlabError } from '../../../src/log/diagnostic';
import type { RunResult } from '../../../src/sim/run-types';
import { fixtureBackend } from './fixture-backend';
import { countingTasks } from './counting-task';

const MODULE = join(__dirname, 'fixture-backend.ts');
const COUNTING = join(__dirname, 'counting-task.ts');

async function tasks(spinMs = 0, failOn?: string) {
  const pts = expandSweep({ traces: ['t'], systems: ['a', 'b', 'c', 'd', 'e'] });
  return (await fixtureBackend(spinMs, failOn).prepare(pts)).map((p) => p.task);
}

async function collect(workers: number, spinMs = 0): Promise<string[]> {
  const out: string[] = [];
  await runPool<unknown, RunResult>(await tasks(spinMs), { workers, module: MODULE, onDone: (i, r) => (out[i] = JSON.stringify(r)) });
  return out;
}

test('worker threads load TypeScript task modules and return the same results as the main thread', async () => {
  const inThread = await collect(1);
  const onWorkers = await collect(2);
  assert.equal(inThread.length, 5);
  assert.deepEqual(onWorkers, inThread);
});

test('an internal error in a task rejects the pool with the task index and the worker stack', async () => {
  for (const workers of [1, 2]) {
    await assert.rejects(
      runPool(await tasks(0, 'c'), { workers, module: MODULE, onDone: () => {} }),
      (e: Error) => /fixture failure on c/.test(e.message) && !(e instanceof GmemlabError),
    );
  }
});

test('aborting stops every worker: the pool rejects with the abort reason after terminating them, not after their tasks finish', async () => {
  // each task needs 10^7 steps (minutes of CPU): if the pool waited for them, they would be marked finished
  const c = countingTasks(4, 10_000_000);
  const ac = new AbortController();
  const reason = new Error('stop');
  const done: number[] = [];
  const started: number[] = [];
  const p = runPool(c.tasks, {
    workers: 2,
    module: COUNTING,
    signal: ac.signal,
    onStart: (i) => started.push(i),
    onDone: (i) => done.push(i),
    onProgress: () => ac.abort(reason), // abort once a task is known to be running (event order, not a delay)
  });
  await assert.rejects(p, (e) => e === reason);
  assert.deepEqual(done, []);
  // onStart reports a task's start in its thread; a worker's report may still be on its way when the pool ends
  assert.ok(started.length >= 1 && started.every((i) => i === 0 || i === 1), `two workers, only the two tasks handed out before the abort started (${started})`);
  for (const slot of [0, 1, 2, 3]) assert.equal(c.finished(slot), false, `task ${slot} did not run to its end`);
  assert.ok(c.stepsDone(0) + c.stepsDone(1) >= 1, 'a task was running when the pool was aborted');
  assert.equal(c.stepsDone(2) + c.stepsDone(3), 0, 'tasks not started never ran');
  // the threads are gone: their step counters no longer move
  const frozen = [c.stepsDone(0), c.stepsDone(1)];
  for (let k = 0; k < 20; k++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual([c.stepsDone(0), c.stepsDone(1)], frozen, 'worker threads were terminated, not left running');
});

test('aborting the in-thread pool stops the running task at its next check', async () => {
  const c = countingTasks(2, 10_000_000);
  const ac = new AbortController();
  const started: number[] = [];
  const p = runPool(c.tasks, {
    workers: 1,
    module: COUNTING,
    signal: ac.signal,
    onStart: (i) => started.push(i),
    onDone: () => {},
    onProgress: (_i, step) => {
      if (step === 3) ac.abort(new Error('stop'));
    },
  });
  await assert.rejects(p, /stop/);
  // the abort came during step 3's progress report; the task checks the signal right after it
  assert.equal(c.stepsDone(0), 3);
  assert.equal(c.finished(0), false);
  assert.deepEqual(started, [0], 'the next task is not started');
  assert.equal(c.stepsDone(1), 0);
});

test('tasks are handed out most expensive first when costs are given (ties in index order), else in index order', () => {
  assert.deepEqual(handOutOrder(5, (i) => [3, 9, 3, 1, 9][i]!), [1, 4, 0, 2, 3]);
  assert.deepEqual(handOutOrder(4), [0, 1, 2, 3]);
  assert.deepEqual(handOutOrder(3, (i) => [Number.NaN, 2, 1][i]!), [1, 2, 0], 'a cost that is not a number counts as 0');
});

test('a worker thread still booting is given no task: this thread takes it', async () => {
  const { runTask } = await import('./thread-task');
  // started and run in one synchronous stretch, so the worker thread cannot have reported ready yet
  const pool = startPool(2, join(__dirname, 'thread-task.ts'), runTask as never);
  try {
    const ran: number[] = [];
    await pool.run([{}], { onDone: (i, t) => (ran[i] = t as number) });
    assert.deepEqual(ran, [0], 'ran on this thread (id 0), not handed to the booting worker');
  } finally {
    await pool.close();
  }
});

test('while two tasks per thread are left, a worker thread gets its next task queued behind the running one', async () => {
  // two worker threads (no runner here), six tasks in index order: the first thread to be ready is handed 0
  // and, with 5 ≥ 2 × 2 left, 1 as well (below 4 left, hand-outs are one at a time)
  const ran = new Map<number, number>();
  await runPool([{}, {}, {}, {}, {}, {}], { workers: 2, module: join(__dirname, 'thread-task.ts'), onDone: (i, t) => ran.set(i, t as number) });
  assert.equal(ran.size, 6);
  assert.equal(ran.get(1), ran.get(0), 'task 1 was queued on the thread running task 0');
});

test('one thread starts tasks in cost order; results keep their task index', async () => {
  const c = countingTasks(4, 1);
  const started: number[] = [];
  const done = new Map<number, number>();
  await runPool(c.tasks, { workers: 1, module: COUNTING, cost: (i) => [10, 40, 20, 30][i]!, onStart: (i) => started.push(i), onDone: (i, r) => done.set(i, r as number) });
  assert.deepEqual(started, [1, 3, 2, 0]);
  assert.deepEqual([...done.keys()].sort(), [0, 1, 2, 3]);
  for (const slot of [0, 1, 2, 3]) assert.equal(c.finished(slot), true);
});

test("a run with another task module uses it on every thread of a started pool (this thread's runner included)", async () => {
  const { runTask: fixtureRunTask } = await import('./fixture-backend');
  const pool = startPool(2, MODULE, fixtureRunTask as never);
  try {
    const c = countingTasks(4, 2);
    const { runTask: countingRunTask } = await import('./counting-task');
    const results: number[] = [];
    await pool.run(c.tasks, { module: COUNTING, runner: countingRunTask as never, onDone: (i, r) => (results[i] = r as number) });
    for (const slot of [0, 1, 2, 3]) assert.equal(c.finished(slot), true, `task ${slot} ran the counting module`);
    assert.equal(new Set(results).size, 1, 'same work, same result on every thread');
    const again: string[] = [];
    await pool.run(await tasks(), { onDone: (i, r) => (again[i] = JSON.stringify(r)) });
    assert.deepEqual(again, await collect(1), 'the pool still runs its own module afterwards');
  } finally {
    await pool.close();
  }
});
