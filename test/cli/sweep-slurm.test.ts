// `gmemlab sweep --backend slurm` arguments, `sweep status|collect` and `sweep-task` from the command line
// (no cluster needed: these paths fail before any Slurm command, or need none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import { capture } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

// the example's shape (36 runs, OOM rows) on small traces: datasets/sweeps/example.json is paper-sized, too slow under GMEMLAB_DEBUG
const EXAMPLE = resolve(__dirname, '../fixtures/sweeps/small-36.json');

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

test('bad --backend, slurm without --dir and a bad --on-running are exit 2 naming the flag', async () => {
  const a = await cli(['sweep', EXAMPLE, '--backend', 'pbs']);
  assert.equal(a.code, 2);
  assert.match(a.err, /--backend.*local or slurm.*pbs/);
  const b = await cli(['sweep', EXAMPLE, '--backend', 'slurm']);
  assert.equal(b.code, 2);
  assert.match(b.err, /--dir/);
  const c = await cli(['sweep', EXAMPLE, '--backend', 'slurm', '--dir', tempDir('slurm-cli'), '--on-running', 'later']);
  assert.equal(c.code, 2);
  assert.match(c.err, /--on-running.*wait or cancel.*later/);
});

test('sweep-task runs one task of a directory prepared by --dry-run; status and collect read it without a scheduler', async () => {
  const d = tempDir('slurm-cli');
  const dir = join(d, 'sw');
  const dry = await cli(['sweep', EXAMPLE, '--dry-run', '--backend', 'slurm', '--dir', dir, '--runs-per-task', '20', '--partition', 'short', '--mem', '2G', '--cpus-per-task', '1']);
  assert.equal(dry.code, 0, dry.err);
  const script = readFileSync(join(dir, 'job.sbatch'), 'utf8');
  assert.ok(dry.out.endsWith(script));
  for (const line of ['#SBATCH --array=0-1', '#SBATCH --partition=short', '#SBATCH --mem=2G', '#SBATCH --cpus-per-task=1']) assert.ok(script.split('\n').includes(line), line);
  assert.match(script, /sweep-task .*"\$SLURM_ARRAY_TASK_ID"$/m);
  const st0 = await cli(['sweep', 'status', dir]);
  assert.match(st0.out, /0\/36 runs done; tasks: 0 done, 0 running, 0 pending, 0 failed, 2 missing/);
  assert.equal((await cli(['sweep-task', dir, '1'])).code, 0);
  const st1 = await cli(['sweep', 'status', dir]);
  assert.match(st1.out, /16\/36 runs done; tasks: 1 done/); // task 1 holds runs 20–35
  const bad = await cli(['sweep-task', dir, '2']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /no such array task.*0 to 1.*2/);
  const partial = await cli(['sweep', 'collect', dir]);
  assert.equal(partial.code, 1);
  assert.equal(partial.out.trim().split('\n').length, 17);
});

test('sweep-task without a task index outside Slurm says the index is missing (it said found "undefined")', async () => {
  const saved = process.env.SLURM_ARRAY_TASK_ID;
  delete process.env.SLURM_ARRAY_TASK_ID;
  try {
    const r = await cli(['sweep-task', tempDir('slurm-cli')]);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'error [cli.missing-argument] argument: sweep-task: missing <task> (an array task index; or SLURM_ARRAY_TASK_ID set)\n');
    const bad = await cli(['sweep-task', tempDir('slurm-cli'), '1e0']);
    assert.equal(bad.err, 'error [cli.bad-value] argument: bad value for <task> (expected a task index (or SLURM_ARRAY_TASK_ID set), found "1e0")\n');
  } finally {
    if (saved !== undefined) process.env.SLURM_ARRAY_TASK_ID = saved;
  }
});
