import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeferredUnmapQueue, planInvalidation } from '../../src/model/tlb';

const tlb = { invalidateNs: 1000, invalidateAllNs: 2000, rangeInvalidate: false };

test('batches at or above the coalesce threshold take one domain flush; below it one per page or per range', () => {
  assert.deepEqual(planInvalidation(tlb, 2, 5, 5), { ops: 1, ns: 2000, coalesced: true });
  assert.deepEqual(planInvalidation(tlb, 2, 4, 5), { ops: 4, ns: 4000, coalesced: false });
  assert.deepEqual(planInvalidation({ ...tlb, rangeInvalidate: true }, 2, 4, 5), { ops: 2, ns: 2000, coalesced: false });
  assert.deepEqual(planInvalidation(tlb, 0, 0, 5), { ops: 0, ns: 0, coalesced: false });
});

test('the deferred unmap queue asks for a drain above its page threshold and on its period', () => {
  const q = new DeferredUnmapQueue(1024, 1e9);
  assert.equal(q.enqueue(1000), false);
  assert.equal(q.enqueue(25), true);
  assert.deepEqual(q.drain(5), { entries: 2, pages: 1025 });
  assert.equal(q.dueAt(999_999_999), false);
  assert.equal(q.dueAt(1e9), true);
  q.drain(1e9);
  assert.equal(q.dueAt(1.5e9), false);
});
