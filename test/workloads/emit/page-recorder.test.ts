import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents } from '../../../src/trace/batch';
import { Rng } from '../../../src/sim/rng';
import { TraceEmitter } from '../../../src/workloads/emit/emitter';
import { PageRecorder } from '../../../src/workloads/emit/page-recorder';

test('a step becomes one r row and one w row per touched page, ascending, clipped to the array', () => {
  const em = new TraceEmitter();
  const rec = new PageRecorder(em, 4096);
  const a = rec.addArray(0x100000, 3 * 4096 + 800, 8); // 512 elements per page, last page 100 elements
  rec.r(a, 1600); // page 3
  rec.r(a, 0);
  rec.r(a, 1);
  rec.w(a, 511); // page 0
  rec.w(a, 600); // page 1
  assert.equal(rec.flush(50, 1), 4);
  assert.deepEqual(batchesToEvents(em.finish()), [
    { op: 'access', tNs: 50, agent: 'dev0', va: 0x100000, bytes: 4096, access: 'r', count: 2 },
    { op: 'access', tNs: 50, agent: 'dev0', va: 0x100000, bytes: 4096, access: 'w' },
    { op: 'access', tNs: 50, agent: 'dev0', va: 0x101000, bytes: 4096, access: 'w' },
    { op: 'access', tNs: 50, agent: 'dev0', va: 0x103000, bytes: 800, access: 'r' },
  ]);
  assert.equal(rec.elementAccesses, 5);
  assert.equal(rec.flush(60, 1), 0, 'the step was reset');
});

test('range and strided count exactly what per-element recording counts', () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 200; trial++) {
    const elem = [1, 4, 8][rng.int(3)]!;
    const len = 1 + rng.int(20000);
    const start = rng.int(len);
    const stride = 1 + rng.int(3000);
    const count = 1 + rng.int(Math.floor((len - 1 - start) / stride) + 1);
    const write = rng.next() < 0.5;
    const fast = new TraceEmitter();
    const slow = new TraceEmitter();
    const rf = new PageRecorder(fast, 4096);
    const rs = new PageRecorder(slow, 4096);
    const af = rf.addArray(0, len * elem, elem);
    const as = rs.addArray(0, len * elem, elem);
    if (stride === 1 && trial % 2) rf.range(af, start, count, write);
    else rf.strided(af, start, stride, count, write);
    for (let k = 0; k < count; k++) (write ? rs.w(as, start + k * stride) : rs.r(as, start + k * stride));
    rf.flush(0, 1);
    rs.flush(0, 1);
    assert.deepEqual(batchesToEvents(fast.finish()), batchesToEvents(slow.finish()), `trial ${trial}`);
  }
});
