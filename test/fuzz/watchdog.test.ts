import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { JobThread } from '../../src/fuzz/watchdog';
import type { FuzzJob } from '../../src/fuzz/targets';

const MODULE = join(__dirname, 'fixtures', 'misbehaving-job.ts');
const job = (behaviour: string): FuzzJob => ({ target: 't', kind: 'import', strict: true, options: { behaviour } });

test('the watchdog terminates a job stuck in a synchronous loop, reports a hang, and the next job runs on a fresh thread', async () => {
  const thread = new JobThread({ module: MODULE });
  try {
    assert.equal((await thread.run(job('fine'), 'a', 60_000)).outcome.status, 'ok', 'boot time does not count against the bound');
    const t0 = Date.now();
    const hung = (await thread.run(job('hang'), 'b', 300)).outcome;
    assert.equal(hung.status, 'hang');
    assert.ok(Date.now() - t0 < 10_000, 'the hang is cut at its bound, not waited out');
    assert.equal((await thread.run(job('fine'), 'c', 60_000)).outcome.status, 'ok');
  } finally {
    await thread.close();
  }
});

test('an exception is a crash with its stack; one raised asynchronously after the answer is a crash of that job', async () => {
  const thread = new JobThread({ module: MODULE });
  try {
    const thrown = (await thread.run(job('throw'), 'a', 60_000)).outcome;
    assert.equal(thrown.status, 'crash');
    assert.equal(thrown.status === 'crash' && thrown.name, 'TypeError');
    assert.match(thrown.status === 'crash' ? thrown.stack ?? '' : '', /misbehaving-job/);
    // answers ok, then throws from a timer: reported with the next job, as a crash of the previous one
    const lateJob = await thread.run(job('late-throw'), 'b', 60_000);
    assert.equal(lateJob.outcome.status, 'ok');
    await new Promise((r) => setTimeout(r, 200));
    const next = await thread.run(job('fine'), 'c', 60_000);
    assert.equal(next.outcome.status, 'ok');
    assert.equal(next.previous.length, 1);
    assert.match(next.previous[0]!.message, /late failure on b/);
    // and the last job's stragglers are collected by flush()
    await thread.run(job('late-throw'), 'd', 60_000);
    const late = await thread.flush();
    assert.equal(late.length, 1);
    assert.match(late[0]!.message, /late failure on d/);
  } finally {
    await thread.close();
  }
});
