import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transferNs } from '../../../src/model/link';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay, testPlatform } from '../harness';

const A = 0x4000_0000;
const B = 0x8000_0000;
const near = (a: number, b: number, msg = ''): void => assert.ok(Math.abs(a - b) < 1e-6, `${msg} ${a} ≈ ${b}`);
const alloc = (va: number, bytes: number, t = 0): TraceEvent => ({ op: 'alloc', tNs: t, va, bytes, flags: ['managed'] });
const acc = (t: number, agent: string, va: number, access: 'r' | 'w' = 'r'): TraceEvent => ({ op: 'access', tNs: t, agent, va, bytes: 4096, access });
const kernel = (t: number, body: TraceEvent[], durNs = 1_000_000): TraceEvent[] => [
  { op: 'kernelBegin', tNs: t, agent: 'dev0', durNs }, ...body, { op: 'kernelEnd', tNs: t + 1, agent: 'dev0' },
];

test('explicit-copy: a kernel\'s buffers are inferred from its accesses and copied in whole, once', async () => {
  const r = await replay('explicit-copy', {}, [
    alloc(A, 8 * MiB), acc(10, 'cpu', A, 'w'),
    ...kernel(1000, [acc(1000, 'dev0', A), acc(1000, 'dev0', A + 4 * MiB)]),
    ...kernel(3e6, [acc(3e6, 'dev0', A)]),
  ]);
  const s = r.summary;
  assert.equal(s.migrationsH2D, 1, 'the second kernel finds the device copy current');
  assert.equal(s.bytesH2D, 8 * MiB);
  assert.equal(s.extra.kernels, 2);
  assert.equal(s.deviceFaults, 0, 'no demand paging');
});

test('explicit-copy: with overlap the copy starts when the host data is ready; without, the kernel waits for all of it', async () => {
  const plat = testPlatform();
  const d = transferNs(plat.link, 8 * MiB, 'h2d');
  const trace = [alloc(A, 8 * MiB), acc(10, 'cpu', A, 'w'), ...kernel(100_000, [acc(100_000, 'dev0', A)])];
  const ov = await replay('explicit-copy', {}, trace);
  near(ov.summary.extra.copyWaitNs, 10 + d - 100_000, 'overlapped: copy issued at the CPU write (t=10)');
  const sync = await replay('explicit-copy', { overlapCopyCompute: false }, trace);
  near(sync.summary.extra.copyWaitNs, d, 'blocking copy');
  near(sync.summary.timeTransferNs, d);
});

test('explicit-copy: written buffers are copied back before the next CPU access, or eagerly at kernel_end', async () => {
  const trace = [alloc(A, 4 * MiB), acc(10, 'cpu', A, 'w'), ...kernel(1000, [acc(1000, 'dev0', A, 'w')]), acc(5e6, 'cpu', A, 'r')];
  const lazy = await replay('explicit-copy', {}, trace);
  assert.equal(lazy.summary.migrationsD2H, 1);
  assert.equal(lazy.summary.bytesD2H, 4 * MiB);
  const eager = await replay('explicit-copy', { copyBack: 'eager' }, trace);
  assert.equal(eager.summary.migrationsD2H, 1);
  assert.equal(eager.summary.extra.copyWaitNs < lazy.summary.extra.copyWaitNs, true, 'the eager copy overlapped the gap before the CPU read');
  const readOnly = await replay('explicit-copy', {}, [alloc(A, 4 * MiB), ...kernel(1000, [acc(1000, 'dev0', A, 'r')]), acc(5e6, 'cpu', A, 'r')]);
  assert.equal(readOnly.summary.migrationsD2H, 0, 'a buffer the kernel only read needs no copy-back');
});

test('explicit-copy: allocating beyond device capacity is an OOM (swap=none); swap=lru-buffer evicts the idle buffer instead', async () => {
  const trace = [
    alloc(A, 40 * MiB), alloc(B, 40 * MiB, 1),
    ...kernel(1000, [acc(1000, 'dev0', A, 'w')]), ...kernel(3e6, [acc(3e6, 'dev0', B)]),
  ];
  const none = await replay('explicit-copy', {}, trace); // 64 MiB device
  assert.equal(none.summary.oomEvents, 1);
  assert.equal(none.resultEvents.find((e) => e.kind === 'oom')!.va, B);
  assert.equal(none.summary.errorEvents, 1, 'the kernel touching B fails');
  const swap = await replay('explicit-copy', { swap: 'lru-buffer' }, trace);
  assert.equal(swap.summary.oomEvents, 0);
  assert.equal(swap.summary.evictions, 1);
  assert.equal(swap.summary.migrationsD2H, 1, 'A was written by the first kernel: evicting it copies it back');
  assert.equal(swap.summary.bytesD2H, 40 * MiB);
});

test('explicit-copy: a single buffer larger than the device is an OOM even with swap', async () => {
  const r = await replay('explicit-copy', { swap: 'lru-buffer' }, [alloc(A, 80 * MiB), ...kernel(1000, [acc(1000, 'dev0', A)])]);
  assert.equal(r.summary.oomEvents, 1);
});

test('explicit-copy inferCopies=false: trace copy rows are replayed as given; a stale buffer is a fault-error', async () => {
  const copy: TraceEvent = { op: 'copy', tNs: 500, agent: 'cpu', target: 'dev0', va: A, bytes: 4 * MiB };
  const ok = await replay('explicit-copy', { inferCopies: false }, [alloc(A, 4 * MiB), copy, ...kernel(1000, [acc(1000, 'dev0', A)])]);
  assert.equal(ok.summary.errorEvents, 0);
  assert.equal(ok.summary.migrationsH2D, 1);
  const stale = await replay('explicit-copy', { inferCopies: false }, [alloc(A, 4 * MiB), ...kernel(1000, [acc(1000, 'dev0', A)])]);
  assert.equal(stale.summary.errorEvents, 1);
  assert.equal(stale.summary.extra.staleAccesses, 1);
});
