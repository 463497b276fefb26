import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { JobThread, type WatchedOutcome } from '../../src/fuzz/watchdog';
import type { FuzzJob } from '../../src/fuzz/targets';

const MODULE = join(__dirname, 'fixtures', 'misbehaving-job.ts');
const job = (behaviour: string): FuzzJob => ({ target: 't', kind: 'import', strict: true, options: { behaviour } });

test('the watchdog terminates a job stuck in a synchronous loop, reports a hang, and the next job runs on a fresh thread', async () => {
  const thread = new JobThread({ module: MODULE });
  try {
    assert.equal((await thread.run(job('fine'), 'a', 60_000)).outcome.status, 'ok', 'boot time does not count against the bound');
    // the watchdog's clock is faked: the hang is cut when ITS bound has elapsed on that clock, whatever the
    // machine's load; before that, nothing is reported
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    let hung: WatchedOutcome | undefined;
    try {
      const p = thread.run(job('hang'), 'b', 300).then((r) => (hung = r.outcome));
      for (let k = 0; k < 20; k++) await new Promise((r) => setImmediate(r)); // the job is sent and spinning
      mock.timers.tick(299);
      for (let k = 0; k < 20; k++) await new Promise((r) => setImmediate(r));
      assert.equal(hung, undefined, 'not reported before its bound');
      mock.timers.tick(1);
      await p;
    } finally {
      mock.timers.reset();
    }
    assert.deepEqual(hung, { status: 'hang', ms: 300 });
    assert.equal((await thread.run(job('fine'), 'c', 60_000)).outcome.status, 'ok', 'the next job runs (on a fresh thread)');
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
