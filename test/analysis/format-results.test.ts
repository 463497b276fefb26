import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenRun } from '../../src/analysis/flatten';
import { ResultRows } from '../../src/analysis/sweep/results-file';
import { formatResults } from '../../src/analysis/format-results';
import { oversubSweep } from './fixtures';

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
