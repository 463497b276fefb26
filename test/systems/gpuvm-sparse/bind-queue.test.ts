import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { GiB, KiB, replay } from '../harness';

// The sparse-binding queue (src/systems/gpuvm-sparse/bind-queue.ts) and compressed-bind costs (compression.ts).
// Costs are set so one bind costs exactly opNs: no PTE cost, no table cost; one submission costs submitNs.
const R = 1024 * GiB;
const T = 64 * KiB;
const costs = { 'device.map.pteNs': 0, 'device.map.submitNs': 500 };
const params = { driver: 'xe', opNs: 1000, tableAllocNs: 0 };
const reserve: TraceEvent = { op: 'reserve', tNs: 0, va: R, bytes: 64 * GiB };
const tile = (t: number, k: number, flags: TraceEvent['flags'] = ['async'], resource = 'pool'): TraceEvent =>
  ({ op: 'map', tNs: t, va: R + k * T, bytes: T, resource, offsetBytes: k * T, pageBytes: T, flags });
const kernel = (t: number, durNs: number): TraceEvent[] => [
  { op: 'kernelBegin', tNs: t, agent: 'dev0', label: 'frame', durNs },
  { op: 'kernelEnd', tNs: t + durNs, agent: 'dev0', label: 'frame' },
];
/** Frame 0 renders from t = 1000 for 1000 ns; its call of 3 binds is submitted at 1000; frame 1 starts at `next`. */
const frame = (next: number, flags: TraceEvent['flags'] = ['async']): TraceEvent[] => [
  reserve,
  { op: 'kernelBegin', tNs: 1000, agent: 'dev0', label: 'frame', durNs: 1000 },
  tile(1000, 0, flags), tile(1000, 1, flags), tile(1000, 2, flags),
  { op: 'kernelEnd', tNs: 2000, agent: 'dev0', label: 'frame' },
  ...kernel(next, 1000),
];

test('a frame of 3 binds (3 × 1000 + 500 ns) with a 2000 ns overlap window: 1500 ns exposed, 2000 ns hidden', async () => {
  // queue busy 1000 → 4500; frame 1 waits at 3000 (window 3000 − 1000) until 4500; then renders 1000
  const s = (await replay('gpuvm-sparse', params, frame(3000), costs)).summary;
  assert.equal(s.extra.bindQueueNs, 3500);
  assert.equal(s.extra.bindExposedNs, 1500);
  assert.equal(s.extra.bindHiddenNs, 2000);
  assert.equal(s.extra.bindQueueFrames, 1);
  assert.equal(s.extra.bindFramesStalled, 1);
  assert.equal(s.extra.bindExposedFrameMaxNs, 1500);
  assert.equal(s.simTimeNs, 3000 + 1500 + 1000);
  assert.equal(s.timeMapNs, 1500, 'only the exposed stall is on the clock');
});

test('a window longer than the bind work hides it all; bindQueue=render charges it all on the render path', async () => {
  const hidden = (await replay('gpuvm-sparse', params, frame(10_000), costs)).summary;
  assert.deepEqual([hidden.extra.bindExposedNs, hidden.extra.bindHiddenNs, hidden.extra.bindFramesStalled], [0, 3500, 0]);
  assert.equal(hidden.simTimeNs, 10_000 + 1000);
  const render = (await replay('gpuvm-sparse', { ...params, bindQueue: 'render' }, frame(3000), costs)).summary;
  assert.equal(render.timeMapNs, 3500);
  assert.equal(render.simTimeNs, 3000 + 3500 + 1000);
  assert.equal(render.extra.bindQueueNs, undefined, 'no queue: no queue fields');
  // rows without flags=async stay on the render path even with the queue on
  const sync = (await replay('gpuvm-sparse', params, frame(3000, []), costs)).summary;
  assert.deepEqual([sync.timeMapNs, sync.extra.bindQueueNs], [3500, 0]);
});

test('the queue runs its calls back to back: two frames of binds, the second submitted while the first still runs', async () => {
  // call A at 1000 (3 binds: busy to 4500), call B at 2000 (1 bind + submit: 4500 → 6000); wait at 3000 → 6000
  const ev: TraceEvent[] = [
    reserve,
    { op: 'kernelBegin', tNs: 1000, agent: 'dev0', label: 'frame', durNs: 1000 },
    tile(1000, 0), tile(1000, 1), tile(1000, 2), tile(2000, 3),
    { op: 'kernelEnd', tNs: 2000, agent: 'dev0', label: 'frame' },
    ...kernel(3000, 1000),
  ];
  const s = (await replay('gpuvm-sparse', params, ev, costs)).summary;
  assert.deepEqual([s.extra.bindQueueNs, s.extra.bindExposedNs, s.extra.bindHiddenNs], [5000, 3000, 2000]);
  assert.equal(s.simTimeNs, 6000 + 1000);
});

test('compressed binds: nouveau clears a memory object\'s compression tags at its first compressed bind; xe and amdgpu pay nothing', async () => {
  const ev: TraceEvent[] = [
    reserve,
    tile(10, 0, ['compressed']), tile(20, 1, ['compressed']), tile(30, 2, ['compressed'], 'pool2'),
    { op: 'unmap', tNs: 40, va: R, bytes: 2 * T }, // both compressed binds of `pool` gone: its tags are freed
    tile(50, 3, ['compressed']),
  ];
  const clearNs = 7000;
  const nv = (await replay('gpuvm-sparse', { driver: 'nouveau', compTagClearNs: clearNs }, ev, costs)).summary;
  const nvPlain = (await replay('gpuvm-sparse', { driver: 'nouveau', compTagClearNs: clearNs }, ev.map((e) => ({ ...e, flags: [] })), costs)).summary;
  assert.equal(nv.extra.compTagClears, 3, 'pool, pool2, pool again');
  assert.equal(nv.timeMapNs - nvPlain.timeMapNs, 3 * clearNs);
  for (const driver of ['xe', 'amdgpu']) {
    const c = (await replay('gpuvm-sparse', { driver, compTagClearNs: clearNs }, ev, costs)).summary;
    const plain = (await replay('gpuvm-sparse', { driver, compTagClearNs: clearNs }, ev.map((e) => ({ ...e, flags: [] })), costs)).summary;
    assert.equal(c.extra.compTagClears, 0, driver);
    assert.equal(c.timeMapNs, plain.timeMapNs, `${driver}: the compression index rides in the same PTE write`);
    assert.equal(c.extra.honouredCompressed, 4, driver);
  }
});
