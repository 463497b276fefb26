import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeBreakdown } from '../../src/analysis/time-breakdown';
import { runsTable } from '../../src/analysis/tables';
import { CAUSE_NAMES } from '../../src/sim/clock';
import { MS, oversubSweep } from './fixtures';

test('time breakdown has one row per run per cause, in cause order, with shares of the run time', () => {
  const t = timeBreakdown(runsTable(oversubSweep().slice(0, 1))); // gmem-linux @ 0.5: 10 + 1 + 2 ms
  assert.equal(t.numRows(), CAUSE_NAMES.length);
  assert.deepEqual(t.array('cause'), [...CAUSE_NAMES]);
  assert.deepEqual(t.array('ns'), [10 * MS, 1 * MS, 2 * MS, 0, 0, 0, 0, 0]);
  assert.deepEqual(t.array('share'), [10 / 13, 1 / 13, 2 / 13, 0, 0, 0, 0, 0]);
  assert.equal(t.get('system', 0), 'gmem-linux');
});

test('shares of every run sum to 1 and dropZero leaves out causes without time', () => {
  const t = timeBreakdown(runsTable(oversubSweep()), { dropZero: true });
  const sums = new Map<string, number>();
  for (const r of t.objects() as Record<string, unknown>[]) sums.set(r.specHash as string, (sums.get(r.specHash as string) ?? 0) + (r.share as number));
  assert.equal(sums.size, 12);
  for (const s of sums.values()) assert.ok(Math.abs(s - 1) < 1e-12);
  assert.ok((t.array('ns') as number[]).every((ns) => ns > 0));
});

test('a run with zero time has zero shares, not NaN', () => {
  const t = timeBreakdown([{ system: 'x', simTimeNs: 0, timeComputeNs: 0, timeFaultNs: 0, timeTransferNs: 0, timeEvictNs: 0, timeInvalidateNs: 0, timeMapNs: 0, timeRemoteNs: 0, timeOtherNs: 0 }]);
  assert.deepEqual(t.array('share'), [0, 0, 0, 0, 0, 0, 0, 0]);
});
