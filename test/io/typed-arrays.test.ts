import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grown } from '../../src/io/typed-arrays';

test('grown keeps the kind and the old elements, and fills the new tail (0 by default)', () => {
  const a = Int32Array.from([5, -6, 7]);
  const b = grown(a, 6, -1);
  assert.ok(b instanceof Int32Array);
  assert.deepEqual([...b], [5, -6, 7, -1, -1, -1]);
  assert.deepEqual([...a], [5, -6, 7], 'the input is not modified');
  const f = grown(Float64Array.from([0.5, NaN]), 4);
  assert.ok(f instanceof Float64Array);
  assert.deepEqual([...f], [0.5, NaN, 0, 0]);
  const u = grown(Uint8Array.from([255]), 3, 9);
  assert.deepEqual([...u], [255, 9, 9]);
  assert.deepEqual([...grown(Int16Array.from([-2]), 1, -1)], [-2], 'same length: a plain copy');
  assert.throws(() => grown(Uint32Array.from([1, 2]), 1), RangeError, 'never shrinks');
});
