import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VmaSet } from '../../src/model/vma';

const NONE = 0;
const PEER = 1;

test('mmap inside a reservation splits it at both boundaries; adjacent equal mappings merge', () => {
  const v = new VmaSet();
  assert.deepEqual(v.mmap(0, 100, NONE), { splits: 0, merges: 0 });
  assert.deepEqual(v.mmap(10, 20, PEER), { splits: 2, merges: 0 });
  assert.equal(v.count, 3);
  assert.deepEqual(v.mmap(20, 30, PEER), { splits: 1, merges: 1 }); // splits [20,100), merges with [10,20)
  assert.equal(v.count, 3);
  assert.equal(v.tagAt(25), PEER);
  assert.deepEqual(v.munmap(15, 25), { splits: 2, merges: 0 });
  assert.equal(v.count, 4);
  assert.equal(v.tagAt(20), -1);
  assert.equal(v.peak, 4);
});
