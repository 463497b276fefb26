import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { HEADER } from '../../trace/canonical-csv/helpers';
import { capture } from '../../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-cli-import-'));

const GOOD = '# workload=demo\n' + HEADER +
  '0,alloc,cpu,0x7f0000000000,4194304,,,,managed,,,,,,\n' +
  '10,access,dev0,0x7f0000000000,4096,r,,,,,,3,,,\n' +
  '20,free,cpu,0x7f0000000000,,,,,,,,,,,\n';

test('import prints the summary and writes an identical canonical CSV', async () => {
  const src = join(dir, 'good.csv');
  writeFileSync(src, GOOD.replace('# workload=demo\n', '# format=gmemlab-events\n# version=1\n# workload=demo\n'));
  const out = join(dir, 'good-out.csv');
  const io = capture();
  assert.equal(await main(['import', src, '-o', out, '--no-cache'], io), 0, io.err);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(src, 'utf8'));
  assert.match(io.out, /^trace +.*good\.csv\n/);
  assert.match(io.out, /\nevents +3 over 20 ns \(t_ns 0 … 20\)\n/);
  assert.match(io.out, /\nops +alloc 1, free 1, access 1\n/);
  assert.match(io.out, /\naccesses +3 \(weighted by count\)\n/);
  assert.match(io.out, /\nagents +cpu \(2 events\), dev0 \(1 event\)\n/);
  assert.match(io.out, /\nfootprint +4 MiB /);
  assert.match(io.out, /\nwarnings +none\n/);
  assert.match(io.out, /\nwritten +.*good-out\.csv \(canonical CSV\)\n$/);
  assert.equal(io.err, '');
});

test('bad input exits 2; the first stderr line is file:line:col: message; no output is written', async () => {
  const src = join(dir, 'bad.csv');
  writeFileSync(src, GOOD + '30,access,dev0,0x7f0000000000,-4096,r,,,,,,,,,\n');
  const out = join(dir, 'bad-out.arrow');
  const io = capture();
  assert.equal(await main(['import', src, '-o', out, '--no-cache'], io), 2);
  assert.equal(io.err.split('\n')[0], `${src}:6:31: negative value (field 'bytes', expected a value ≥ 0, found "-4096")`);
  assert.doesNotMatch(io.err, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(out), false);
});

test('--lenient imports the good rows, prints counts and the kept examples on stderr', async () => {
  const src = join(dir, 'lenient.csv');
  writeFileSync(src, GOOD + '30,access,dev0,0x7f0000000000,0,r,,,,,,,,,\n40,free,cpu,0x1000,,,,,,,,,,,\n');
  const out = join(dir, 'lenient-out.arrow');
  const io = capture();
  assert.equal(await main(['import', src, '--lenient', '-o', out, '--no-cache'], io), 0, io.err);
  assert.match(io.out, /\nwarnings +csv\.zero-size ×1, trace\.free-not-live ×1\n/);
  assert.match(io.out, /\nformat +csv@1 \(lenient\)/);
  assert.match(io.err, /lenient\.csv:6:31: zero size on a "access" row/);
  assert.match(io.err, /lenient\.csv:7: warning: event 3: free of an address/);
  assert.ok(existsSync(out));
});

test('argument problems exit 2 with an argument: line', async () => {
  const io = capture();
  assert.equal(await main(['import'], io), 2);
  assert.match(io.err, /^argument: import: missing <file>\n/);
  const io2 = capture();
  assert.equal(await main(['import', join(dir, 'x.csv'), '--strict', '--lenient'], io2), 2);
  assert.match(io2.err, /^argument: import: --strict and --lenient exclude each other/);
  const io3 = capture();
  assert.equal(await main(['import', join(dir, 'x.csv'), '-o', join(dir, 'x.json')], io3), 2);
  assert.match(io3.err, /^argument: cannot tell the output format/);
});
