import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparisonTable } from '../../src/analysis/comparison-table';
import { runsTable } from '../../src/analysis/tables';
import { oversubSweep } from './fixtures';

const at2 = () => (runsTable(oversubSweep()).objects() as Record<string, unknown>[]).filter((r) => r.oversub === 2);

test('one row per system with values formatted in their units', () => {
  const t = comparisonTable(at2(), { metrics: ['simTimeNs', 'bytesH2D', { column: 'deviceFaults', label: 'faults' }] });
  assert.deepEqual(t.columnNames(), ['system', 'status', 'simTimeNs', 'bytesH2D', 'faults']);
  assert.deepEqual(t.objects(), [
    { system: 'gmem-linux', status: 'ok', simTimeNs: '32 ms', bytesH2D: '12 GiB', faults: '6,000' },
    { system: 'uvm', status: 'ok', simTimeNs: '140 ms', bytesH2D: '80 GiB', faults: '30,000' },
    { system: 'hmm-svm', status: 'ok', simTimeNs: '43.5 ms', bytesH2D: '18 GiB', faults: '9,000' },
  ]);
});

test('a run with OOM events is shown as oom, its time flagged not comparable and given no ratio', () => {
  const rows = at2().map((r) => (r.system === 'hmm-svm' ? { ...r, oomEvents: 4, status: 'oom' } : r));
  const t = comparisonTable(rows, { metrics: [{ column: 'simTimeNs', label: 'sim time' }], baseline: 'uvm' });
  assert.deepEqual(t.array('status'), ['ok', 'ok', 'oom']);
  assert.deepEqual(t.array('sim time'), ['32 ms (0.229×)', '140 ms (1×)', '43.5 ms (OOM: not comparable)']);
  const failedBase = comparisonTable(rows, { metrics: [{ column: 'simTimeNs', label: 'sim time' }], baseline: 'hmm-svm' });
  assert.deepEqual(failedBase.array('sim time'), ['32 ms (baseline OOM)', '140 ms (baseline OOM)', '43.5 ms (OOM: not comparable)']);
});

test('rows that are not runs (no status or event columns) get no status column', () => {
  const t = comparisonTable([{ system: 'a', v: 1 }, { system: 'b', v: 2 }], { metrics: ['v'] });
  assert.deepEqual(t.columnNames(), ['system', 'v']);
});

test('with a baseline every cell shows its ratio to the baseline system', () => {
  const t = comparisonTable(at2(), { metrics: [{ column: 'simTimeNs', label: 'sim time' }], baseline: 'uvm' });
  assert.deepEqual(t.array('sim time'), ['32 ms (0.229×)', '140 ms (1×)', '43.5 ms (0.311×)']);
});

test('a system appearing twice or an unknown baseline is a clear error', () => {
  assert.throws(() => comparisonTable(runsTable(oversubSweep())), /'system' = "gmem-linux" appears in more than one row/);
  assert.throws(() => comparisonTable(at2(), { baseline: 'explicit-copy' }), /baseline "explicit-copy" is not a value of 'system'/);
});
