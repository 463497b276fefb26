import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweepSpec } from '../../../src/analysis/sweep/spec';
import { GmemlabError, type Diagnostic } from '../../../src/log/diagnostic';

/** The diagnostic of a sweep text (file `sw.json`), or undefined when it parses. */
function problem(text: string, names = true): Diagnostic | undefined {
  try {
    parseSweepSpec(text, 'sw.json', { names });
  } catch (e) {
    if (e instanceof GmemlabError) return e.diagnostic;
    throw e;
  }
  return undefined;
}

/** code, line, col and field of the problem (the parts the sweep file used to lack: 'argument:' only). */
function where(text: string): [string, number | undefined, number | undefined, string | undefined] {
  const d = problem(text);
  assert.ok(d, `expected a problem in ${text}`);
  assert.equal(d.file, 'sw.json');
  return [d.code, d.line, d.col, d.field];
}

test('unknown systems, platforms, workloads and formats are located at the entry that names them', () => {
  // columns: count the characters before the value's opening quote, plus one
  assert.deepEqual(where('{"traces": ["t.csv"], "systems": ["uvm", "uvmx"]}'), ['run.unknown-system', 1, 42, 'systems[1]']);
  assert.deepEqual(where('{"traces": ["t.csv"],\n "systems": ["uvm"],\n "profiles": ["a100"]}'), ['profiles.unknown-platform', 3, 15, 'profiles[0]']);
  assert.deepEqual(where('{"traces": [{"workload": "rodinia-nwx"}], "systems": ["uvm"]}'), ['workloads.unknown', 1, 26, 'traces[0].workload']);
  assert.deepEqual(where('{"traces": [{"file": "t.csv", "from": "xls"}], "systems": ["uvm"]}'), ['import.unsupported-format', 1, 39, 'traces[0].from']);
  assert.deepEqual(where('{"traces": [{"workload": "rodinia-nw", "set": {"nope": 1}}], "systems": ["uvm"]}'), ['workloads.unknown-param', 1, 56, 'traces[0].set.nope']);
});

test('a system item: one per entry, its parameters known and well-formed', () => {
  // "uvm,gmem-linux" in one entry ran uvm alone: the run resolution took the first of the two items
  const comma = problem('{"traces": ["t.csv"], "systems": ["uvm,gmem-linux"]}');
  assert.equal(comma?.code, 'run.bad-item');
  assert.equal(comma?.field, 'systems[0]');
  assert.deepEqual(where('{"traces": ["t.csv"], "systems": ["uvm:foo=1"]}'), ['run.unknown-param', 1, 35, 'systems[0]']);
  assert.deepEqual(where('{"traces": ["t.csv"], "systems": ["uvm:prefetch=maybe"]}'), ['run.bad-param-value', 1, 35, 'systems[0]']);
  assert.deepEqual(where('{"traces": ["t.csv"], "systems": ["uvm:"]}'), ['run.bad-item', 1, 35, 'systems[0]']);
});

test('set, grid and scale keys: profile fields and their text values, preset parameters, bare keys against the leaf systems', () => {
  assert.deepEqual(where('{"traces": ["t"], "systems": ["uvm"], "set": {"device.nope": 1}}'), ['profiles.unknown-key', 1, 62, 'set.device.nope']);
  assert.deepEqual(where('{"traces": ["t"], "systems": ["uvm"], "set": {"link.latencyNs": "1e999"}}'), ['profiles.bad-value', 1, 65, 'set.link.latencyNs']);
  assert.deepEqual(where('{"traces": ["t"], "systems": ["uvm"], "grid": {"uvm.eviction": ["lru-4k", "nope"]}}'), ['run.bad-param-value', 1, 75, 'grid.uvm.eviction[1]']);
  assert.deepEqual(where('{"traces": ["t"], "systems": ["uvm"], "set": {"gmem-paper.victim": "lru"}}'), ['run.set-preset-not-selected', 1, 68, 'set.gmem-paper.victim']);
  assert.deepEqual(where('{"traces": ["t"], "systems": ["uvm"], "profiles": ["a100-pcie4"], "grid": {"victim": ["lru"]}}'), ['run.set-matches-nothing', 1, 86, 'grid.victim']);
  assert.deepEqual(where('{"traces": ["t"], "systems": ["uvm"], "scale": {"device.nope": [2]}}'), ['profiles.unknown-key', 1, 64, 'scale.device.nope']);
  // a bare key is fine when a system of some leaf has it (victim: gmem-paper in the second sub-sweep)
  assert.equal(problem('{"traces": ["t"], "systems": ["uvm"], "profiles": ["a100-pcie4"], "set": {"victim": "lru"}, "sweeps": [{"oversub": [1]}, {"systems": ["gmem-paper"]}]}'), undefined);
});

test('a leaf sub-sweep without traces or systems is located at that sub-sweep', () => {
  assert.deepEqual(where('{"systems": ["uvm"],\n "sweeps": [{"oversub": [1]}]}'), ['sweep.missing-field', 2, 13, 'sweeps[0].traces']);
  assert.deepEqual(where('{"traces": ["t"]}'), ['sweep.missing-field', 1, 1, 'systems']);
});

test('names are not judged for another backend (its systems may be its own)', () => {
  assert.equal(problem('{"traces": ["t"], "systems": ["a", "b"]}', false), undefined);
});

test('every run of a leaf would fail: a system without a platform, a set capacity beside an oversub ratio', () => {
  // gmem-paper has a default platform (x97-sim), uvm has none
  assert.deepEqual(where('{"traces": ["t"], "systems": ["gmem-paper", "uvm"]}'), ['run.no-profile', 1, 45, 'systems[1]']);
  assert.equal(problem('{"traces": ["t"], "systems": ["gmem-paper"]}'), undefined);
  assert.equal(problem('{"traces": ["t"], "systems": ["uvm"], "sweeps": [{"profiles": ["a100-pcie4"]}]}'), undefined, 'a profile given in the sub-sweep');
  assert.deepEqual(where('{"traces": ["t"], "systems": ["uvm"], "profiles": ["h100-pcie5"], "set": {"device.memory.capacityBytes": "1GiB"}, "oversub": [null, 2]}'), ['run.oversub-with-capacity', 1, 106, 'set.device.memory.capacityBytes']);
  assert.equal(problem('{"traces": ["t"], "systems": ["uvm"], "profiles": ["h100-pcie5"], "set": {"device.memory.capacityBytes": "1GiB"}, "oversub": [null]}'), undefined);
});
