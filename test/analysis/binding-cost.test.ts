import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingCostTable } from '../../src/analysis/binding-cost';

// Hand-made runs of a 2 s binding trace: gmem reports VMAs and inexpressible binds, gpuvm live binds and
// flagged (honoured) binds.
const runs = [
  { trace: 'game', system: 'gmem-linux', profile: 'p', mapOps: 6000, unmapOps: 4000, timeMapNs: 50e6, 'extra.vmaCount': 900, 'extra.inexpressibleBinds': 700, 'extra.gpuvaPeak': null, 'extra.flaggedBinds': null },
  { trace: 'game', system: 'gpuvm-sparse', profile: 'p', mapOps: 6000, unmapOps: 4000, timeMapNs: 10e6, 'extra.vmaCount': null, 'extra.inexpressibleBinds': null, 'extra.gpuvaPeak': 1200, 'extra.flaggedBinds': 700 },
  { trace: 'idle', system: 'gmem-linux', profile: 'p', mapOps: 0, unmapOps: 0, timeMapNs: 0 },
];

test('per-operation cost, offered and sustainable rates, and the share of wall time spent mapping (hand-computed)', () => {
  const [gmem, gpuvm] = bindingCostTable(runs.slice(0, 2), { durationNs: 2e9 }).objects() as Record<string, unknown>[];
  // 10,000 ops in 2 s = 5,000/s offered; 50 ms / 10,000 = 5,000 ns per op → 200,000/s sustainable; 50 ms of 2 s = 2.5 %
  assert.deepEqual(gmem, { trace: 'game', system: 'gmem-linux', profile: 'p', mapOps: 6000, unmapOps: 4000, ops: 10000, timeMapNs: 50e6, nsPerOp: 5000, offeredOpsPerS: 5000, sustainableOpsPerS: 200000, mapTimeShare: 0.025, mappingsPeak: 900, flaggedBinds: 700 });
  assert.equal(gpuvm!.nsPerOp, 1000);
  assert.equal(gpuvm!.sustainableOpsPerS, 1e6);
  assert.equal(gpuvm!.mappingsPeak, 1200);
  assert.equal(gpuvm!.flaggedBinds, 700);
});

test('no operations gives null costs, missing system counters give null; durations may be given per trace and must exist', () => {
  const [, , idle] = bindingCostTable(runs, { durationNs: { game: 2e9, idle: 1e9 } }).objects() as Record<string, unknown>[];
  assert.deepEqual([idle!.nsPerOp, idle!.sustainableOpsPerS, idle!.offeredOpsPerS, idle!.mappingsPeak, idle!.flaggedBinds], [null, null, 0, null, null]);
  assert.throws(() => bindingCostTable(runs, { durationNs: { game: 2e9 } }), /no positive durationNs for trace "idle"/);
});
