// Slurm sweeps against a real one-node Slurm cluster started on this machine (test/helpers/slurm-cluster.ts):
// byte-identity with the local backend, resuming after part of the array is cancelled, failing tasks in
// `sweep status`, and the --dry-run script submitted as is. Skipped (one line) only without root or apt.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { sweep, type SweepSpec } from '../../../src/analysis/sweep';
import { slurmSweep } from '../../../src/analysis/sweep/slurm/submit';
import { sweepStatus } from '../../../src/analysis/sweep/slurm/status';
import { readJobs, paths } from '../../../src/analysis/sweep/slurm/layout';
import { main } from '../../../src/cli/main';
import { capture } from '../../helpers/cli';
import { tempDir } from '../../helpers/temp-dir';
import { startSlurmCluster, type SlurmCluster } from '../../helpers/slurm-cluster';

// the example's shape (36 runs, OOM rows) on small traces: datasets/sweeps/example.json is paper-sized, too slow under GMEMLAB_DEBUG
const EXAMPLE = resolve(__dirname, '../../fixtures/sweeps/small-36.json');
let cluster: SlurmCluster | undefined;
let skip: string | undefined;

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: cluster!.env });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Poll squeue until no job of `jobName` is queued (bounded by polls, not by time). */
async function drain(dir: string, maxPolls = 1200): Promise<void> {
  for (let i = 0; i < maxPolls; i++) {
    if (sweepStatus(dir).queued.length === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`jobs of ${dir} still queued after ${maxPolls} polls`);
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

describe('sweeps on a one-node Slurm cluster', { concurrency: false }, () => {
  before(async () => {
    const c = await startSlurmCluster();
    if (typeof c === 'string') skip = c;
    else {
      cluster = c;
      process.env.SLURM_CONF = c.conf;
    }
  });
  after(async () => {
    await cluster?.stop();
    delete process.env.SLURM_CONF;
  });

  test('a 36-run sweep through Slurm gives the bytes of --backend local', async (t) => {
    if (skip) return t.skip(skip);
    const d = tempDir('slurm-example');
    assert.equal((await cli(['sweep', EXAMPLE, '-o', join(d, 'local.csv'), '--workers', '1'])).code, 0);
    const r = await cli(['sweep', EXAMPLE, '--backend', 'slurm', '--dir', join(d, 'sw'), '--runs-per-task', '12', '--poll-seconds', '1', '-o', join(d, 'slurm.csv')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /Submitted job \d+: 3 of 3 array tasks \(36 runs, 12 per task\)/);
    assert.equal(readFileSync(join(d, 'slurm.csv'), 'utf8'), readFileSync(join(d, 'local.csv'), 'utf8'));
    // the same command again submits nothing and rewrites the same bytes
    const again = await cli(['sweep', EXAMPLE, '--backend', 'slurm', '--dir', join(d, 'sw'), '--poll-seconds', '1', '-o', join(d, 'again.csv')]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /Nothing to submit/);
    assert.equal(readJobs(paths(join(d, 'sw'))).length, 1);
    assert.equal(readFileSync(join(d, 'again.csv'), 'utf8'), readFileSync(join(d, 'local.csv'), 'utf8'));
  });

  test('200 runs: part of the array cancelled mid-sweep, the re-run resubmits only those tasks and ends byte-identical', async (t) => {
    if (skip) return t.skip(skip);
    const d = tempDir('slurm-200');
    const spec: SweepSpec = {
      name: '200 runs',
      traces: [{ workload: 'rodinia-nw' }, { workload: 'rodinia-hotspot' }],
      systems: ['gmem-linux', 'gmem-paper'],
      profiles: ['a100-pcie4'],
      oversub: [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4],
      seeds: [0, 1, 2, 3, 4],
    };
    const local = await sweep(spec, { workers: 2, output: join(d, 'local.csv') });
    assert.equal(local.total, 200);
    const dir = join(d, 'sw');
    // held, so the cancellation below hits tasks that have certainly not run yet
    const first = await slurmSweep(spec, { dir, runsPerTask: 50, sbatchArgs: ['--hold'], wait: false });
    assert.equal(first.manifest.tasks, 4);
    const job = first.submitted!.jobId;
    sh('scancel', [`${job}_[2-3]`]);
    for (let i = 0; i < 400 && sweepStatus(dir).queued.length !== 2; i++) await new Promise((r) => setTimeout(r, 100));
    sh('scontrol', ['release', job]);
    // tasks 0–1 are queued or done: only 2–3 are resubmitted; the command waits for both jobs
    const second = await slurmSweep(spec, { dir, output: join(d, 'slurm.csv'), pollMs: 500 });
    assert.deepEqual(second.submitted?.tasks, [2, 3]);
    assert.deepEqual(readJobs(paths(dir)).map((j) => j.tasks), [[0, 1, 2, 3], [2, 3]]);
    assert.equal(second.status.counts.done, 4);
    assert.equal(readFileSync(join(d, 'slurm.csv'), 'utf8'), readFileSync(join(d, 'local.csv'), 'utf8'));
  });

  test('--on-running cancel cancels the queued tasks of an earlier submission and resubmits them once', async (t) => {
    if (skip) return t.skip(skip);
    const d = tempDir('slurm-cancel');
    const spec: SweepSpec = { traces: [{ workload: 'rodinia-nw' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'], oversub: [1, 2] };
    const dir = join(d, 'sw');
    const first = await slurmSweep(spec, { dir, sbatchArgs: ['--hold'], wait: false });
    assert.deepEqual(first.status.counts, { done: 0, running: 0, pending: 2, failed: 0, missing: 0 });
    // without cancel, a second submission would duplicate nothing: both tasks are queued
    const keep = await slurmSweep(spec, { dir, wait: false });
    assert.equal(keep.submitted, undefined);
    const second = await slurmSweep(spec, { dir, onRunning: 'cancel', pollMs: 500, output: join(d, 'slurm.csv') });
    assert.equal(second.cancelled, 2);
    assert.deepEqual(readJobs(paths(dir)).map((j) => j.tasks), [[0, 1], [0, 1]]);
    assert.equal(second.status.counts.done, 2);
    await sweep(spec, { output: join(d, 'local.csv') });
    assert.equal(readFileSync(join(d, 'slurm.csv'), 'utf8'), readFileSync(join(d, 'local.csv'), 'utf8'));
  });

  test('a task whose trace the node cannot read shows in status with its error line; the other rows stay; the re-run repairs', async (t) => {
    if (skip) return t.skip(skip);
    const d = tempDir('slurm-fail');
    for (const [w, f] of [['rodinia-nw', 'a.csv'], ['rodinia-hotspot', 'b.csv']] as const) assert.equal((await cli(['generate', w, '-o', join(d, f)])).code, 0);
    const specFile = join(d, 'sweep.json');
    writeFileSync(specFile, JSON.stringify({ traces: ['a.csv', 'b.csv', { workload: 'rodinia-srad' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'] }));
    const dir = join(d, 'sw');
    const sub = await cli(['sweep', specFile, '--backend', 'slurm', '--dir', dir, '--sbatch-arg=--hold', '--no-wait']);
    assert.equal(sub.code, 0, sub.err);
    const job = /Submitted job (\d+)/.exec(sub.err)![1]!;
    renameSync(join(d, 'a.csv'), join(d, 'a.away')); // unreadable on the node
    sh('scontrol', ['release', job]);
    await drain(dir);
    const st = await cli(['sweep', 'status', dir]);
    assert.equal(st.code, 0);
    assert.match(st.out, /2\/3 runs done; tasks: 2 done, 0 running, 0 pending, 1 failed, 0 missing/);
    assert.match(st.out, new RegExp(`task 0 FAILED \\(job ${job}_0\\): .*a\\.csv.*run #0 \\(a\\.csv\\): the trace cannot be read on this node`));
    assert.match(readFileSync(join(dir, 'logs', 'task-0.err'), 'utf8'), /run #0 \(a\.csv\)/); // the task's stderr log
    const rowsBefore = readFileSync(paths(dir).rows(2), 'utf8');
    // repaired: the same command resubmits task 0 only
    renameSync(join(d, 'a.away'), join(d, 'a.csv'));
    const re = await cli(['sweep', specFile, '--backend', 'slurm', '--dir', dir, '--poll-seconds', '1', '-o', join(d, 'slurm.csv')]);
    assert.equal(re.code, 0, re.err);
    assert.deepEqual(readJobs(paths(dir)).map((j) => j.tasks), [[0, 1, 2], [0]]);
    assert.equal(readFileSync(paths(dir).rows(2), 'utf8'), rowsBefore);
    assert.equal((await cli(['sweep', specFile, '-o', join(d, 'local.csv')])).code, 0);
    assert.equal(readFileSync(join(d, 'slurm.csv'), 'utf8'), readFileSync(join(d, 'local.csv'), 'utf8'));
  });

  test('--dry-run --backend slurm prints the run list and a valid sbatch script, which runs the sweep when submitted', async (t) => {
    if (skip) return t.skip(skip);
    const d = tempDir('slurm-dry');
    const dir = join(d, 'sw');
    const r = await cli(['sweep', EXAMPLE, '--dry-run', '--backend', 'slurm', '--dir', dir, '--runs-per-task', '18', '--time', '10:00', '--array-limit', '2', '--sbatch-arg=--comment=gmemlab-test']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /36 points, 36 distinct runs, 36 to run\./);
    const script = r.out.slice(r.out.indexOf('#!/bin/bash'));
    assert.match(script, /^#SBATCH --array=0-1%2$/m);
    assert.match(script, /^#SBATCH --time=10:00$/m);
    assert.equal(readJobs(paths(dir)).length, 0); // nothing submitted
    writeFileSync(join(d, 'printed.sbatch'), script);
    const job = sh('sbatch', ['--parsable', join(d, 'printed.sbatch')]).trim();
    assert.match(job, /^\d+/);
    for (let i = 0; i < 1200 && sweepStatus(dir).counts.done < 2; i++) await new Promise((res) => setTimeout(res, 250));
    assert.equal((await cli(['sweep', 'collect', dir, '-o', join(d, 'slurm.csv')])).code, 0);
    assert.equal((await cli(['sweep', EXAMPLE, '-o', join(d, 'local.csv')])).code, 0);
    assert.equal(readFileSync(join(d, 'slurm.csv'), 'utf8'), readFileSync(join(d, 'local.csv'), 'utf8'));
  });
});
