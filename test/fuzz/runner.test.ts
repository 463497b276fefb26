import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzMain } from '../../src/fuzz/main';
import { missingFields, runFuzz, type FuzzNote } from '../../src/fuzz/runner';
import { FUZZ_TARGETS, type FuzzTarget } from '../../src/fuzz/targets';
import { csvMessages } from '../../src/log/messages/trace';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'gmemlab-fuzz-test-'));
}

/**
 * The fixed-seed fuzz run of `npm test` (issue 9): a few mutated inputs for every target, each imported in a
 * worker thread under the watchdog. Any crash, hang or rejection without file/position/expected/found fails
 * it, and names the saved input to replay. Longer runs: `npm run fuzz -- --seconds 600`.
 */
test('fixed-seed fuzz run: every target, no crash, no hang, every rejection located and explained', async () => {
  const out = tmp();
  try {
    const report = await runFuzz({ seed: 20261125, inputsPerTarget: 6, outDir: out, timeoutMs: 60_000 });
    const ran = report.targets.filter((t) => !t.skipped);
    assert.ok(ran.length >= 4, 'csv, csv-map, arrow and nsys-sqlite need no shared samples');
    for (const t of ran) assert.equal(t.inputs, 6, t.name);
    assert.deepEqual(report.findings.map((f) => `${f.kind} ${f.target} #${f.index}: ${f.summary} → ${f.saved}`), []);
    assert.ok(report.distinctCodes >= 5, `only ${report.distinctCodes} distinct error codes`);
    assert.equal(readdirSync(out).length, 0, 'nothing saved when nothing was found');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a crashing input is counted, saved with a replayable note, and makes the run fail', async () => {
  const out = tmp();
  try {
    const csv = FUZZ_TARGETS.find((t) => t.name === 'csv')!;
    const target: FuzzTarget = { ...csv, name: 'misbehaving', job: () => ({ target: 'misbehaving', kind: 'import', strict: true, options: { behaviour: 'throw' } }) };
    const report = await runFuzz({ seed: 1, inputsPerTarget: 2, outDir: out, registry: [target], jobModule: join(__dirname, 'fixtures', 'misbehaving-job.ts') });
    assert.equal(report.targets[0]!.crashes, 2);
    assert.equal(report.findings.length, 2);
    const note = JSON.parse(readFileSync(report.findings[0]!.saved, 'utf8')) as FuzzNote;
    assert.equal(note.target, 'misbehaving');
    assert.equal(note.outcome.status, 'crash');
    assert.ok(existsSync(note.input), 'the input is saved beside the note');
    assert.match(note.mutation, /\w+@\d+/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('--replay re-runs a saved input and prints what happens now', async () => {
  const dir = tmp();
  try {
    const input = join(dir, 'bad.csv');
    writeFileSync(input, 't_ns,op\n0,explode\n');
    const note: FuzzNote = { seed: 1, target: 'csv', index: 0, job: { target: 'csv', kind: 'import', from: 'csv', strict: true }, entry: 'hand-written', mutation: 'none', outcome: { status: 'hang', ms: 1 }, input };
    writeFileSync(join(dir, 'note.json'), JSON.stringify(note));
    let out = '';
    const code = await fuzzMain(['--replay', join(dir, 'note.json')], { stdout: (s) => void (out += s), stderr: () => {} });
    assert.equal(code, 0);
    assert.match(out, /now: rejected in \d+ ms: .*bad\.csv:2:\d+: .*unknown op/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad fuzz arguments exit 2 with one argument: line', async () => {
  for (const args of [['--seconds', 'x'], ['--target', 'nope'], ['--bogus'], ['--seed', '-1']]) {
    let err = '';
    assert.equal(await fuzzMain(args, { stdout: () => {}, stderr: (s) => void (err += s) }), 2, args.join(' '));
    assert.match(err, /^argument: /);
    assert.equal(err.trim().split('\n').length, 1, err);
  }
});

test('a rejection is complete only with file, position, expected and found', () => {
  const d = csvMessages.unknownOp({ file: 'x.csv', line: 2, col: 3, field: 'op' }, 'explode', ['alloc', 'free']);
  assert.deepEqual(missingFields(d, 'x.csv'), []);
  assert.deepEqual(missingFields({ ...d, line: undefined, col: undefined, field: undefined }, 'x.csv'), ['position']);
  assert.deepEqual(missingFields({ code: 'c', severity: 'error', message: 'm' }, 'x.csv'), ['file', 'position', 'expected', 'found']);
});
