import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSweepDir, openTaskShard, paths, readManifest, SWEEP_DIR_FORMAT } from '../../../../src/analysis/sweep/slurm/layout';
import { sweepMessages } from '../../../../src/log/messages/sweep';
import { throwsWith } from '../../../helpers/diagnostic';
import { tempDir } from '../../../helpers/temp-dir';
import { mkfifo } from '../../../io/special-files';

const GOOD = { format: SWEEP_DIR_FORMAT, name: 'sw.json', version: '0.1.0', runs: 5, runsPerTask: 2, tasks: 3, jobName: 'gmemlab-x' };

/** A sweep directory holding `manifest` (and nothing else). */
function dirWith(manifest: unknown): string {
  const d = tempDir('slurm-layout');
  writeFileSync(join(d, 'manifest.json'), JSON.stringify(manifest));
  return d;
}

test('a manifest whose counts disagree or are not integers ≥ 1 is not a sweep directory (field and values named)', () => {
  assert.deepEqual(readManifest(paths(dirWith(GOOD))), GOOD, '5 runs, 2 per task: 3 tasks');
  // "tasks": 1e9 made `sweep status` walk a billion tasks (killed after 30 s without output)
  const cases: [Record<string, unknown>, string, string][] = [
    [{ tasks: 1e9 }, 'tasks', 'expected 3 (runs 5 / runsPerTask 2, rounded up), found 1000000000'],
    [{ tasks: '3' }, 'tasks', 'expected 3 (runs 5 / runsPerTask 2, rounded up), found "3"'],
    // "runsPerTask": -1 made a task expect no runs at all: "expected runs " and nothing after it
    [{ runsPerTask: -1 }, 'runsPerTask', 'expected an integer ≥ 1, found -1'],
    [{ runs: 2.5 }, 'runs', 'expected an integer ≥ 1, found 2.5'],
    [{ jobName: 7 }, 'jobName', 'expected text, found 7'],
    [{ format: 'x' }, 'format', `expected "${SWEEP_DIR_FORMAT}", found "x"`],
  ];
  for (const [change, field, reason] of cases) {
    const d = dirWith({ ...GOOD, ...change });
    const file = join(d, 'manifest.json');
    throwsWith(() => openSweepDir(d), { code: sweepMessages.slurmNotSweepDir.code, file, field, message: `not a Slurm sweep directory: ${reason}` });
    throwsWith(() => openTaskShard(d, 0), { code: sweepMessages.slurmNotSweepDir.code, file, field });
  }
  throwsWith(() => readManifest(paths(dirWith([1]))), { field: '(root)', message: 'not a Slurm sweep directory: expected an object, found [1]' });
});

test('a task file that is a FIFO is refused at once, not read (the read would wait for a writer for ever)', () => {
  const d = dirWith(GOOD);
  mkdirSync(join(d, 'specs'));
  mkfifo(join(d, 'specs', 'task-0.json'));
  throwsWith(() => openTaskShard(d, 0), { code: sweepMessages.slurmNotSweepDir.code, file: join(d, 'specs', 'task-0.json'), message: 'not a Slurm sweep directory: not a regular file' });
});
