import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay, testPlatform } from '../harness';

// hmm-svm scope=mm: the device bound to the whole process address space (SVA) vs to its SVM ranges only.
const BUF = 0x4000_0000;
const HOST = 0x8000_0000;
const trace: TraceEvent[] = [
  { op: 'alloc', tNs: 0, va: BUF, bytes: 2 * MiB, flags: ['managed'] },
  { op: 'access', tNs: 10, agent: 'dev0', va: BUF, bytes: 4096, access: 'r' },
  // CPU-only memory the device never touches: allocated, protected, freed
  { op: 'alloc', tNs: 20, va: HOST, bytes: 1 * MiB, flags: ['host'] },
  { op: 'protect', tNs: 30, va: HOST, bytes: 1 * MiB, flags: ['readonly'] },
  { op: 'free', tNs: 40, va: HOST },
  // a protect of the mirrored range itself: called back by its range notifier in both scopes
  { op: 'protect', tNs: 50, va: BUF, bytes: 4096, flags: ['readonly'] },
];

test('hmm-svm scope=ranges: CPU-side invalidations of memory outside every SVM range never reach the device', async () => {
  const r = await replay('hmm-svm', {}, trace);
  assert.equal(r.summary.extra.mmCallbacks, 0);
  assert.equal(r.summary.extra.notifierCallbacks, 1, 'only the protect of the mirrored range');
});

test('hmm-svm scope=mm (SVA): every invalidation outside the ranges costs one mm-wide callback and one device TLB invalidation', async () => {
  const plat = testPlatform();
  const ranges = await replay('hmm-svm', {}, trace);
  const mm = await replay('hmm-svm', { scope: 'mm' }, trace);
  assert.equal(mm.summary.extra.mmCallbacks, 2, 'the protect and the free of the host buffer');
  assert.equal(mm.summary.extra.notifierCallbacks, 3);
  assert.equal(mm.summary.tlbInvalidations - ranges.summary.tlbInvalidations, 2);
  const extra = mm.summary.timeInvalidateNs - ranges.summary.timeInvalidateNs;
  assert.ok(Math.abs(extra - 2 * (plat.host.notifierNs + plat.device.tlb.invalidateNs)) < 1e-6, `${extra}`);
});

test('hmm-svm scope=mm: fork reaches the device once through the mm notifier besides the per-range callbacks', async () => {
  const f: TraceEvent[] = [...trace.slice(0, 2), { op: 'fork', tNs: 60 }];
  const ranges = await replay('hmm-svm', {}, f);
  const mm = await replay('hmm-svm', { scope: 'mm' }, f);
  assert.equal(mm.summary.extra.mmCallbacks, 1);
  assert.equal(mm.summary.extra.notifierCallbacks, ranges.summary.extra.notifierCallbacks! + 1);
});
