import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { PROJECT_ROOT } from '../../src/version';
import { capture } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

/**
 * Rule (issue 18 item 8): user-provided text printed to the terminal — a foreign CSV's header, file names,
 * labels, cell values — carries no control bytes: ESC, CR, other C0, DEL and C1 are shown as `\xHH`.
 */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/; // any control byte but tab and LF

test('an unrecognised CSV header containing ESC [2J is echoed escaped', async () => {
  const dir = tempDir('escapes');
  const file = join(dir, 'clear.csv');
  writeFileSync(file, 'ts_\u001b[2J,event,size\u009b\n1,alloc,4096\n');
  const io = capture();
  assert.equal(await main(['import', file, '--no-cache'], io), 2);
  assert.match(io.err, /found a CSV header \(ts_\\x1b\[2J, event, size\\x9b\) without the canonical t_ns and op columns/);
  assert.doesNotMatch(io.err, CONTROL);
});

test('the CLI process escapes a file name with escape sequences on stderr', () => {
  const dir = tempDir('escapes');
  const file = join(dir, 'red\u001b[31m\rname.csv');
  copyFileSync(join(PROJECT_ROOT, 'traces/foreign-csv.csv'), file);
  // not a canonical CSV: the message names the file as the user gave it
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/gmemlab.js'), 'inspect', file, '--no-cache', '--from', 'csv'], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.ok(r.stderr.includes('red\\x1b[31m\\x0dname.csv'), r.stderr);
  assert.doesNotMatch(r.stderr, CONTROL);
});

test('the CLI process escapes user labels in its own stderr lines (sweep progress), keeping line breaks', () => {
  const dir = tempDir('escapes');
  const spec = join(dir, 'sweep.json');
  const trace = join(PROJECT_ROOT, 'traces/foreign-csv.csv');
  writeFileSync(spec, JSON.stringify({ traces: [{ file: trace, map: join(PROJECT_ROOT, 'datasets/maps/foreign-csv.map.json'), name: 'lbl\u001b[2J\u0085' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'] }));
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/gmemlab.js'), 'sweep', spec, '-o', join(dir, 'r.csv'), '--workers', '1'], {
    encoding: 'utf8',
    env: { ...process.env, GMEMLAB_CACHE_DIR: join(dir, 'cache') },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^\[1\/1\] #0 lbl\\x1b\[2J\\x85 gmem-linux a100-pcie4 done in /m);
  assert.doesNotMatch(r.stderr, CONTROL);
});
