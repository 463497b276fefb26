import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay } from '../harness';

// Host memory bounds what hmm-svm moves to system memory (migrate.ts hostTakes): a range eviction the host cannot
// take fails, and so does the migration to VRAM that needed it (a host OOM); a CPU fault on a VRAM unit too.

const BASE = 0x4000_0000;
const P = 4096;
const alloc = (bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: BASE, bytes, flags: ['managed'] });
const acc = (t: number, agent: string, va: number, access: 'r' | 'w' = 'r'): TraceEvent => ({ op: 'access', tNs: t, agent, va, bytes: P, access });
const unit = (k: number): number => BASE + k * 2 * MiB;

// 4 MiB of VRAM: two 2 MiB units, SVM ranges of 2 MiB (VRAM/32 clamped to 2 MiB); unit 2 evicts unit 0's range
const evictionTrace = [alloc(8 * MiB), acc(1e5, 'dev0', unit(0)), acc(2e5, 'dev0', unit(1)), acc(3e5, 'dev0', unit(2)), acc(4e5, 'dev0', unit(2) + P)];
const small = { 'device.memory.capacityBytes': 4 * MiB };

test('hmm-svm: a range eviction the host can take goes ahead', async () => {
  const s = (await replay('hmm-svm', {}, evictionTrace, { ...small, 'host.dramBytes': 2 * MiB })).summary;
  assert.deepEqual([s.deviceFaults, s.evictions, s.bytesD2H, s.oomEvents], [3, 1, 2 * MiB, 0]);
});

test('hmm-svm: with 4 KiB too little host memory the eviction fails and each fault on unit 2 is a host OOM', async () => {
  const r = await replay('hmm-svm', {}, evictionTrace, { ...small, 'host.dramBytes': 2 * MiB - P });
  const s = r.summary;
  assert.deepEqual([s.deviceFaults, s.evictions, s.bytesD2H, s.oomEvents], [4, 0, 0, 2]);
  assert.deepEqual(r.resultEvents.map((e) => [e.kind, e.reason, e.agent, e.va]), [
    ['oom', 'host memory exhausted', 1, unit(2)],
    ['oom', 'host memory exhausted', 1, unit(2)],
  ]);
});

test('hmm-svm: a CPU fault on a VRAM unit the host cannot take fails (host OOM); the unit stays in VRAM', async () => {
  const trace = [alloc(2 * MiB), acc(1e5, 'dev0', BASE, 'w'), acc(2e5, 'cpu', BASE), acc(3e5, 'cpu', BASE + P)];
  const none = await replay('hmm-svm', {}, trace, { 'host.dramBytes': 0 });
  assert.deepEqual([none.summary.cpuFaults, none.summary.bytesD2H, none.summary.oomEvents], [2, 0, 2]);
  assert.ok(none.resultEvents.every((e) => e.reason === 'host memory exhausted' && e.agent === 0));
  const room = (await replay('hmm-svm', {}, trace, { 'host.dramBytes': 2 * MiB })).summary;
  assert.deepEqual([room.cpuFaults, room.bytesD2H, room.oomEvents], [1, 2 * MiB, 0]);
});
