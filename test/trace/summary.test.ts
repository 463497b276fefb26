import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsToBatches } from '../../src/trace/batch';
import { digestBatches } from '../../src/trace/digest';
import { summarizeTrace } from '../../src/trace/summary';
import { memoryTrace } from '../../src/trace/trace';

const MiB = 1 << 20;

test('the summary counts ops, weighted accesses, agents, spans, footprint and digest (hand-computed)', async () => {
  const batches = eventsToBatches([
    { op: 'alloc', tNs: 100, agent: 'cpu', va: 0x10000000, bytes: 3 * MiB, flags: ['managed'] }, // 4 MiB in 2 MiB granules
    { op: 'alloc', tNs: 200, agent: 'cpu', va: 0x20000000, bytes: MiB, flags: ['host'] }, // not device-accessible
    { op: 'access', tNs: 300, agent: 'dev0', va: 0x10000000, bytes: 4096, access: 'r', count: 5 },
    { op: 'access', tNs: 400, agent: 'dev1', va: 0x10001000, bytes: 4096, access: 'w' },
    { op: 'prefetch', tNs: 500, agent: 'cpu', va: 0x10000000, bytes: MiB, target: 'dev2' },
    { op: 'alloc', tNs: 600, agent: 'cpu', va: 0x30000000, bytes: MiB, flags: ['device'] }, // live: 4 + 2 = 6 MiB
    { op: 'free', tNs: 700, agent: 'cpu', va: 0x10000000 },
    { op: 'marker', tNs: 800, agent: 'cpu', label: 'end' },
  ], undefined, 3);
  const s = await summarizeTrace(memoryTrace('demo', batches, { workload: 'x' }));
  assert.equal(s.events, 8);
  assert.deepEqual(s.eventsByOp, { alloc: 3, free: 1, access: 2, prefetch: 1, marker: 1 });
  assert.equal(s.accesses, 6);
  assert.deepEqual(s.agents, ['cpu', 'dev0', 'dev1', 'dev2']);
  assert.deepEqual(s.eventsByAgent, { cpu: 6, dev0: 1, dev1: 1 });
  assert.deepEqual(s.vaSpan, { minVa: 0x10000000, endVa: 0x30000000 + MiB, bytes: 0x20000000 + MiB });
  assert.deepEqual(s.timeSpan, { firstNs: 100, lastNs: 800, durationNs: 700 });
  assert.equal(s.footprintBytes, 6 * MiB);
  assert.equal(s.digest, digestBatches(batches));
  assert.deepEqual(s.meta, { workload: 'x' });
  assert.deepEqual(s.warnings, {});
});

test('an empty trace has null spans', async () => {
  const s = await summarizeTrace(memoryTrace('empty', []));
  assert.equal(s.events, 0);
  assert.equal(s.vaSpan, null);
  assert.equal(s.timeSpan, null);
  assert.deepEqual(s.eventsByOp, {});
});
