import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxOf, minOf } from '../src/extremes';

test('maxOf and minOf answer as Math.max(...xs) and Math.min(...xs) do', () => {
  for (const xs of [[], [3], [1, 5, -2], [0, -0], [1, NaN, 2], [Infinity, -Infinity]]) {
    assert.deepEqual([maxOf(xs), minOf(xs)], [Math.max(...xs), Math.min(...xs)], JSON.stringify(xs));
  }
  assert.equal(maxOf([1, 2], 7), 7);
  assert.equal(minOf([1, 2], -7), -7);
});

test('a list far past the argument limit of a spread call (a 200,000-point sweep table overflowed the stack)', () => {
  const xs = Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 1_000_003);
  let hi = -Infinity;
  let lo = Infinity;
  for (const x of xs) {
    if (x > hi) hi = x;
    if (x < lo) lo = x;
  }
  assert.equal(maxOf(xs), hi);
  assert.equal(minOf(xs), lo);
  assert.throws(() => Math.max(...xs), RangeError, 'the spread form does overflow here');
});
