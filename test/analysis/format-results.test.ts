import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenRun } from '../../src/analysis/flatten';
import { ResultRows } from '../../src/analysis/sweep/results-file';
import { describeCapacity, formatResults, topCostCause } from '../../src/analysis/format-results';
import { resolvePlatform } from '../../src/profiles/resolve';
import { oversubSweep, summary } from './fixtures';

test('run --format csv writes the same text as a sweep result file holding the same runs (one row layout)', () => {
  const results = oversubSweep();
  const file = new ResultRows();
  for (const r of results) file.add(flattenRun(r));
  assert.equal(file.size, results.length);
  assert.equal(formatResults(results, 'csv'), file.text('csv'));
});

test('run --format csv starts with the trace and identity columns and puts warnings last', () => {
  const header = formatResults(oversubSweep(), 'csv').split('\n')[0]!.split(',');
  assert.deepEqual(header.slice(0, 4), ['trace', 'system', 'preset', 'profile']);
  assert.ok(header[header.length - 1]!.startsWith('warnings.'));
});

test('the top cost share of a run longer than 1.8e306 ns is its share, not Infinity (100 × time overflowed)', () => {
  // 100 × 1.9e306 = 1.9e308 is past the largest double (1.797e308)
  const s = summary({ system: 'uvm', times: { transfer: 1.9e306, fault: 1e305 } });
  assert.equal(s.simTimeNs, 2e306);
  assert.equal(topCostCause(s), 'transfer 95 %');
});

test('a capacity set with --set is said to come from that override, not from the profile', () => {
  const s = { ...summary({ system: 'uvm', times: {}, footprintBytes: 4 * 2 ** 20 }), capacityBytes: 0 };
  const platform = resolvePlatform('a100-pcie4', { 'device.memory.capacityBytes': 0 });
  assert.equal(describeCapacity(s, platform), 'capacity 0 B (from --set device.memory.capacityBytes=0); footprint 4 MiB allocated');
  assert.equal(describeCapacity(s, resolvePlatform('a100-pcie4')), 'capacity 0 B (from the profile); footprint 4 MiB allocated');
  assert.equal(describeCapacity(s), 'capacity 0 B (from the profile); footprint 4 MiB allocated', 'without the platform: as before');
});
