import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reservedLruEviction } from '../../../src/policies/eviction/reserved-lru';
import { largePageLruEviction } from '../../../src/policies/eviction/large-page-lru';
import { randomEviction } from '../../../src/policies/eviction/random';
import { Rng } from '../../../src/sim/rng';
import type { PolicyEnv } from '../../../src/policies/types';

const env = (slots: number, evictable: (s: number) => boolean = () => true, groupOf?: (s: number) => number): PolicyEnv => ({
  slots, rng: new Rng(1), isEvictable: evictable, groupOf,
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
