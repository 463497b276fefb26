import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workloadMessages } from '../../src/log/messages/workloads';
import { checkSeed, parseSetArgs, resolveWorkloadParams, workloadMeta } from '../../src/workloads/params';
import type { WorkloadDef } from '../../src/workloads/types';
import { code } from '../helpers/cli';

type P = { size: number; delay: number; count: number; on: boolean; mode: string };
const def: WorkloadDef<P> = {
  name: 'synthetic-access',
  summary: 'test',
  defaults: { size: 4096, delay: 10, count: 3, on: false, mode: 'a' },
  params: {
    size: { summary: 's', unit: 'bytes' },
    delay: { summary: 'd', unit: 'ns' },
    count: { summary: 'c', unit: 'count' },
    on: { summary: 'o' },
    mode: { summary: 'm', values: ['a', 'b'] },
  },
  validate: (p) => (p.count > 100 ? [['count', 'at most 100']] : []),
  generate: () => [],
  meta: () => ({}),
};

test('parameters take unit suffixes for sizes and durations, plain numbers for counts', () => {
  const p = resolveWorkloadParams(def, { size: '64KiB', delay: '1.5us', count: '12', on: 'true', mode: 'b' });
  assert.deepEqual(p, { size: 65536, delay: 1500, count: 12, on: true, mode: 'b' });
  assert.deepEqual(resolveWorkloadParams(def, {}), def.defaults);
  assert.deepEqual(Object.keys(resolveWorkloadParams(def, { mode: 'b', size: 1 })), ['size', 'delay', 'count', 'on', 'mode']);
});

test('unknown parameters, malformed values and values validate rejects are bad input', () => {
  assert.equal(code(() => resolveWorkloadParams(def, { sise: 1 })), workloadMessages.unknownParam.code);
  assert.equal(code(() => resolveWorkloadParams(def, { count: '12KiB' })), workloadMessages.badParam.code);
  assert.equal(code(() => resolveWorkloadParams(def, { size: 'big' })), workloadMessages.badParam.code);
  assert.equal(code(() => resolveWorkloadParams(def, { on: 'yes' })), workloadMessages.badParam.code);
  assert.equal(code(() => resolveWorkloadParams(def, { mode: 'c' })), workloadMessages.badParam.code);
  assert.equal(code(() => resolveWorkloadParams(def, { count: 101 })), workloadMessages.badParam.code);
  try {
    resolveWorkloadParams(def, { sise: 1 });
  } catch (e) {
    assert.match((e as Error).message, /^argument: workload 'synthetic-access' has no parameter "sise"; its parameters are size, delay, count, on, mode/);
  }
  try {
    resolveWorkloadParams(def, { count: 101 });
  } catch (e) {
    assert.match((e as Error).message, /field 'count', expected at most 100, found "101"/);
  }
});

test('--set texts split at the first =, and a text without = is reported', () => {
  assert.deepEqual(parseSetArgs(['a=1', 'b = x=y ', 'a=2']), { a: '2', b: 'x=y' });
  assert.deepEqual(parseSetArgs(['oops']), { bad: 'oops' });
  assert.deepEqual(parseSetArgs(['=1']), { bad: '=1' });
});

test('seeds are unsigned 32-bit integers', () => {
  assert.equal(checkSeed('42'), 42);
  assert.equal(checkSeed(4294967295), 4294967295);
  for (const bad of ['-1', '1.5', 'x', '4294967296']) assert.equal(code(() => checkSeed(bad)), workloadMessages.badSeed.code);
});

test('metadata lines: workload, seed, devices, every param in order, then extras', () => {
  assert.deepEqual(Object.entries(workloadMeta('x', { b: 2, a: true }, 3, ['dev0'], { 'x.y': 'z' })), [
    ['workload', 'x'], ['seed', '3'], ['devices', 'dev0'], ['param.b', '2'], ['param.a', 'true'], ['x.y', 'z'],
  ]);
});
