import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashUnitIndex, RadixUnitIndex, type UnitIndex } from '../../src/model/unit-index';
import { Rng } from '../../src/sim/rng';

for (const [name, make] of [['hash', () => new HashUnitIndex(4)], ['radix', () => new RadixUnitIndex()]] as const) {
  test(`${name} index agrees with a Map on random set/get/delete over keys up to 2^41`, () => {
    const rng = new Rng(7);
    const idx: UnitIndex = make();
    const ref = new Map<number, number>();
    const base = 2 ** 40;
    for (let i = 0; i < 50_000; i++) {
      const key = rng.next() < 0.5 ? rng.int(3000) : base + rng.int(3000) * 512;
      const r = rng.next();
      if (r < 0.5) {
        idx.set(key, i);
        ref.set(key, i);
      } else if (r < 0.75) assert.equal(idx.delete(key), ref.delete(key));
      else assert.equal(idx.get(key), ref.get(key) ?? -1);
      assert.equal(idx.size, ref.size);
    }
    for (const [k, v] of ref) assert.equal(idx.get(k), v);
  });
}

test('hash index as a counter: add returns the new value and removes keys that reach 0', () => {
  const idx = new HashUnitIndex(4);
  assert.equal(idx.add(5, 1), 1);
  assert.equal(idx.add(5, 2), 3);
  assert.equal(idx.add(2 ** 45, 1), 1);
  assert.equal(idx.add(5, -3), 0);
  assert.equal(idx.get(5), -1);
  assert.equal(idx.size, 1);
});
