import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntervalSet } from '../../src/model/interval-set';

test('intervals are found by any address inside, overlaps are refused, coverage needs no gaps', () => {
  const s = new IntervalSet<string>();
  assert.ok(s.insert(100, 200, 'a'));
  assert.ok(s.insert(200, 300, 'b'));
  assert.ok(!s.insert(150, 250, 'x'));
  assert.ok(!s.insert(50, 101, 'x'));
  assert.equal(s.find(100)?.value, 'a');
  assert.equal(s.find(199)?.value, 'a');
  assert.equal(s.find(200)?.value, 'b');
  assert.equal(s.find(300), undefined);
  assert.equal(s.find(99), undefined);
  assert.ok(s.covers(120, 280));
  assert.ok(!s.covers(120, 301));
  assert.deepEqual(s.overlapping(150, 250).map((i) => i.value), ['a', 'b']);
  assert.equal(s.remove(100)?.value, 'a');
  assert.equal(s.find(150), undefined);
  assert.equal(s.remove(100), undefined);
});
