import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FREE, FramePool, WIRED } from '../../src/model/frame-pool';

test('frames are handed out from 0 upward, returned, and wired frames are counted', () => {
  const p = new FramePool(3);
  assert.equal(p.alloc(7), 0);
  assert.equal(p.alloc(WIRED), 1);
  assert.equal(p.wired, 1);
  assert.equal(p.alloc(9), 2);
  assert.equal(p.alloc(10), -1);
  assert.equal(p.used, 3);
  p.release(1);
  assert.equal(p.wired, 0);
  assert.equal(p.holder[1], FREE);
  assert.equal(p.alloc(11), 1);
});
