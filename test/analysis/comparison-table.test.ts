import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparisonTable } from '../../src/analysis/comparison-table';
import { runsTable } from '../../src/analysis/tables';
import { oversubSweep } from './fixtures';

const at2 = () => (runsTable(oversubSweep()).objects() as Record<string, unknown>[]).filter((r) => r.oversub === 2);

test('one row per system with values formatted in their units', () => {
  const t = comparisonTable(at2(), { metrics: ['simTimeNs', 'bytesH2D', { column: 'deviceFaults', label: 'faults' }] });
  assert.deepEqual(t.columnNames(), ['system', 'simTimeNs', 'bytesH2D', 'faults']);
  assert.deepEqual(t.objects(), [
    { system: 'gmem-linux', simTimeNs: '32 ms', bytesH2D: '12 GiB', faults: '6,000' },
    { system: 'uvm', simTimeNs: '140 ms', bytesH2D: '80 GiB', faults: '30,000' },
    { system: 'hmm-svm', simTimeNs: '43.5 ms', bytesH2D: '18 GiB', faults: '9,000' },
  ]);
});

test('with a baseline every cell shows its ratio to the baseline system', () => {
  const t = comparisonTable(at2(), { metrics: [{ column: 'simTimeNs', label: 'sim time' }], baseline: 'uvm' });
  assert.deepEqual(t.array('sim time'), ['32 ms (0.229×)', '140 ms (1×)', '43.5 ms (0.311×)']);
});

test('a system appearing twice or an unknown baseline is a clear error', () => {
  assert.throws(() => comparisonTable(runsTable(oversubSweep())), /'system' = "gmem-linux" appears in more than one row/);
  assert.throws(() => comparisonTable(at2(), { baseline: 'explicit-copy' }), /baseline "explicit-copy" is not a value of 'system'/);
});
