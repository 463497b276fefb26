import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reservedLruEviction } from '../../../src/policies/eviction/reserved-lru';
import { largePageLruEviction } from '../../../src/policies/eviction/large-page-lru';
import { randomEviction } from '../../../src/policies/eviction/random';
import { Rng } from '../../../src/sim/rng';
import type { PolicyEnv } from '../../../src/policies/types';

const env = (slots: number, evictable: (s: number) => boolean = () => true, groupOf?: (s: number) => number, unitOf?: (s: number) => number): PolicyEnv => ({
  slots, rng: new Rng(1), isEvictable: evictable, groupOf, unitOf,
});

test('reserved-lru: with 10 resident pages and 20% reserved, the 3rd least recently used page is the victim', () => {
  const p = reservedLruEviction.create({ reservedFraction: 0.2 }, env(16));
  for (let s = 0; s < 10; s++) p.onInsert(s, s);
  assert.equal(p.victim(10), 2); // ⌊10 × 0.2⌋ = 2 pages (0 and 1) skipped
  p.onTouch(2, 11, 0); // 2 becomes most recent: order 0 1 3 4 … 9 2
  assert.equal(p.victim(12), 3);
  p.onRemove(0); // 9 resident → ⌊1.8⌋ = 1 skipped: order 1 3 4 … → victim 3
  assert.equal(p.victim(13), 3);
});

test('reserved-lru agrees with a sorted-array reference on random operations', () => {
  for (const f of [0, 0.1, 0.2, 0.75]) {
    const p = reservedLruEviction.create({ reservedFraction: f }, env(40));
    const order: number[] = []; // LRU first
    const rng = new Rng(5);
    for (let t = 0; t < 5000; t++) {
      const s = rng.int(40);
      const i = order.indexOf(s);
      const r = rng.int(3);
      if (i < 0) {
        order.push(s);
        p.onInsert(s, t);
      } else if (r === 0) {
        order.splice(i, 1);
        p.onRemove(s);
      } else {
        order.splice(i, 1);
        order.push(s);
        p.onTouch(s, t, 0);
      }
      const expect = order.length === 0 ? -1 : order[Math.floor(order.length * f)]!;
      assert.equal(p.victim(t), expect, `f=${f} t=${t}`);
    }
  }
});

test('large-page-lru: the group whose newest page is oldest goes first; LRU inside it', () => {
  // groups of 4 slots: group 0 = slots 0..3, group 1 = 4..7
  const p = largePageLruEviction.create({ reservedFraction: 0 }, env(8, () => true, (s) => s >> 2));
  p.onInsert(0, 0); // g0
  p.onInsert(4, 1); // g1
  p.onInsert(1, 2); // g0 (g0 newest = t2)
  p.onInsert(5, 3); // g1 (g1 newest = t3)
  assert.equal(p.victim(4), 0, 'g0 is older as a group; slot 0 is its LRU page');
  p.onTouch(0, 5, 0); // g0 newest = t5 → g1 first; inside g1 LRU = 4
  assert.equal(p.victim(6), 4);
  p.onRemove(4);
  assert.equal(p.victim(7), 5);
  p.onRemove(5);
  assert.equal(p.victim(8), 1, 'g0 order: 1 then 0');
});

test('large-page-lru with units: entries are units (UVMSmart basic blocks), placed by their newest slot; the reservation counts units', () => {
  // groups of 8 slots (s >> 3), units of 2 slots (s >> 1): g0 = units 0 {0,1}, 1 {2,3}, …; g1 = units 4 {8,9}, …
  const mk = (f: number) => largePageLruEviction.create({ reservedFraction: f }, env(16, () => true, (s) => s >> 3, (s) => s >> 1));
  const p = mk(0);
  p.onInsert(0, 0); // unit 0
  p.onInsert(2, 1); // unit 1
  p.onInsert(1, 2); // unit 0 again: its entry is refreshed (refresh_valid_pages) → g0 order: unit 1, unit 0
  assert.equal(p.victim(3), 2, 'unit 1 is the oldest entry although slot 0 is the oldest slot');
  p.onTouch(2, 4, 0); // unit 1 newest → g0 order: unit 0, unit 1
  const v = p.victim(5);
  assert.ok(v === 0 || v === 1, `a slot of unit 0, got ${v}`);
  p.onInsert(8, 6); // g1 (unit 4) is the newest group
  assert.ok([0, 1].includes(p.victim(7)), 'g0 still first');
  p.onRemove(0);
  p.onRemove(1); // unit 0 leaves with its last slot
  assert.equal(p.victim(8), 2);
  // 3 units resident: 0 {0,1} (t0, t2 → newest t2), 1 {2} (t1), 4 {8} (t3); order g0: unit 1, unit 0; then g1: unit 4.
  // ⌊3 units × 0.5⌋ = 1 unit skipped (⌊4 slots × 0.5⌋ = 2 slots would skip into g1)
  const q = mk(0.5);
  q.onInsert(0, 0);
  q.onInsert(2, 1);
  q.onInsert(1, 2);
  q.onInsert(8, 3);
  const w = q.victim(4);
  assert.ok(w === 0 || w === 1, `the second entry (unit 0), got ${w}`);
});

test('random: skips unevictable slots and covers every resident slot over many draws', () => {
  const pinned = new Set([3]);
  const p = randomEviction.create({}, env(8, (s) => !pinned.has(s)));
  const seen = new Set<number>();
  for (let s = 0; s < 8; s++) p.onInsert(s, s);
  for (let k = 0; k < 400; k++) {
    const v = p.victim(k);
    assert.notEqual(v, 3);
    seen.add(v);
    p.onRemove(v);
    p.onInsert(v, k); // reinsert: a new draw
  }
  assert.equal(seen.size, 7);
});
