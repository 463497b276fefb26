import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/sim/rng';

test('the same seed gives the same sequence; different seeds differ', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const sa = Array.from({ length: 10 }, () => a.uint32());
  assert.deepEqual(sa, Array.from({ length: 10 }, () => b.uint32()));
  assert.notDeepEqual(sa, Array.from({ length: 10 }, () => c.uint32()));
});

test('int(n) is roughly uniform over [0, n)', () => {
  const r = new Rng(1);
  const bins = new Array(10).fill(0);
  for (let i = 0; i < 100000; i++) bins[r.int(10)]++;
  for (const n of bins) assert.ok(n > 9500 && n < 10500, `bin count ${n}`);
});
