import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateRuns } from '../../src/analysis/aggregate';

const seeds = [
  { system: 'uvm', oversub: 1.5, seed: 0, simTimeNs: 10 },
  { system: 'uvm', oversub: 1.5, seed: 1, simTimeNs: 14 },
  { system: 'uvm', oversub: 1.5, seed: 2, simTimeNs: 12 },
  { system: 'gmem-linux', oversub: 1.5, seed: 0, simTimeNs: 7 },
];

test('runs are grouped by the given columns in first-seen order with hand-computed statistics', () => {
  const t = aggregateRuns(seeds, { by: ['system', 'oversub'], values: ['simTimeNs'], stats: ['count', 'mean', 'median', 'min', 'max', 'stdev', 'sum'] });
  assert.deepEqual(t.columnNames(), ['system', 'oversub', 'count', 'simTimeNs_mean', 'simTimeNs_median', 'simTimeNs_min', 'simTimeNs_max', 'simTimeNs_stdev', 'simTimeNs_sum']);
  const [uvm, gmem] = t.objects() as Record<string, unknown>[];
  assert.deepEqual(uvm, { system: 'uvm', oversub: 1.5, count: 3, simTimeNs_mean: 12, simTimeNs_median: 12, simTimeNs_min: 10, simTimeNs_max: 14, simTimeNs_stdev: 2, simTimeNs_sum: 36 });
  assert.equal(gmem!.simTimeNs_stdev, null); // one sample: no sample deviation
  assert.equal(gmem!.count, 1);
});

test('null cells are ignored by the statistics but counted as rows', () => {
  const t = aggregateRuns([{ s: 'a', v: 2 }, { s: 'a', v: null }, { s: 'a', v: 4 }], { by: ['s'], values: ['v'] });
  assert.deepEqual(t.objects()[0], { s: 'a', count: 3, v_mean: 3, v_min: 2, v_max: 4 });
});
