import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foundText } from '../../src/log/found-text';

test('foundText: JSON text cut to 60 characters, Infinity named, deep values without a stack overflow', () => {
  assert.equal(foundText('uvm'), '"uvm"');
  assert.equal(foundText([1, 2]), '[1,2]');
  assert.equal(foundText('x'.repeat(100)), `"${'x'.repeat(59)}…`);
  // 1e999 in a JSON file parses to Infinity, which JSON.stringify prints as null
  assert.equal(foundText(Infinity), 'Infinity');
  assert.equal(foundText(-Infinity), '-Infinity');
  let deep: unknown = [];
  for (let k = 0; k < 50_000; k++) deep = [deep];
  assert.equal(foundText(deep), '[…]');
  let deepObj: unknown = {};
  for (let k = 0; k < 50_000; k++) deepObj = { a: deepObj };
  assert.equal(foundText(deepObj), '{…}');
});
