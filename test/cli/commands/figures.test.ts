import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { FIGURE_IDS } from '../../../src/figures/index';
import { tempDir } from '../../helpers/temp-dir';
import { capture } from '../../helpers/cli';

test('figures --list prints every figure id with what it compares', async () => {
  const io = capture();
  assert.equal(await main(['figures', '--list'], io), 0);
  const ids = io.out.trimEnd().split('\n').slice(2).map((l) => l.split(/\s+/)[0]);
  assert.deepEqual(ids, FIGURE_IDS);
});

test('figures -o DIR --quick --only writes the summary CSV and prints the pass rate; exit 0 whatever the pass rate', async () => {
  const dir = tempDir('figures-cli');
  const io = capture();
  assert.equal(await main(['figures', '-o', dir, '--quick', '--only', 'gtx1080ti-transfer'], io), 0);
  // 18 compared numbers: the 9 affine points are calibration rows (the link was fitted on them), so 9 are scored
  assert.match(io.out, /pass rate: \d+ of 9 compared numbers within tolerance \(\d+ %\), plus 9 calibration rows/);
  const csv = readFileSync(join(dir, 'reproduction-summary.csv'), 'utf8').trimEnd().split('\n');
  assert.equal(csv.length, 19, 'header + 18 compared numbers');
  assert.match(csv[0]!, /^figure,group,series,metric,unit,published,reproduced,ratio,tolerance,criterion,pass,specHash/);
  assert.ok(existsSync(join(dir, 'gtx1080ti-transfer-curves.png')));
});

test('figures: bad arguments are errors with exit code 2', async () => {
  for (const argv of [['figures', '--full', '--quick'], ['figures', 'extra'], ['figures', '--quick', '--only', 'nope', '-o', tempDir('figures-bad')]]) {
    const io = capture();
    assert.equal(await main(argv, io), 2, argv.join(' '));
    assert.ok(io.err.length > 0 && !/\n\s+at /.test(io.err), `${argv.join(' ')}: an error line, no stack trace`);
  }
});
