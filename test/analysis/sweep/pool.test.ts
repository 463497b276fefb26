import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runPool } from '../../../src/analysis/sweep/pool';
import { expandSweep } from '../../../src/analysis/sweep/expand';
import { GmemlabError } from '../../../src/log/diagnostic';
import type { RunResult } from '../../../src/sim/run-types';
import { fixtureBackend } from './fixture-backend';

const MODULE = join(__dirname, 'fixture-backend.ts');

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

test('aborting stops every worker promptly and rejects with the abort reason', async () => {
  const ac = new AbortController();
  const reason = new Error('stop');
  const done: number[] = [];
  const t0 = Date.now();
  const p = runPool(await tasks(2000), { workers: 2, module: MODULE, signal: ac.signal, onDone: (i) => done.push(i) });
  setTimeout(() => ac.abort(reason), 200);
  await assert.rejects(p, (e) => e === reason);
  assert.ok(Date.now() - t0 < 1500, 'workers were terminated, not waited for');
  assert.deepEqual(done, []);
});

test('aborting the in-thread pool stops the running task at its next check', async () => {
  const ac = new AbortController();
  const p = runPool(await tasks(2000), { workers: 1, module: MODULE, signal: ac.signal, onDone: () => {} });
  setTimeout(() => ac.abort(new Error('stop')), 100);
  const t0 = Date.now();
  await assert.rejects(p, /stop/);
  assert.ok(Date.now() - t0 < 1500);
});
