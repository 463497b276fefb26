import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectUnitIndex, HashUnitIndex, RadixUnitIndex, type UnitIndex } from '../../src/model/unit-index';
import { Rng } from '../../src/sim/rng';

for (const [name, make] of [['hash', () => new HashUnitIndex(4)], ['radix', () => new RadixUnitIndex()], ['direct', () => new DirectUnitIndex()]] as const) {
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

test('direct index: keys below its window and far above it live in the hash, and still agree with a Map', () => {
  const idx = new DirectUnitIndex();
  // the window starts 4096 leaves (of 4096 keys) below the first key's leaf and spans 2^18 leaves
  const first = 2 ** 35 + 5;
  idx.set(first, 1);
  const below = 2 ** 35 - 4097 * 4096; // one leaf under the window
  const above = 2 ** 35 + 2 ** 30 + 3; // beyond 2^18 leaves
  idx.set(below, 2);
  idx.set(above, 3);
  idx.set(above, 4); // replace, not a second key
  assert.equal(idx.size, 3);
  assert.deepEqual([idx.get(first), idx.get(below), idx.get(above), idx.get(first + 1)], [1, 2, 4, -1]);
  assert.equal(idx.slotsInOrder(0, 2 ** 40), undefined, 'a hashed key: the caller must sort');
  assert.equal(idx.delete(below), true);
  assert.equal(idx.delete(below), false);
  assert.equal(idx.delete(above), true);
  assert.deepEqual([...idx.slotsInOrder(0, 2 ** 40)!], [1]);
  assert.equal(idx.size, 1);
});

test('direct index: slotsInOrder lists the slots of [u0, u1) in key order, across leaves', () => {
  const idx = new DirectUnitIndex();
  const keys = [9000, 4095, 4096, 1, 8191, 12_288, 5];
  keys.forEach((k, i) => idx.set(k, 100 + i));
  // sorted keys 1 5 4095 4096 8191 9000 12288 → slots 103 106 101 102 104 100 105
  assert.deepEqual([...idx.slotsInOrder(0, 20_000)!], [103, 106, 101, 102, 104, 100, 105]);
  assert.deepEqual([...idx.slotsInOrder(5, 9000)!], [106, 101, 102, 104], 'half-open range');
});

test('direct index: sparse keys spill into the hash once more than 4096 leaves hold under 64 keys each, without losing any', () => {
  const idx = new DirectUnitIndex();
  const ref = new Map<number, number>();
  for (let i = 0; i < 5000; i++) {
    const key = 2 ** 30 + i * 4096 * 3; // one key per leaf, every third leaf
    idx.set(key, i);
    ref.set(key, i);
  }
  assert.equal(idx.size, 5000);
  for (const [k, v] of ref) assert.equal(idx.get(k), v);
  assert.equal(idx.slotsInOrder(0, 2 ** 40), undefined, 'spilled: every key is in the hash');
  idx.set(2 ** 30 + 1, 7); // after the spill, new keys go to the hash too
  assert.equal(idx.get(2 ** 30 + 1), 7);
  assert.equal(idx.size, 5001);
});
