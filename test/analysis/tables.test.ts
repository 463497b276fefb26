import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runsTable } from '../../src/analysis/tables';
import { CAUSE_FIELDS } from '../../src/sim/clock';
import { COUNTER_FIELDS } from '../../src/sim/counters';
import { MS, oversubSweep, result, summary } from './fixtures';

test('runsTable has one row per run in input order, with the documented column layout', () => {
  const results = oversubSweep();
  const t = runsTable(results);
  assert.equal(t.numRows(), 12);
  const names = t.columnNames();
  assert.deepEqual(names.slice(0, 4), ['trace', 'system', 'preset', 'profile']);
  // params.* (sorted) come before capacity; counters and times in contract order; extra.* before provenance; warnings last
  const expectedMiddle = ['params.eviction', 'params.prefetch', 'params.retryFaults', 'params.unitBytes', 'capacityBytes', 'footprintBytes', 'touchedBytes', 'oversub', 'oversubBasis', ...COUNTER_FIELDS, 'status', 'simTimeNs', ...CAUSE_FIELDS, 'extra.notifierCallbacks', 'specHash', 'traceDigest', 'seed', 'version', 'warnings.sim.thrashing'];
  assert.deepEqual(names.slice(4), expectedMiddle);
  assert.deepEqual(t.array('system'), results.map((r) => r.summary.system));
  assert.equal(t.get('trace', 0), 'traces/hand-made.csv');
});

test('every run row has a status: ok, or oom / error from its OOM and error event counts', () => {
  const base = oversubSweep().slice(0, 3);
  const runs = [base[0]!, { ...base[1]!, summary: { ...base[1]!.summary, oomEvents: 2 } }, { ...base[2]!, summary: { ...base[2]!.summary, errorEvents: 1 } }];
  assert.deepEqual(runsTable(runs).array('status'), ['ok', 'oom', 'error']);
});

test('a parameter or extra counter a system does not have is null, an absent warning count is 0', () => {
  const t = runsTable(oversubSweep());
  const rows = t.objects() as Record<string, unknown>[];
  const gmem = rows.find((r) => r.system === 'gmem-linux')!;
  const uvm2 = rows.find((r) => r.system === 'uvm' && r.oversub === 2)!;
  const hmm = rows.find((r) => r.system === 'hmm-svm' && r.oversub === 1.5)!;
  assert.equal(gmem['params.prefetch'], null);
  assert.equal(gmem['params.unitBytes'], 2097152);
  assert.equal(gmem['extra.notifierCallbacks'], null);
  assert.equal(hmm['extra.notifierCallbacks'], 30);
  assert.equal(hmm['params.retryFaults'], true);
  assert.equal(gmem['warnings.sim.thrashing'], 0);
  assert.equal(uvm2['warnings.sim.thrashing'], 3);
  assert.equal(uvm2.simTimeNs, 140 * MS); // 10 + 30 + 80 + 20 ms
});

test('bare summaries and results give the same row except the trace, which only results know', () => {
  const r = result({ system: 'uvm', times: { compute: 5 } });
  const a = runsTable([r]).objects()[0] as Record<string, unknown>;
  const b = runsTable([summary({ system: 'uvm', times: { compute: 5 } })]).objects()[0] as Record<string, unknown>;
  assert.equal(a.trace, 'traces/hand-made.csv');
  assert.equal(b.trace, null);
  assert.deepEqual({ ...a, trace: null }, b);
});

test('sweep coordinates become set.* and scale.* columns after profile', () => {
  const r = { ...result({ system: 'uvm', times: { compute: 5 } }), point: { trace: 'workload:ml-train', set: { 'uvm.eviction': 'lru-4k' }, scale: { 'link.h2dBytesPerNs': 2 } } };
  const t = runsTable([r]);
  assert.deepEqual(t.columnNames().slice(0, 6), ['trace', 'system', 'preset', 'profile', 'set.uvm.eviction', 'scale.link.h2dBytesPerNs']);
  assert.equal(t.get('trace', 0), 'workload:ml-train');
  assert.equal(t.get('scale.link.h2dBytesPerNs', 0), 2);
});

test('runsTable does not modify its input', () => {
  const results = oversubSweep();
  const before = JSON.stringify(results);
  runsTable(results);
  assert.equal(JSON.stringify(results), before);
});
