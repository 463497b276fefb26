import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingCostTable } from '../../src/analysis/binding-cost';

// Hand-made runs of a 2 s binding trace with 8,000 map/unmap rows: gmem reports VMAs and inexpressible binds
// and counts its own operations (10,000), gpuvm live binds, flagged (honoured) binds and 16,000 operations.
const runs = [
  { trace: 'game', system: 'gmem-linux', profile: 'p', mapOps: 6000, unmapOps: 4000, timeMapNs: 40e6, 'extra.vmaCount': 900, 'extra.inexpressibleBinds': 700, 'extra.gpuvaPeak': null, 'extra.flaggedBinds': null },
  { trace: 'game', system: 'gpuvm-sparse', profile: 'p', mapOps: 6000, unmapOps: 10000, timeMapNs: 8e6, 'extra.vmaCount': null, 'extra.inexpressibleBinds': null, 'extra.gpuvaPeak': 1200, 'extra.flaggedBinds': 700 },
  { trace: 'idle', system: 'gmem-linux', profile: 'p', mapOps: 0, unmapOps: 0, timeMapNs: 0 },
];

test('per-operation costs, offered and sustainable call rates, and the share of wall time spent mapping (hand-computed)', () => {
  const [gmem, gpuvm] = bindingCostTable(runs.slice(0, 2), { durationNs: 2e9, traceOps: 8000 }).objects() as Record<string, unknown>[];
  // 40 ms over 10,000 system ops = 4,000 ns; over the program's 8,000 calls = 5,000 ns per call → 200,000 calls/s
  // sustainable; 8,000 calls in 2 s = 4,000/s offered; 40 ms of 2 s = 2 %
  assert.deepEqual(gmem, {
    trace: 'game', system: 'gmem-linux', profile: 'p', mapOps: 6000, unmapOps: 4000, systemOps: 10000, nsPerSystemOp: 4000, timeMapNs: 40e6, timeInvalidateNs: 0, bindingNs: 40e6, hiddenBindingNs: 0, exposedBindingNs: 40e6, traceOps: 8000, nsPerTraceOp: 5000, offeredOpsPerS: 4000, sustainableOpsPerS: 200000, mapTimeShare: 0.02, mappingsPeak: 900, flaggedBinds: 700,
  });
  // 8 ms: 500 ns per system op (16,000), 1,000 ns per program call → 1e6 calls/s
  assert.deepEqual([gpuvm!.nsPerSystemOp, gpuvm!.nsPerTraceOp, gpuvm!.sustainableOpsPerS, gpuvm!.offeredOpsPerS], [500, 1000, 1e6, 4000]);
  assert.deepEqual([gpuvm!.mappingsPeak, gpuvm!.flaggedBinds], [1200, 700]);
});

test('no operations give null costs, missing system counters null; durations and call counts may be given per trace and must exist', () => {
  const [, , idle] = bindingCostTable(runs, { durationNs: { game: 2e9, idle: 1e9 }, traceOps: { game: 8000, idle: 0 } }).objects() as Record<string, unknown>[];
  assert.deepEqual([idle!.nsPerSystemOp, idle!.nsPerTraceOp, idle!.sustainableOpsPerS, idle!.offeredOpsPerS, idle!.mappingsPeak, idle!.flaggedBinds], [null, null, null, 0, null, null]);
  assert.throws(() => bindingCostTable(runs, { durationNs: { game: 2e9 }, traceOps: 1 }), /no positive durationNs for trace "idle"/);
  assert.throws(() => bindingCostTable(runs, { durationNs: 1, traceOps: { game: 1 } }), /no non-negative traceOps for trace "idle"/);
});

test('the per-call cost includes the TLB invalidations the run charged (an unbind is done when the device forgets it)', () => {
  // 6 ms mapping + 2 ms invalidating over 8,000 calls = 1,000 ns per call (6 ms alone would be 750 ns)
  const [r] = bindingCostTable([{ trace: 'game', system: 'gpuvm-sparse', mapOps: 6000, unmapOps: 2000, timeMapNs: 6e6, timeInvalidateNs: 2e6 }], { durationNs: 2e9, traceOps: 8000 }).objects() as Record<string, unknown>[];
  assert.deepEqual([r!.timeInvalidateNs, r!.bindingNs, r!.nsPerTraceOp, r!.nsPerSystemOp, r!.mapTimeShare], [2e6, 8e6, 1000, 1000, 0.004]);
});

test('bindingCostTable: bind work on a sparse-binding queue counts in full; the part that overlapped rendering is hidden', () => {
  // 3 ms of queue work of which 1 ms exposed (already in timeMapNs = 0.5 ms sync + 1 ms stall), 0.5 ms invalidation on the clock
  const [r] = bindingCostTable([{ trace: 'game', system: 'gpuvm-sparse', mapOps: 3000, unmapOps: 0, timeMapNs: 1.5e6, timeInvalidateNs: 0.5e6, 'extra.bindQueueNs': 3e6, 'extra.bindExposedNs': 1e6, 'extra.bindHiddenNs': 2e6 }], { durationNs: 1e9, traceOps: 3000 }).objects() as Record<string, unknown>[];
  assert.deepEqual([r!.bindingNs, r!.hiddenBindingNs, r!.exposedBindingNs, r!.nsPerTraceOp], [4e6, 2e6, 2e6, 4e6 / 3000]);
});
