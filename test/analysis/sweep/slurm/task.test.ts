// Slurm sweep directory and array task, without a cluster: the sweep-task code path, its failures, and
// collect's merge (the cluster itself is exercised by test/analysis/sweep/slurm.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { sweep, type SweepSpec } from '../../../../src/analysis/sweep';
import { prepareSlurmSweep } from '../../../../src/analysis/sweep/slurm/submit';
import { runSweepTask } from '../../../../src/analysis/sweep/slurm/task';
import { collect, formatStatus, sweepStatus } from '../../../../src/analysis/sweep/slurm/status';
import { GmemlabError } from '../../../../src/log/diagnostic';
import { main } from '../../../../src/cli/main';
import { capture } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/temp-dir';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GmemlabError) return e.diagnostic.code;
    throw e;
  }
  return 'no error';
}

async function generate(workload: string, path: string): Promise<void> {
  const io = capture();
  assert.equal(await main(['generate', workload, '-o', path], io), 0, io.err);
}

test('every task run locally, then collect, gives the bytes of the local backend (2 runs per task, 5 runs → 3 tasks)', async () => {
  const d = tempDir('slurm-task');
  await generate('rodinia-nw', join(d, 'nw.csv'));
  const spec: SweepSpec = { traces: ['nw.csv', { workload: 'rodinia-hotspot' }], systems: ['gmem-linux', 'gmem-paper', 'gmem-linux'], profiles: ['a100-pcie4'], oversub: [1, 2] };
  // 2 traces × 2 oversub × 2 distinct systems = 8 points; the repeated system is dropped by the expansion
  await sweep(spec, { baseDir: d, output: join(d, 'local.csv') });
  const sd = await prepareSlurmSweep(spec, { dir: join(d, 'sw'), baseDir: d, runsPerTask: 3 });
  assert.equal(sd.manifest.runs, 8);
  assert.equal(sd.manifest.tasks, 3); // runs 0–2, 3–5, 6–7
  assert.match(readFileSync(sd.paths.script, 'utf8'), /^#SBATCH --array=0-2$/m);
  assert.deepEqual(sweepStatus(sd).counts, { done: 0, running: 0, pending: 0, failed: 0, missing: 3 });
  for (const t of [2, 0, 1]) await runSweepTask(sd.paths.dir, t);
  assert.deepEqual(sweepStatus(sd).counts, { done: 3, running: 0, pending: 0, failed: 0, missing: 0 });
  const out = collect(sd.paths.dir, join(d, 'slurm.csv'));
  assert.equal(out.missingRuns, 0);
  assert.equal(readFileSync(join(d, 'slurm.csv'), 'utf8'), readFileSync(join(d, 'local.csv'), 'utf8'));
  // JSON results too
  await sweep(spec, { baseDir: d, output: join(d, 'local.json') });
  collect(sd.paths.dir, join(d, 'slurm.json'));
  assert.equal(readFileSync(join(d, 'slurm.json'), 'utf8'), readFileSync(join(d, 'local.json'), 'utf8'));
});

test('an unreadable or changed trace fails its task with an error naming the run; other tasks keep their rows', async () => {
  const d = tempDir('slurm-task');
  await generate('rodinia-nw', join(d, 'a.csv'));
  await generate('rodinia-hotspot', join(d, 'b.csv'));
  const spec: SweepSpec = { traces: ['a.csv', 'b.csv', { workload: 'rodinia-srad' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'] };
  const sd = await prepareSlurmSweep(spec, { dir: join(d, 'sw'), baseDir: d });
  assert.equal(sd.manifest.tasks, 3);
  await runSweepTask(sd.paths.dir, 2);
  renameSync(join(d, 'a.csv'), join(d, 'a.moved'));
  await generate('rodinia-fdtd', join(d, 'b.csv')); // same path, other content
  assert.equal(await codeOf(runSweepTask(sd.paths.dir, 0)), 'sweep.slurm-trace-unreadable');
  assert.equal(await codeOf(runSweepTask(sd.paths.dir, 1)), 'sweep.slurm-trace-changed');
  const s = sweepStatus(sd);
  assert.deepEqual(s.tasks.map((t) => t.state), ['failed', 'failed', 'done']);
  assert.match(s.tasks[0]!.error!, /a\.csv.*run #0 \(a\.csv\): the trace cannot be read on this node/);
  assert.match(s.tasks[1]!.error!, /run #1 \(b\.csv\): the trace digest differs on this node/);
  const text = formatStatus(s);
  assert.match(text, /task 0 FAILED: .*run #0/);
  assert.match(text, /task 1 FAILED: .*run #1/);
  assert.ok(existsSync(sd.paths.rows(2)));
  assert.ok(!existsSync(sd.paths.rows(0)) && !existsSync(sd.paths.rows(1)));
  // partial collect: the finished row only, and the command says what is missing (exit 1)
  const io = capture();
  assert.equal(await main(['sweep', 'collect', sd.paths.dir, '-o', join(d, 'part.csv')], io), 1);
  assert.match(io.err, /2 runs have no rows yet/);
  assert.equal(readFileSync(join(d, 'part.csv'), 'utf8').trim().split('\n').length, 2); // header + 1 row
  // repaired: the failed tasks succeed and clear their error files
  renameSync(join(d, 'a.moved'), join(d, 'a.csv'));
  await generate('rodinia-hotspot', join(d, 'b.csv'));
  await runSweepTask(sd.paths.dir, 0);
  await runSweepTask(sd.paths.dir, 1);
  assert.ok(!existsSync(sd.paths.error(0)) && !existsSync(sd.paths.error(1)));
  await sweep(spec, { baseDir: d, output: join(d, 'local.csv') });
  collect(sd.paths.dir, join(d, 'slurm.csv'));
  assert.equal(readFileSync(join(d, 'slurm.csv'), 'utf8'), readFileSync(join(d, 'local.csv'), 'utf8'));
});

test('a sweep directory refuses another sweep, another runs-per-task, a bad task index and in-memory traces', async () => {
  const d = tempDir('slurm-task');
  const dir = join(d, 'sw');
  await prepareSlurmSweep({ traces: [{ workload: 'rodinia-nw' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'], oversub: [1, 2] }, { dir });
  // the same sweep again is accepted (re-running the command)
  await prepareSlurmSweep({ traces: [{ workload: 'rodinia-nw' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'], oversub: [1, 2] }, { dir });
  assert.equal(await codeOf(prepareSlurmSweep({ traces: [{ workload: 'rodinia-nw' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'], oversub: [1, 3] }, { dir })), 'sweep.slurm-dir-mismatch');
  assert.equal(await codeOf(prepareSlurmSweep({ traces: [{ workload: 'rodinia-nw' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'], oversub: [1, 2] }, { dir, runsPerTask: 2 })), 'sweep.slurm-dir-mismatch');
  assert.equal(await codeOf(runSweepTask(dir, 2)), 'sweep.slurm-bad-task');
  assert.equal(await codeOf(runSweepTask(join(d, 'nothing'), 0)), 'sweep.slurm-not-sweep-dir');
  const { workloadTrace } = await import('../../../../src/workloads/trace');
  const mem = workloadTrace('rodinia-nw', {}, 0);
  assert.equal(await codeOf(prepareSlurmSweep({ traces: [mem as never], systems: ['gmem-linux'], profiles: ['a100-pcie4'] }, { dir: join(d, 'm') })), 'sweep.slurm-memory-trace');
});
