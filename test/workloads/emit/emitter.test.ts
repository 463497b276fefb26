import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents } from '../../../src/trace/batch';
import { Access, Flag } from '../../../src/trace/event';
import { TraceEmitter } from '../../../src/workloads/emit/emitter';

test('rows fill batches of the given size and drain in order; finish yields the rest', () => {
  const em = new TraceEmitter(undefined, 4);
  for (let i = 0; i < 10; i++) em.access(i, 1, 4096 * i, 4096, Access.r, 2);
  const first = [...em.drain()];
  assert.deepEqual(first.map((b) => b.length), [4, 4]);
  const rest = [...em.finish()];
  assert.deepEqual(rest.map((b) => b.length), [2]);
  const ev = batchesToEvents([...first, ...rest]);
  assert.equal(ev.length, 10);
  assert.deepEqual(ev[9], { op: 'access', tNs: 9, agent: 'dev0', va: 36864, bytes: 4096, access: 'r', count: 2 });
});

test('optional columns are set per op (map, alloc, marker, kernel)', () => {
  const em = new TraceEmitter();
  em.alloc(0, 0, 0x200000, 8192, Flag.device, em.id('pool0'));
  em.map(1, 1, 0x10000, 65536, em.id('pool0'), 4096, 65536, Flag.compressed);
  em.marker(2, 0, em.id('frame'));
  em.kernelBegin(3, 1, em.id('k'), 500);
  em.kernelEnd(503, 1, em.id('k'));
  assert.deepEqual(batchesToEvents(em.finish()), [
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x200000, bytes: 8192, flags: ['device'], resource: 'pool0' },
    { op: 'map', tNs: 1, agent: 'dev0', va: 0x10000, bytes: 65536, flags: ['compressed'], resource: 'pool0', offsetBytes: 4096, pageBytes: 65536 },
    { op: 'marker', tNs: 2, agent: 'cpu', label: 'frame' },
    { op: 'kernelBegin', tNs: 3, agent: 'dev0', durNs: 500, label: 'k' },
    { op: 'kernelEnd', tNs: 503, agent: 'dev0', label: 'k' },
  ]);
});

test('a generator bug that moves time backwards or off the integers throws', () => {
  const em = new TraceEmitter();
  em.marker(10, 0, em.id('a'));
  assert.throws(() => em.marker(9, 0, em.id('a')), /generator bug/);
  assert.throws(() => em.marker(10.5, 0, em.id('a')), /generator bug/);
});

test('an empty stream still yields one (empty) batch', () => {
  assert.deepEqual([...new TraceEmitter().finish()].map((b) => b.length), [0]);
});
