import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVICTION_POLICIES } from '../../../src/policies/index';
import { TouchReason, type PolicyEnv } from '../../../src/policies/types';
import { Rng } from '../../../src/sim/rng';

function env(slots: number, pinned: Set<number> = new Set()): PolicyEnv {
  return { slots, rng: new Rng(1), isEvictable: (s) => !pinned.has(s) };
}

test('lru: a touched slot is refreshed, the least recent evictable slot is the victim, victim() is pure', () => {
  const pinned = new Set<number>();
  const p = EVICTION_POLICIES.lru.create({}, env(4, pinned));
  [0, 1, 2].forEach((s, i) => p.onInsert(s, i));
  p.onTouch(0, 3, TouchReason.markHot);
  assert.equal(p.victim(4), 1);
  assert.equal(p.victim(4), 1);
  pinned.add(1);
  assert.equal(p.victim(4), 2);
  p.onRemove(2);
  assert.equal(p.victim(4), 0);
  pinned.add(0);
  assert.equal(p.victim(4), -1);
});

test('fifo: touches never reorder; the oldest evictable insertion is the victim', () => {
  const p = EVICTION_POLICIES.fifo.create({}, env(4));
  [0, 1, 2].forEach((s, i) => p.onInsert(s, i));
  p.onTouch(0, 3, TouchReason.markHot);
  assert.equal(p.victim(4), 0);
  p.onRemove(0);
  p.onInsert(0, 5);
  assert.equal(p.victim(6), 1);
});

test('both work with a single slot', () => {
  for (const def of Object.values(EVICTION_POLICIES)) {
    const p = def.create({}, env(1));
    assert.equal(p.victim(0), -1);
    p.onInsert(0, 0);
    assert.equal(p.victim(0), 0);
  }
});
