import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSweepSpec, MAX_SWEEP_RUNS, parseSweepSpec } from '../../../src/analysis/sweep/spec';
import { ioMessages } from '../../../src/log/messages/io';
import { throwsWith } from '../../helpers/diagnostic';
import { mkfifo } from '../../io/special-files';
import { formatDiagnostic, GmemlabError, type Diagnostic } from '../../../src/log/diagnostic';

function errorOf(text: string): string {
  try {
    parseSweepSpec(text, 'sw.json');
  } catch (e) {
    if (e instanceof GmemlabError) return formatDiagnostic(e.diagnostic);
    throw e;
  }
  return 'no error';
}

function problemOf(text: string): Diagnostic | undefined {
  try {
    parseSweepSpec(text, 'sw.json');
  } catch (e) {
    if (e instanceof GmemlabError) return e.diagnostic;
    throw e;
  }
  return undefined;
}

test('a valid sweep file parses to its value', () => {
  const spec = parseSweepSpec('{"traces": ["a.csv", {"workload": "ml-train", "seed": 2}], "systems": ["uvm"], "profiles": ["a100-pcie4"], "oversub": [null, 1.5], "scale": {"link.h2dBytesPerNs": [0.5, 2]}}');
  assert.deepEqual(spec.oversub, [null, 1.5]);
});

test('JSON syntax errors name file, line and column', () => {
  assert.equal(errorOf('{\n  "systems": ["uvm",]\n}'), 'sw.json:2:21: not valid JSON: expected a value, found "]"');
});

test('unknown fields are errors listing the valid ones', () => {
  assert.equal(
    errorOf('{\n  "trace": ["a.csv"]\n}'),
    'sw.json:2:12: unknown field \'trace\' (field \'trace\', expected one of name, traces, systems, profiles, oversub, oversubBasis, seeds, set, grid, scale, sweeps, found "trace")',
  );
});

test('bad values name the field, what was expected and what was found', () => {
  assert.equal(errorOf('{"traces": ["a.csv"], "systems": ["uvm"], "oversub": [1.5, 0]}'), "sw.json:1:60: bad value (field 'oversub[1]', expected a ratio > 0 (1.5 = footprint is 150 % of capacity) or null, found 0)");
  assert.equal(errorOf('{"traces": [], "systems": ["uvm"]}'), "sw.json:1:12: bad value (field 'traces', expected a list of trace files or workload references (at least one), found [])");
  assert.match(errorOf('{"traces": ["a"], "systems": ["uvm"], "scale": {"fault.serviceNs": [2]}}'), /field 'scale.fault.serviceNs', expected a profile field path starting with device\., link\. or host\./);
  assert.match(errorOf('{"traces": [{"workload": "x", "seeds": 1}], "systems": ["uvm"]}'), /unknown field 'seeds' \(field 'traces\[0\]\.seeds', expected one of workload, seed, set, name/);
  assert.match(errorOf('{"traces": ["a"], "systems": ["uvm"], "grid": {"uvm.eviction": [["x"]]}}'), /field 'grid.uvm.eviction\[0\]', expected a number, a string/);
  assert.match(errorOf('{"traces": ["a"], "systems": ["uvm"], "sweeps": [{"seeds": [-1]}]}'), /field 'sweeps\[0\]\.seeds\[0\]', expected an integer seed/);
});

test('a field given twice and sub-sweeps nested past the depth limit are JSON errors with their line, not a silent pick or a crash', () => {
  // JSON.parse keeps the second "systems": the sweep ran gmem-linux only and never said so
  assert.equal(errorOf('{\n  "traces": ["a.csv"],\n  "systems": ["uvm"],\n  "systems": ["gmem-linux"]\n}'), 'sw.json:4:3: not valid JSON: duplicate key "systems"');
  const deep = `{"traces": ["a.csv"], "systems": ["uvm"], ${'"sweeps": [{'.repeat(3000)}"seeds": [0]${'}]'.repeat(3000)}}`;
  assert.match(errorOf(deep), /^sw\.json:1:\d+: not valid JSON: nesting deeper than 256 levels$/);
});

test('a sweep file that is a FIFO is refused at once (it waited for a writer for ever); 1e999 is found Infinity, not null', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-sweepspec-'));
  const fifo = join(dir, 'sweep.json');
  mkfifo(fifo);
  throwsWith(() => loadSweepSpec(fifo), { code: ioMessages.notAFile.code, file: fifo });
  assert.equal(errorOf('{"traces": ["a.csv"], "systems": ["uvm"], "oversub": [1e999]}'), "sw.json:1:55: bad value (field 'oversub[0]', expected a ratio > 0 (1.5 = footprint is 150 % of capacity) or null, found Infinity)");
});

test('a sweep expanding to more than MAX_SWEEP_RUNS runs is refused before it is expanded, at its largest sub-sweep', () => {
  const seeds = (n: number): string => `[${Array.from({ length: n }, (_, k) => k).join(',')}]`;
  // 2 systems × 50,000 seeds = 100,000: the limit itself is allowed
  assert.equal(parseSweepSpec(`{"traces": ["a.csv"], "systems": ["uvm", "gmem-linux"], "profiles": ["a100-pcie4"], "seeds": ${seeds(50_000)}}`, 'sw.json').seeds?.length, 50_000);
  assert.equal(MAX_SWEEP_RUNS, 100_000);
  // a 1000 × 1000 grid (a 20 kB file) sat for half an hour resolving points in --dry-run
  const grid = `{"traces": ["a.csv"], "systems": ["uvm"], "grid": {"link.latencyNs": ${seeds(1000)}, "device.fault.serviceNs": ${seeds(1000)}}}`;
  assert.equal(
    errorOf(grid),
    'sw.json:1:1: the sweep expands to 1,000,000 runs, more than gmemlab expands (100,000) (expected at most 100,000 runs, found 1,000,000 (largest sub-sweep: traces 1 × systems 1 × profiles 1 × oversub 1 × grid link.latencyNs 1000 × grid device.fault.serviceNs 1000 × scale 1 × seeds 1))',
  );
  // sub-sweeps add up (50,000 + 50,001) and inherit their parent's lists (2 systems here); the largest is named
  const subs = `{"traces": ["a.csv"], "systems": ["uvm", "gmem-linux"],\n "sweeps": [{"seeds": ${seeds(25_000)}}, {"systems": ["uvm"], "seeds": ${seeds(50_001)}}]}`;
  const d = problemOf(subs);
  assert.equal(d?.code, 'sweep.too-large');
  assert.deepEqual([d?.line, d?.field], [2, 'sweeps[1]']);
  assert.match(d?.found ?? '', /^100,001 \(largest sub-sweep: traces 1 × systems 1 × profiles 1 × oversub 1 × grid 1 × scale 1 × seeds 50001\)$/);
});
