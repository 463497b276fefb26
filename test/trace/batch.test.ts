import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuilder, batchesToEvents, eventsToBatches } from '../../src/trace/batch';
import { agentFromName, agentName, flagsFromTokens, flagsToTokens, Flag, kindCount, NO_AGENT, Op, opFromCsv, OP_CSV_NAMES, type TraceEvent } from '../../src/trace/event';

const sample: TraceEvent[] = [
  { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x7f0000000000, bytes: 64 * 2 ** 20, flags: ['peer_shared'], resource: 'a0' },
  { op: 'access', tNs: 1000, agent: 'dev0', va: 0x7f0000000000, bytes: 4096, access: 'w', count: 3 },
  { op: 'prefetch', tNs: 2000, agent: 'cpu', va: 0x7f0000200000, bytes: 8 * 2 ** 20, target: 'dev0', flags: ['async'] },
  { op: 'advise', tNs: 2500, agent: 'cpu', va: 0x7f0000000000, bytes: 4096, advice: 'pinned' },
  { op: 'map', tNs: 3000, agent: 'dev1', va: 0x100000, bytes: 65536, resource: 'mem7', offsetBytes: 131072, pageBytes: 65536, flags: ['null', 'compressed'] },
  { op: 'kernelBegin', tNs: 4000, agent: 'dev0', label: 'gemm', durNs: 5000 },
  { op: 'marker', tNs: 5000, agent: 'cpu', label: 'phase:forward' },
];

test('authoring events survive a round trip through batches', () => {
  assert.deepEqual(batchesToEvents(eventsToBatches(sample)), sample);
});

test('the builder splits rows into batches of its capacity and shares one string table', () => {
  const batches = eventsToBatches(sample, undefined, 3);
  assert.deepEqual(batches.map((b) => b.length), [3, 3, 1]);
  assert.ok(batches.every((b) => b.strings === batches[0]!.strings));
  assert.deepEqual(batchesToEvents(batches), sample);
});

test('addRow sets every optional column to its not-given value', () => {
  const b = new BatchBuilder(undefined, 4);
  b.addRow(Op.kernelEnd, 7, 1, NaN, NaN);
  const batch = b.take();
  assert.equal(batch.target[0], NO_AGENT);
  assert.equal(batch.count[0], 1);
  assert.ok(Number.isNaN(batch.durNs[0]!));
  assert.equal(b.length, 0);
});

test('agent names map cpu/host to 0 and devN to N+1', () => {
  assert.equal(agentFromName('cpu'), 0);
  assert.equal(agentFromName('host'), 0);
  assert.equal(agentFromName('dev0'), 1);
  assert.equal(agentFromName('dev12'), 13);
  assert.equal(agentFromName('gpu0'), -1);
  assert.equal(agentName(13), 'dev12');
});

test('flag tokens parse in any order, x_ tokens are dropped, unknown tokens are reported', () => {
  assert.equal(flagsFromTokens('readonly|null'), Flag.null | Flag.readonly);
  assert.equal(flagsToTokens(Flag.null | Flag.readonly), 'null|readonly');
  assert.equal(flagsFromTokens('managed|x_vendor'), Flag.managed);
  assert.deepEqual(flagsFromTokens('managed|huge'), { unknown: 'huge' });
  assert.equal(kindCount(Flag.managed | Flag.device | Flag.null), 2);
});

test('op CSV names are snake_case and round-trip', () => {
  assert.equal(OP_CSV_NAMES[Op.kernelBegin], 'kernel_begin');
  assert.equal(opFromCsv('kernel_end'), Op.kernelEnd);
  assert.equal(opFromCsv('mmap'), -1);
});
