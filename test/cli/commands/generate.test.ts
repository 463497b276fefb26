import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { main } from '../../../src/cli/main';
import { capture } from '../../helpers/cli';

test('generate writes canonical CSV with the parameters in the metadata and reports the trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-gen-'));
  const io = capture();
  const code = await main(['generate', 'nic-rx', '--seed', '3', '--set', 'packets=200', '--set', 'interruptDelayNs=5us', '-o', join(dir, 'rx.csv')], io);
  assert.equal(code, 0, io.err);
  const text = readFileSync(join(dir, 'rx.csv'), 'utf8');
  assert.match(text, /^# format=gmemlab-events\n# version=1\n# workload=nic-rx\n# seed=3\n# devices=dev0\n# param.packets=200\n/);
  assert.match(text, /# param.interruptDelayNs=5000\n/);
  assert.match(io.out, /^wrote [\d,]+ events to .*rx\.csv \(nic-rx, seed 3\)\n  accesses [\d,]+ \(weighted by count\)\n  footprint 0 B; trace time/);
  assert.match(io.out, /ops: reserve 1, release 1, alloc 1,025, free 1,025, map/);
  assert.deepEqual(readdirSync(dir), ['rx.csv'], 'no temporaries left');
});

test('generate -o x.csv.gz writes the same canonical CSV, gzip-compressed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-gen-'));
  for (const f of ['a.csv', 'a.csv.gz']) assert.equal(await main(['generate', 'synthetic-access', '--set', 'events=1000', '-o', join(dir, f)], capture()), 0);
  assert.equal(gunzipSync(readFileSync(join(dir, 'a.csv.gz'))).toString(), readFileSync(join(dir, 'a.csv'), 'utf8'));
});

for (const [args, pattern] of [
  [['generate', 'nope', '-o', 'x.csv'], /^error \[workloads\.unknown\] argument: unknown workload "nope"; known workloads are game-remap, ml-train, /],
  [['generate', 'nic-rx', '--set', 'pakets=3', '-o', 'x.csv'], /^error \[workloads\.unknown-param\] argument: workload 'nic-rx' has no parameter "pakets"; its parameters are packets, /],
  [['generate', 'nic-rx', '--set', 'packets', '-o', 'x.csv'], /^error \[[\w.-]+\] argument: bad value for --set \(expected key=value, found "packets"\)/],
  [['generate', 'nic-rx', '--set', 'arrival=bursty', '-o', 'x.csv'], /expected one of uniform, poisson, found "bursty"/],
  [['generate', 'nic-rx', '--seed', '1.5', '-o', 'x.csv'], /^error \[workloads\.bad-seed\] argument: bad seed \(expected an integer in \[0, 2\^32\), found "1.5"\)/],
  [['generate', 'nic-rx', '--seed=-1', '-o', 'x.csv'], /^error \[workloads\.bad-seed\] argument: bad seed/],
  [['generate', 'x97-bp', '--seed', '-1', '-o', 'x.csv'], /^error \[cli\.bad-arguments\] argument: generate: option --seed needs a value; a value starting with '-' must be attached: --seed=<value>/],
  [['generate', 'nic-rx', '--bogus', '-o', 'x.csv'], /^error \[cli\.bad-arguments\] argument: generate: unknown option '--bogus'$/m],
  [['generate', 'nic-rx', '-o'], /^error \[cli\.bad-arguments\] argument: generate: option -o, --output needs a value$/m],
  [['generate', 'nic-rx'], /^error \[cli\.missing-argument\] argument: generate: missing the output file \(-o <file>\)/],
  [['generate'], /^error \[cli\.missing-argument\] argument: generate: missing the workload id/],
  [['generate', 'nic-rx', '-o', '/nonexistent-dir/x.csv'], /^error \[workloads\.bad-output\] \/nonexistent-dir\/x\.csv: cannot write the trace: folder \/nonexistent-dir does not exist/],
] as const) {
  test(`generate ${args.slice(1).join(' ')} exits 2 with a one-line message`, async () => {
    const io = capture();
    assert.equal(await main([...args], io), 2);
    assert.match(io.err, pattern);
    assert.equal(io.err.split('\n').length, 2, 'one line');
  });
}
