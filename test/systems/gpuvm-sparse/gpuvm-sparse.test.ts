import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../../src/run/run';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';
import { GiB, KiB, MiB, replay, testPlatform, TEST_PROFILE } from '../harness';

const R = 1024 * GiB; // 512 GiB aligned: a fresh corner of the page table
const near = (a: number, b: number, msg = ''): void => assert.ok(Math.abs(a - b) < 1e-6, `${msg} ${a} ≈ ${b}`);
const reserve: TraceEvent = { op: 'reserve', tNs: 0, va: R, bytes: 64 * GiB };
const map = (t: number, va: number, bytes: number, extra: Partial<TraceEvent> = {}): TraceEvent => ({ op: 'map', tNs: t, va, bytes, resource: 'mem0', ...extra });
const acc = (t: number, va: number, access: 'r' | 'w' = 'r'): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes: 4096, access });

test('gpuvm-sparse driver=legacy (the model before issue 20): a bind costs bindNs + pteNs per entry written, including one directory entry per page-table level it creates', async () => {
  const plat = testPlatform();
  const m = plat.device.map;
  const levels = plat.device.ptLevels; // 5 on A100: 4 levels below the root
  const one = await replay('gpuvm-sparse', { driver: 'legacy' }, [reserve, map(10, R, 4 * KiB, { pageBytes: 4096 })]);
  // fresh VA: 1 PTE + a new table at each of the 4 levels below the root (4 directory entries)
  near(one.summary.timeMapNs, m.bindNs + (1 + (levels - 1)) * m.pteNs + m.submitNs, 'first bind');
  assert.equal(one.summary.extra.pdeWrites, levels - 1);
  assert.equal(one.summary.mapOps, 1);
  // a second 4 KiB bind in the same 2 MiB writes only its PTE; a 2 MiB page one GiB away writes its PTE one
  // level up plus one new level-1 table
  const three = await replay('gpuvm-sparse', { driver: 'legacy' }, [
    reserve, map(10, R, 4 * KiB, { pageBytes: 4096 }), map(20, R + 4 * KiB, 4 * KiB, { pageBytes: 4096 }), map(30, R + 1 * GiB, 2 * MiB, { pageBytes: 2 * MiB }),
  ]);
  near(three.summary.timeMapNs, 3 * m.bindNs + (5 + 1 + 2) * m.pteNs + 3 * m.submitNs, 'three binds');
  assert.equal(three.summary.extra.pteWrites, 3);
  // 64 KiB of 4 KiB pages is 16 PTEs
  const big = await replay('gpuvm-sparse', { driver: 'legacy' }, [reserve, map(10, R, 64 * KiB, { pageBytes: 4096 })]);
  assert.equal(big.summary.extra.pteWrites, 16);
  const big64 = await replay('gpuvm-sparse', { driver: 'legacy' }, [reserve, map(10, R, 64 * KiB, { pageBytes: 64 * KiB })]);
  assert.equal(big64.summary.extra.pteWrites, 1, 'one 64 KiB PTE');
});

test('gpuvm-sparse: unbinds of one submission (same t_ns) share one TLB invalidation and one sync', async () => {
  const plat = testPlatform();
  const r = await replay('gpuvm-sparse', {}, [
    reserve, map(10, R, 64 * KiB), map(10, R + 1 * MiB, 64 * KiB),
    { op: 'unmap', tNs: 20, va: R, bytes: 64 * KiB }, { op: 'unmap', tNs: 20, va: R + 1 * MiB, bytes: 64 * KiB },
  ]);
  const s = r.summary;
  assert.equal(s.unmapOps, 2);
  assert.equal(s.extra.submissions, 2);
  assert.equal(s.tlbInvalidations, 1);
  near(s.timeInvalidateNs, plat.device.tlb.invalidateNs);
  const perOp = await replay('gpuvm-sparse', { submission: 'per-op' }, [
    reserve, map(10, R, 64 * KiB), map(10, R + 1 * MiB, 64 * KiB),
    { op: 'unmap', tNs: 20, va: R, bytes: 64 * KiB }, { op: 'unmap', tNs: 20, va: R + 1 * MiB, bytes: 64 * KiB },
  ]);
  assert.equal(perOp.summary.tlbInvalidations, 2);
  assert.equal(perOp.summary.extra.submissions, 4);
});

test('gpuvm-sparse: unbound and NULL-bound pages read zero (nullAccesses); read-only binds refuse writes; outside any reservation is an error', async () => {
  const r = await replay('gpuvm-sparse', {}, [
    reserve,
    map(10, R, 64 * KiB, { flags: ['null'], resource: undefined }),
    map(20, R + 1 * MiB, 64 * KiB, { flags: ['readonly'] }),
    acc(30, R), // NULL page
    acc(40, R + 512 * KiB), // never bound
    acc(50, R + 1 * MiB, 'w'), // read-only
    acc(60, R + 1 * MiB, 'r'),
    acc(70, R + 128 * GiB), // no reservation
  ]);
  const s = r.summary;
  assert.equal(s.extra.nullAccesses, 2);
  assert.equal(s.extra.nullBinds, 1);
  assert.equal(s.extra.readonlyViolations, 1);
  assert.equal(s.errorEvents, 2);
  assert.equal(s.deviceFaults, 0, 'no demand paging');
});

test('gpuvm-sparse: a partial unbind splits the binding (REMAP) and keeps the rest bound', async () => {
  const r = await replay('gpuvm-sparse', {}, [reserve, map(10, R, 1 * MiB), { op: 'unmap', tNs: 20, va: R + 256 * KiB, bytes: 256 * KiB }, acc(30, R), acc(40, R + 256 * KiB), acc(50, R + 768 * KiB)]);
  assert.equal(r.summary.extra.remaps, 1);
  assert.equal(r.summary.extra.nullAccesses, 1, 'only the unbound hole reads zero');
});

test('gpuvm-sparse vs gmem-linux on one game-style trace: flagged binds here = binds GMEM cannot express', async () => {
  const events: TraceEvent[] = [
    reserve,
    map(10, R, 64 * KiB, { flags: ['null'], resource: undefined }),
    map(20, R + 2 * MiB, 2 * MiB, { resource: 'tex', flags: ['compressed'] }),
    map(30, R + 4 * MiB, 2 * MiB, { resource: 'tex' }), // aliases tex
    map(40, R + 6 * MiB, 2 * MiB, { resource: 'ro', flags: ['readonly'] }),
    map(50, R + 8 * MiB, 2 * MiB, { resource: 'big', pageBytes: 64 * KiB }),
    map(60, R + 10 * MiB, 2 * MiB, { resource: 'plain', pageBytes: 2 * MiB }),
    { op: 'unmap', tNs: 70, va: R + 4 * MiB, bytes: 2 * MiB },
    { op: 'release', tNs: 80, va: R },
  ];
  const [gpuvm, gmem] = await compare(memoryTrace('game', eventsToBatches(events)), {
    systems: ['gpuvm-sparse', 'gmem-linux'], profile: TEST_PROFILE, set: { 'device.memory.capacityBytes': 64 * MiB }, debug: true,
  });
  const g = gpuvm!.summary.extra;
  const x = gmem!.summary.extra;
  assert.equal(g.flaggedBinds, 3, 'null, compressed, aliased; read-only and 64 KiB pages are counted but expressible');
  assert.equal(g.flaggedBinds, x.inexpressibleBinds);
  assert.equal(g.honouredNull, x.inexpressibleNull);
  assert.equal(g.honouredCompressed, x.inexpressibleCompressed);
  assert.equal(g.honouredReadonly, x.inexpressibleReadonly);
  assert.equal(g.honouredAliased, x.inexpressibleAliased);
  assert.equal(g.honouredPageSize, x.inexpressiblePageSize);
  assert.equal(gpuvm!.summary.mapOps, gmem!.summary.mapOps, 'one map operation per map row in both');
});

test('one Vulkan bind per tile swap: a map over a live bind replaces it in both systems (REMAP; mmap MAP_FIXED), with no error', async () => {
  const events: TraceEvent[] = [
    reserve,
    map(10, R, 2 * MiB, { flags: ['null'], resource: undefined, pageBytes: 64 * KiB }),
    map(20, R + 64 * KiB, 64 * KiB, { resource: 'pool', offsetBytes: 0, pageBytes: 64 * KiB }),
    map(30, R + 64 * KiB, 64 * KiB, { flags: ['null'], resource: undefined, pageBytes: 64 * KiB }),
    acc(40, R + 64 * KiB),
  ];
  const [gpuvm, gmem] = await compare(memoryTrace('swap', eventsToBatches(events)), {
    systems: ['gpuvm-sparse', 'gmem-linux'], profile: TEST_PROFILE, set: { 'device.memory.capacityBytes': 64 * MiB }, debug: true,
  });
  assert.equal(gpuvm!.summary.errorEvents, 0);
  assert.equal(gmem!.summary.errorEvents, 0, 'before issue 20 gmem refused a map over a live mapping');
  assert.equal(gpuvm!.summary.mapOps, 3);
  assert.equal(gpuvm!.summary.unmapOps, 2, 'each replacement unbinds what it covers: the NULL hole, then the tile');
  assert.equal(gpuvm!.summary.extra.nullAccesses, 1, 'the tile is NULL again');
  assert.equal(gmem!.summary.extra.inexpressibleNull, 2);
  assert.equal(gmem!.summary.mapOps, gpuvm!.summary.mapOps + gmem!.summary.deviceFaults, 'three mmaps (+ a peer_map per device fault)');
});
