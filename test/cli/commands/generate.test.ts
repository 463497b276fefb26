import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { main } from '../../../src/cli/main';
import { capture } from '../../helpers/cli';
import { writeWorkloadTrace } from '../../../src/workloads/write';

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

test('generate -o into a folder that does not exist yet creates it, as run and sweep do (docs/workloads.md: -o out/bfs.csv.gz on a fresh clone)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-gen-'));
  const io = capture();
  const code = await main(['generate', 'synthetic-access', '--set', 'events=1000', '-o', join(dir, 'out', 'deeper', 'a.csv.gz')], io);
  assert.equal(code, 0, io.err);
  assert.deepEqual(readdirSync(join(dir, 'out', 'deeper')), ['a.csv.gz'], 'the trace, no temporaries');
});

test('writeWorkloadTrace (the API behind generate) creates the output folder too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-gen-'));
  const s = await writeWorkloadTrace('synthetic-access', { events: 1000 }, 0, join(dir, 'new', 'a.csv'));
  assert.equal(s.events, 1002);
  assert.deepEqual(readdirSync(join(dir, 'new')), ['a.csv']);
});

/** A regular file: a path below it cannot become a folder (ENOTDIR), whoever runs the test (root included). */
const blocker = join(mkdtempSync(join(tmpdir(), 'gmemlab-gen-blocker-')), 'a-file');
writeFileSync(blocker, 'x');

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
  [['generate', 'nic-rx', '-o', join(blocker, 'x.csv')], /^error \[io\.cannot-write\] .*gmemlab-gen-blocker-.*\/a-file\/x\.csv: cannot write output: ENOTDIR/],
] as const) {
  test(`generate ${args.slice(1).join(' ')} exits 2 with a one-line message`, async () => {
    const io = capture();
    assert.equal(await main([...args], io), 2);
    assert.match(io.err, pattern);
    assert.equal(io.err.split('\n').length, 2, 'one line');
  });
}
