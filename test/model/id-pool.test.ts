import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdPool } from '../../src/model/id-pool';

test('IdPool hands out 0..n-1, reuses given-back ids, and returns -1 when exhausted', () => {
  const p = new IdPool(2);
  assert.equal(p.take(), 0);
  assert.equal(p.take(), 1);
  assert.equal(p.take(), -1);
  p.give(0);
  assert.equal(p.used, 1);
  assert.equal(p.take(), 0);
  p.ensure(3);
  assert.equal(p.take(), 2);
});
