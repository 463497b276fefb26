import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdPool, KeyMap } from '../../src/model/key-map';
import { Rng } from '../../src/sim/rng';

test('KeyMap agrees with Map on random set/get/delete, including keys above 2^32', () => {
  const m = new KeyMap(4);
  const ref = new Map<number, number>();
  const rng = new Rng(3);
  for (let i = 0; i < 50_000; i++) {
    const key = rng.int(3) === 0 ? rng.int(2000) : 2 ** 33 + rng.int(500) * 4096;
    const r = rng.int(3);
    if (r === 0) {
      m.set(key, i);
      ref.set(key, i);
    } else if (r === 1) {
      assert.equal(m.delete(key), ref.has(key) ? ref.get(key)! : -1);
      ref.delete(key);
    } else assert.equal(m.get(key), ref.has(key) ? ref.get(key)! : -1);
    assert.equal(m.size, ref.size);
  }
  const seen = new Map<number, number>();
  m.forEach((k, v) => seen.set(k, v));
  assert.deepEqual([...seen].sort((a, b) => a[0] - b[0]), [...ref].sort((a, b) => a[0] - b[0]));
});

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
