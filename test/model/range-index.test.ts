import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RangeIndex } from '../../src/model/range-index';

test('RangeIndex finds the range containing an address and rejects overlapping inserts', () => {
  const r = new RangeIndex(2);
  assert.ok(r.insert(100, 200, 1));
  assert.ok(r.insert(300, 400, 2));
  assert.ok(r.insert(0, 50, 3));
  assert.ok(!r.insert(150, 310, 4), 'overlap');
  assert.ok(!r.insert(199, 201, 4), 'overlap at the end');
  assert.ok(r.insert(200, 300, 5), 'adjacent ranges are fine');
  assert.equal(r.find(0), 3);
  assert.equal(r.find(49), 3);
  assert.equal(r.find(50), -1);
  assert.equal(r.find(199), 1);
  assert.equal(r.find(200), 5);
  assert.equal(r.find(399), 2);
  assert.equal(r.find(400), -1);
  assert.equal(r.startOf(250), 200);
  assert.equal(r.endOf(250), 300);
  const seen: number[] = [];
  r.forEachOverlap(150, 301, (_s, _e, id) => seen.push(id));
  assert.deepEqual(seen, [1, 5, 2]);
  assert.equal(r.removeAt(200), 5);
  assert.equal(r.removeAt(201), -1);
  assert.equal(r.find(250), -1);
  assert.equal(r.size, 3);
});
