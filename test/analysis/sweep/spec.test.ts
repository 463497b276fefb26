import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSweepSpec, parseSweepSpec } from '../../../src/analysis/sweep/spec';
import { ioMessages } from '../../../src/log/messages/io';
import { throwsWith } from '../../helpers/diagnostic';
import { mkfifo } from '../../io/special-files';
import { formatDiagnostic, GmemlabError } from '../../../src/log/diagnostic';

function errorOf(text: string): string {
  try {
    parseSweepSpec(text, 'sw.json');
  } catch (e) {
    if (e instanceof GmemlabError) return formatDiagnostic(e.diagnostic);
    throw e;
  }
  return 'no error';
}

test('a valid sweep file parses to its value', () => {
  const spec = parseSweepSpec('{"traces": ["a.csv", {"workload": "ml-train", "seed": 2}], "systems": ["uvm"], "oversub": [null, 1.5], "scale": {"link.h2dBytesPerNs": [0.5, 2]}}');
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
