import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { makeRunCommand } from '../../../src/cli/commands/run';
import { profilesCommand } from '../../../src/cli/commands/profiles';
import { systemsCommand } from '../../../src/cli/commands/systems';
import { COUNTER_FIELDS } from '../../../src/sim/counters';
import { CAUSE_FIELDS } from '../../../src/sim/clock';
import { eventsToBatches } from '../../../src/trace/batch';
import { memoryTrace } from '../../../src/trace/trace';
import { MiB } from '../../../src/units';
import { capture } from '../../helpers/cli';

const trace = memoryTrace(
  'mem.csv',
  eventsToBatches([
    { op: 'alloc', tNs: 0, va: 64 * MiB, bytes: 8 * MiB, flags: ['peer_shared'] },
    { op: 'access', tNs: 10, agent: 'dev0', va: 64 * MiB, bytes: 8 * MiB, access: 'w' },
    { op: 'access', tNs: 20, agent: 'cpu', va: 64 * MiB, bytes: 4096, access: 'r' },
  ]),
);
const cmds = [makeRunCommand(async () => trace), profilesCommand, systemsCommand];

test('run --format json prints an array, one object per system, with every docs/cli.md §4 field', async () => {
  const io = capture();
  const code = await main(['run', 'mem.csv', '--system', 'gmem-linux,gmem-paper:mode=share', '--profile', 'a100-pcie4', '--format', 'json', '--oversub', '2'], io, cmds);
  assert.equal(code, 0, io.err);
  const rows = JSON.parse(io.out) as Record<string, unknown>[];
  assert.equal(rows.length, 2);
  const fields = ['system', 'preset', 'params', 'profile', 'capacityBytes', 'footprintBytes', 'oversub', ...COUNTER_FIELDS, 'simTimeNs', ...CAUSE_FIELDS, 'extra', 'specHash', 'traceDigest', 'seed', 'version', 'warnings'];
  for (const r of rows) for (const f of fields) assert.ok(f in r, `missing ${f}`);
  assert.equal(rows[1]!.system, 'gmem-paper:mode=share');
  assert.equal(rows[0]!.capacityBytes, 4 * MiB);
  assert.equal(rows[0]!.oversub, 2);
});

test('run --format csv has one row per system with extra.* and params.* columns; -o writes a file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-run-'));
  try {
    const out = join(dir, 'r.csv');
    const io = capture();
    assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-linux', '--system', 'gmem-paper', '--profile', 'a100-pcie4', '--format', 'csv', '-o', out], io, cmds), 0, io.err);
    assert.equal(io.out, '');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    const header = lines[0]!.split(',');
    assert.ok(header.includes('params.unitBytes') && header.includes('extra.crossDeviceMigrations') && header.includes('deviceFaults'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run --all prints every field, one row per field, and lists placeholder profile values', async () => {
  const io = capture();
  assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-paper', '--set', 'gmem-paper.victim=lru', '--all'], io, cmds), 0, io.err);
  assert.match(io.out, /^status\s+ok$/m);
  assert.match(io.out, /deviceFaults\s+/);
  assert.match(io.out, /params\.victim\s+lru/);
  assert.match(io.out, /placeholder \(P\) profile values in use: .*device\.fault\.serviceNs/);
});

test('run prints a short summary by default: one row per system (status, sim time, top cost, faults, migrated, evictions) in ≤ 20 lines', async () => {
  const io = capture();
  const systems = 'gmem-linux,uvm,gmem-paper,hmm-svm,explicit-copy';
  assert.equal(await main(['run', 'mem.csv', '--system', systems, '--profile', 'h100-pcie5'], io, cmds), 0, io.err);
  const lines = io.out.trimEnd().split('\n');
  assert.ok(lines.length <= 20, `${lines.length} lines:\n${io.out}`);
  assert.match(lines[0]!, /^trace mem\.csv · profile h100-pcie5 · capacity 80 GiB \(from the profile\); footprint 8 MiB allocated, 8 MiB touched$/);
  assert.match(lines[1]!, /^system\s+status\s+sim time\s+top cost\s+faults\s+migrated\s+evictions$/);
  for (const [k, sys] of systems.split(',').entries()) assert.match(lines[2 + k]!, new RegExp(`^${sys}\\s+ok\\s+[\\d.]+ [µmn]?s\\s+[a-z]+ [\\d.]+ %\\s+[\\d,]+\\s+[\\d.]+ [KMG]?i?B\\s+[\\d,]+$`));
  assert.match(io.out, /^every field: --all; machine-readable: --format json\|csv$/m);
  assert.doesNotMatch(io.out, /params\./);
});

test('run summary flags an OOM run: status oom, time starred as not comparable, with the OOM count', async () => {
  const io = capture();
  // touched 8 MiB / 8 = 1 MiB: gmem-linux's 2 MiB unit does not fit
  assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-linux,uvm', '--profile', 'a100-pcie4', '--oversub', '8'], io, cmds), 0, io.err);
  assert.match(io.out, /capacity 1 MiB = touched footprint \/ oversub 8 \(basis touched: distinct 4 KiB pages accessed\)/);
  assert.match(io.out, /^gmem-linux\s+oom\s+[\d.]+ [µmn]?s \*/m);
  assert.match(io.out, /^\* status oom\/error: .*NOT comparable \(gmem-linux: [1-9]\d* OOM, 0 error events; uvm: [1-9]\d* OOM/m);
});

test('--oversub below one device-memory unit: one warning line on stderr before the runs, naming value, capacity, unit and systems; the results count it', async () => {
  const io = capture();
  // touched 8 MiB / 8 = 1 MiB: less than a 2 MiB unit of gmem-linux and uvm (root chunk); gmem-paper's unit is 4 KiB
  // (it runs out of memory too, on the trace's one 8 MiB access row, but not for want of a unit)
  assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-linux,uvm,gmem-paper', '--profile', 'a100-pcie4', '--oversub', '8', '--format', 'json'], io, cmds), 0, io.err);
  assert.equal(
    io.err,
    'warning [run.oversub-below-unit] argument: --oversub 8 gives 1048576 bytes of device memory (the touched footprint / 8), less than one device-memory unit of ' +
      'gmem-linux (migration unit unitBytes = 2097152 bytes), uvm (root chunk vaBlockBytes = 2097152 bytes): nothing fits on the device, so these runs end oom ' +
      '(expected device memory of at least 2097152 bytes, found 1048576 bytes)\n',
  );
  const rows = JSON.parse(io.out) as { system: string; status: string; warnings: Record<string, number> }[];
  assert.deepEqual(rows.map((r) => [r.system, r.status, r.warnings['run.oversub-below-unit'] ?? 0]), [['gmem-linux', 'oom', 1], ['uvm', 'oom', 1], ['gmem-paper', 'oom', 0]]);
  const fits = capture();
  assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-linux,uvm', '--profile', 'a100-pcie4', '--oversub', '4'], fits, cmds), 0, fits.err);
  assert.equal(fits.err, '', 'a 2 MiB device holds one unit: no warning');
});

test('--oversub-basis allocated divides the allocated footprint (2 MiB granules); touched is the default; a bad basis is an argument error', async () => {
  const io = capture();
  assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '--oversub', '2', '--oversub-basis', 'allocated', '--format', 'json'], io, cmds), 0, io.err);
  const [a] = JSON.parse(io.out) as Record<string, unknown>[];
  assert.equal(a!.oversubBasis, 'allocated');
  assert.equal(a!.capacityBytes, 4 * MiB);
  const t = capture();
  assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '--oversub', '3', '--format', 'json'], t, cmds), 0, t.err);
  const [b] = JSON.parse(t.out) as Record<string, unknown>[];
  assert.equal(b!.oversubBasis, 'touched');
  assert.equal(b!.touchedBytes, 8 * MiB + 0);
  assert.equal(b!.capacityBytes, Math.floor((8 * MiB) / 3 / 4096) * 4096, 'touched basis: rounded down to 4 KiB');
  const bad = capture();
  assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-linux', '--oversub', '2', '--oversub-basis', 'peak'], bad, cmds), 2);
  assert.match(bad.err, /^error \[[\w.-]+\] argument: .*--oversub-basis/);
});

test('run argument errors exit 2 with an argument: line', async () => {
  for (const args of [
    ['run', 'mem.csv', '--system', 'gmem-linux'],
    ['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '--set', 'device.nope=1'],
    ['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '--seed', 'x'],
    ['run', 'mem.csv', '--profile', 'a100-pcie4'],
    ['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '--format', 'xml'],
    ['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '--set', 'host.devices=0'],
  ]) {
    const io = capture();
    assert.equal(await main(args, io, cmds), 2, args.join(' '));
    assert.match(io.err, /^error \[[\w.-]+\] argument: /);
    assert.doesNotMatch(io.err, /\n\s+at /);
  }
});

test('an agent beyond the platform devices is an error naming the agent', async () => {
  const t2 = memoryTrace('two.csv', eventsToBatches([{ op: 'access', tNs: 0, agent: 'dev1', va: 0, bytes: 1, access: 'r' }]));
  const io = capture();
  assert.equal(await main(['run', 'two.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4'], io, [makeRunCommand(async () => t2)]), 2);
  assert.match(io.err, /agent 'dev1'.*1 device/);
  const ok = capture();
  assert.equal(await main(['run', 'two.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '--set', 'host.devices=2', '--format', 'json'], ok, [makeRunCommand(async () => t2)]), 0, ok.err);
});

test('profiles and systems list one line each', async () => {
  const io = capture();
  assert.equal(await main(['profiles'], io, cmds), 0);
  assert.equal(io.out.trim().split('\n').length, 10);
  assert.match(io.out, /^x97-sim\s+x97 \+ x97-carveout/m);
  const io2 = capture();
  assert.equal(await main(['systems'], io2, cmds), 0);
  assert.match(io2.out, /^gmem-linux\s+GMEM, Linux RFC/m);
  assert.match(io2.out, /^gmem-paper\s+/m);
});

test('profiles and systems take no argument: `systems uvm` printed the whole list as if uvm were a filter', async () => {
  for (const argv of [['systems', 'uvm'], ['profiles', 'a100-pcie4']]) {
    const io = capture();
    assert.equal(await main(argv, io, cmds), 2, argv.join(' '));
    assert.equal(io.err, `error [cli.bad-arguments] argument: ${argv[0]}: unexpected argument '${argv[1]}' (this lists every preset)\n`);
    assert.equal(io.out, '');
  }
});

test('run -o without --format takes the format from the extension (.json, .csv, otherwise a table); --format wins', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-run-ext-'));
  try {
    const base = ['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4'];
    for (const [name, extra, check] of [
      ['r.json', [], (s: string) => assert.equal((JSON.parse(s) as unknown[]).length, 1)],
      ['R.CSV', [], (s: string) => assert.match(s, /^trace,system,/)],
      ['r.txt', [], (s: string) => assert.match(s, /^system\s+status\s+sim time/m)],
      ['forced.json', ['--format', 'csv'], (s: string) => assert.match(s, /^trace,system,/)],
    ] as [string, string[], (s: string) => void][]) {
      const io = capture();
      assert.equal(await main([...base, ...extra, '-o', join(dir, name)], io, cmds), 0, io.err);
      check(readFileSync(join(dir, name), 'utf8'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run -o into an impossible folder fails before simulating with one io.cannot-write line, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-run-o-'));
  try {
    writeFileSync(join(dir, 'file.txt'), 'x');
    let opened = false;
    const io = capture();
    const code = await main(['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '-o', join(dir, 'file.txt', 'r.json')], io, [makeRunCommand(async () => ((opened = true), trace))]);
    assert.equal(code, 2);
    assert.match(io.err, /r\.json: cannot write output: (ENOTDIR|EEXIST)/);
    assert.equal(io.err.trim().split('\n').length, 1, io.err);
    assert.equal(opened, false, 'the trace was not even opened');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run --seed -1, --seed=-1 and a seed beyond 2^32-1 are one argument: line each, exit 2 (seeds are 0 … 2^32-1)', async () => {
  for (const [args, re] of [
    [['--seed', '-1'], /^error \[cli\.bad-arguments\] argument: run: option --seed needs a value; a value starting with '-' must be attached: --seed=<value>\n$/],
    [['--seed=-1'], /^error \[run\.bad-number\] argument: bad value for --seed \(expected an integer from 0 to 2\^32-1, found "-1"\)\n$/],
    [['--seed', '4294967296'], /^error \[run\.bad-number\] argument: bad value for --seed \(expected an integer from 0 to 2\^32-1, found "4294967296"\)\n$/],
    // the value as typed: the run resolution showed the parsed number ("1e+300", "0")
    [['--seed', '1e300'], /^error \[run\.bad-number\] argument: bad value for --seed \(expected an integer from 0 to 2\^32-1, found "1e300"\)\n$/],
    [['--oversub=-0'], /^error \[run\.bad-number\] argument: bad value for --oversub \(expected a ratio > 0 such as 1\.25, found "-0"\)\n$/],
  ] as [string[], RegExp][]) {
    const io = capture();
    assert.equal(await main(['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', ...args], io, cmds), 2, args.join(' '));
    assert.match(io.err, re);
  }
});
