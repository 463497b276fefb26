import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay } from '../harness';

// A `device` allocation (hipMalloc: a KFD VRAM BO) takes VRAM from its allocation on, as in uvm and gmem-*
// (ranges.ts deviceAlloc): before, hmm-svm never counted it, so a trace that overcommits VRAM with device
// buffers ran `ok` in hmm-svm where every other system reported the OOM.

const M = 0x4000_0000; // managed
const D = 0x8000_0000; // device buffers
const P = 4096;
const small = { 'device.memory.capacityBytes': 8 * MiB }; // four 2 MiB frames; SVM ranges of 2 MiB
const dev = (t: number, va: number, bytes: number): TraceEvent => ({ op: 'alloc', tNs: t, agent: 'dev0', va, bytes, flags: ['device'] });
const acc = (t: number, va: number): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes: P, access: 'r' });
const unit = (k: number): number => M + k * 2 * MiB;

test('hmm-svm: device buffers beyond VRAM fail with an OOM and take nothing', async () => {
  const r = await replay('hmm-svm', {}, [dev(0, D, 6 * MiB), dev(1, D + 8 * MiB, 3 * MiB), dev(2, D + 16 * MiB, 2 * MiB)], small);
  // 6 MiB = 3 frames; 3 MiB more would need 2 more (9 MiB rounds up to 5 > 4): refused; 2 MiB more fits (4 frames)
  assert.equal(r.summary.oomEvents, 1);
  assert.equal(r.summary.status, 'oom');
  assert.deepEqual(r.resultEvents.map((e) => [e.kind, e.va]), [['oom', D + 8 * MiB]]);
});

test('hmm-svm: a device buffer evicts SVM ranges to get its VRAM; its free gives the frames back', async () => {
  const trace: TraceEvent[] = [
    { op: 'alloc', tNs: 0, va: M, bytes: 8 * MiB, flags: ['managed'] },
    acc(1e5, unit(0)), acc(2e5, unit(1)), acc(3e5, unit(2)), acc(4e5, unit(3)), // VRAM full of SVM units
    dev(5e5, D, 3 * MiB), // two frames: the two least recently used ranges leave (units 0 and 1)
    acc(6e5, unit(2)), // still resident: no fault
    { op: 'free', tNs: 7e5, agent: 'dev0', va: D },
    acc(8e5, unit(0)), acc(9e5, unit(1)), // back into the freed frames: no eviction
  ];
  const s = (await replay('hmm-svm', {}, trace, small)).summary;
  assert.deepEqual([s.deviceFaults, s.evictions, s.bytesD2H, s.oomEvents], [6, 2, 4 * MiB, 0]);
});

test('hmm-svm: a failed device buffer\'s free releases nothing (the next buffer still fits exactly)', async () => {
  const trace: TraceEvent[] = [dev(0, D, 6 * MiB), dev(1, D + 8 * MiB, 4 * MiB), { op: 'free', tNs: 2, agent: 'dev0', va: D + 8 * MiB }, dev(3, D + 16 * MiB, 2 * MiB), dev(4, D + 24 * MiB, P)];
  const r = await replay('hmm-svm', {}, trace, small);
  // 6 + 2 MiB fill the four frames; the last 4 KiB would need a fifth: two OOMs in all
  assert.deepEqual(r.resultEvents.map((e) => [e.kind, e.va]), [['oom', D + 8 * MiB], ['oom', D + 24 * MiB]]);
});

test('hmm-svm: a device buffer as large as a 1 TiB device takes all its frames and gives them back (no argument spread over 2^19 frames)', async () => {
  const TiB = 2 ** 40;
  const r = await replay('hmm-svm', {}, [dev(0, D, TiB), { op: 'free', tNs: 1, agent: 'dev0', va: D }, dev(2, D, TiB)], { 'device.memory.capacityBytes': TiB });
  assert.equal(r.summary.status, 'ok');
  assert.equal(r.summary.oomEvents, 0);
});
