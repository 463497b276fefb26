import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { GPUVM_SPARSE_DEFAULTS } from '../../../src/systems/gpuvm-sparse/params';
import { GiB, KiB, MiB, replay, testPlatform } from '../harness';

// Hand-computed entry, directory, submission and invalidation counts per driver (src/systems/gpuvm-sparse/drivers.ts
// cites the code of each rule). R is 1 GiB aligned; the test platform has ptLevels levels (root at the top).
const R = 1024 * GiB;
const near = (a: number, b: number, msg = ''): void => assert.ok(Math.abs(a - b) < 1e-6, `${msg} ${a} ≈ ${b}`);
const reserve: TraceEvent = { op: 'reserve', tNs: 0, va: R, bytes: 64 * GiB };
const nullBind = (t: number, va: number, bytes: number): TraceEvent => ({ op: 'map', tNs: t, va, bytes, flags: ['null'], pageBytes: 64 * KiB });
const tile = (t: number, va: number, slot: number, resource = 'pool'): TraceEvent => ({ op: 'map', tNs: t, va, bytes: 64 * KiB, resource, offsetBytes: slot * 64 * KiB, pageBytes: 64 * KiB });
const P = GPUVM_SPARSE_DEFAULTS;

test('one NULL bind of a 64 MiB image writes the large entries the driver would write, and one table per missing level', async () => {
  const plat = testPlatform();
  const m = plat.device.map;
  const L = plat.device.ptLevels;
  // 2 MiB aligned: 32 × 2 MiB entries (xe_pt_hugepte_possible: NULL VMAs need no DMA check; amdgpu PDE-as-PTE;
  // nouveau 2 MiB sparse pages) in one new level-1 table and its ancestors below the root: L − 2 directory entries
  for (const driver of ['xe', 'amdgpu', 'nouveau'] as const) {
    const r = await replay('gpuvm-sparse', { driver }, [reserve, nullBind(10, R, 64 * MiB)]);
    const s = r.summary;
    assert.equal(s.extra.pteWrites, 32, driver);
    assert.equal(s.extra.largeEntries, 32, driver);
    assert.equal(s.extra.pdeWrites, L - 2, driver);
    assert.equal(s.extra.submissions, 1, driver);
    near(s.timeMapNs, P.opNs + (32 + L - 2) * m.pteNs + (L - 2) * P.tableAllocNs + m.submitNs, driver);
    // a bind invalidates nothing, except on nouveau, whose every walk ends in nvkm_vmm_flush
    assert.equal(s.tlbInvalidations, driver === 'nouveau' ? 1 : 0, driver);
  }
  // before issue 20 (legacy): one 64 KiB entry per page, 1,024 of them, in 32 leaf tables
  const legacy = await replay('gpuvm-sparse', { driver: 'legacy' }, [reserve, nullBind(10, R, 64 * MiB)]);
  assert.equal(legacy.summary.extra.pteWrites, 1024);
  assert.equal(legacy.summary.extra.pdeWrites, 32 + L - 2);
  near(legacy.summary.timeMapNs, m.bindNs + (1024 + 32 + L - 2) * m.pteNs + m.submitNs, 'legacy stacks parts on the composite');
  // 64 KiB past the boundary: xe and amdgpu fill the head and tail 2 MiB regions with 4 KiB entries
  // (2 MiB − 64 KiB = 496, then 31 × 2 MiB, then 64 KiB = 16); nouveau with 64 KiB sparse pages (31 + 31 + 1)
  const odd = [reserve, nullBind(10, R + 64 * KiB, 64 * MiB)];
  assert.equal((await replay('gpuvm-sparse', { driver: 'xe' }, odd)).summary.extra.pteWrites, 496 + 31 + 16);
  assert.equal((await replay('gpuvm-sparse', { driver: 'amdgpu' }, odd)).summary.extra.pteWrites, 496 + 31 + 16);
  assert.equal((await replay('gpuvm-sparse', { driver: 'nouveau' }, odd)).summary.extra.pteWrites, 31 + 31 + 1);
});

test('a 64 KiB page is 16 PS64-hinted PTEs on xe, 16 fragment PTEs on amdgpu, one large-page entry on nouveau; a whole 2 MiB of 64 KiB pages is a compact table on xe', async () => {
  const count = async (driver: string, bytes: number): Promise<number> =>
    (await replay('gpuvm-sparse', { driver }, [reserve, { op: 'map', tNs: 10, va: R, bytes, resource: 'pool', pageBytes: 64 * KiB }])).summary.extra.pteWrites!;
  assert.deepEqual([await count('xe', 64 * KiB), await count('amdgpu', 64 * KiB), await count('nouveau', 64 * KiB), await count('legacy', 64 * KiB)], [16, 16, 1, 1]);
  assert.deepEqual([await count('xe', 2 * MiB), await count('amdgpu', 2 * MiB), await count('nouveau', 2 * MiB)], [32, 512, 32]);
  // a 2 MiB page bind of contiguous memory is one level-1 entry everywhere
  const big = await replay('gpuvm-sparse', { driver: 'amdgpu' }, [reserve, { op: 'map', tNs: 10, va: R, bytes: 4 * MiB, resource: 'geo', pageBytes: 2 * MiB }]);
  assert.equal(big.summary.extra.pteWrites, 2);
});

test('a tile bound inside a NULL image splits it: xe and amdgpu rewrite the kept pieces, nouveau does not', async () => {
  const ev = [reserve, nullBind(10, R, 64 * MiB), tile(20, R + 64 * KiB, 0)];
  // the bind over the NULL range unbinds [R+64K, R+128K) (16 NULL 4 KiB entries cleared), keeps [R, R+64K)
  // (boundary not 2 MiB aligned → 16 entries rewritten) and [R+128K, R+64M) (480 + 31 = 511 rewritten; xe:
  // vm_bind_ioctl_ops_parse skip_prev/next only at xe_vma_max_pte_size alignment), then writes the tile's 16 PTEs
  const xe = (await replay('gpuvm-sparse', { driver: 'xe' }, ev)).summary;
  assert.equal(xe.extra.keptRewrites, 2);
  assert.equal(xe.extra.keptRewriteEntries, 16 + 511);
  assert.equal(xe.extra.pteWrites, 32 + (16 + 16 + 511) + 16);
  assert.equal(xe.extra.remaps, 1);
  assert.equal(xe.extra.submissions, 2);
  assert.equal(xe.tlbInvalidations, 1, 'one per VM_BIND ioctl that unbound something');
  const amd = (await replay('gpuvm-sparse', { driver: 'amdgpu' }, ev)).summary;
  assert.equal(amd.extra.pteWrites, 32 + (16 + 16 + 511) + 16, 'amdgpu_vm_bo_clear_mappings: kept pieces rebound');
  // nouveau: only the hole is unmapped (one 64 KiB sparse entry), kept pieces stay, the tile is one LPT entry
  const nv = (await replay('gpuvm-sparse', { driver: 'nouveau' }, ev)).summary;
  assert.equal(nv.extra.keptRewrites, 0);
  assert.equal(nv.extra.pteWrites, 32 + 1 + 1);
  assert.equal(nv.tlbInvalidations, 3, 'NULL bind, unbind of the hole, tile bind: one nvkm_vmm_flush each');
  // a split at a 2 MiB boundary keeps the neighbour untouched on xe (skip_prev), but not on amdgpu
  const aligned = [reserve, nullBind(10, R, 64 * MiB), { op: 'unmap', tNs: 20, va: R, bytes: 2 * MiB } as TraceEvent];
  assert.equal((await replay('gpuvm-sparse', { driver: 'xe' }, aligned)).summary.extra.keptRewrites, 0);
  assert.equal((await replay('gpuvm-sparse', { driver: 'amdgpu' }, aligned)).summary.extra.keptRewrites, 1);
});

test('submissions and invalidations of three tile swaps in one vkQueueBindSparse call, per driver', async () => {
  const plat = testPlatform();
  const ev: TraceEvent[] = [reserve, nullBind(10, R, 64 * MiB), tile(20, R, 0), tile(20, R + 2 * MiB, 1), tile(20, R + 4 * MiB, 2),
    { op: 'kernelBegin', tNs: 30, agent: 'dev0', label: 'frame', durNs: 1000 }, { op: 'kernelEnd', tNs: 1030, agent: 'dev0', label: 'frame' }];
  const xe = (await replay('gpuvm-sparse', { driver: 'xe' }, ev)).summary;
  assert.deepEqual([xe.extra.submissions, xe.tlbInvalidations], [2, 1], 'xe: one ioctl per call, one invalidation for it');
  near(xe.timeInvalidateNs, plat.device.tlb.invalidateNs);
  const amd = (await replay('gpuvm-sparse', { driver: 'amdgpu' }, ev)).summary;
  assert.deepEqual([amd.extra.submissions, amd.tlbInvalidations], [4, 1], 'amdgpu: one GEM_VA ioctl per bind; one flush before the next job');
  const nv = (await replay('gpuvm-sparse', { driver: 'nouveau' }, ev)).summary;
  assert.deepEqual([nv.extra.submissions, nv.tlbInvalidations], [2, 1 + 3 + 3], 'nouveau: one ioctl per call, a flush per map and unmap walk');
  const perOp = (await replay('gpuvm-sparse', { driver: 'xe', submission: 'per-op' }, ev)).summary;
  assert.deepEqual([perOp.extra.submissions, perOp.tlbInvalidations], [4, 3]);
});

test('asahi: the measured composite per-op costs are charged alone, never with their parts stacked on top', async () => {
  const m = testPlatform().device.map;
  const r = await replay('gpuvm-sparse', { driver: 'asahi' }, [reserve, tile(10, R, 0), { op: 'unmap', tNs: 20, va: R, bytes: 64 * KiB }]);
  near(r.summary.timeMapNs, m.bindNs + m.unbindNs);
  assert.equal(r.summary.timeInvalidateNs, 0);
  assert.equal(r.summary.tlbInvalidations, 0);
  assert.equal(r.summary.extra.pteWrites, 8, '16 KiB pages: 4 entries written, 4 cleared (counted, not charged)');
});

test('aliasing is by backing object and offset: distinct pool slots do not alias, the same slot at a second VA does; read-only and 64 KiB pages are counted but expressible', async () => {
  const r = await replay('gpuvm-sparse', {}, [
    reserve, tile(10, R, 0), tile(20, R + 64 * KiB, 1), tile(30, R + 1 * MiB, 0),
    { op: 'map', tNs: 40, va: R + 4 * MiB, bytes: 2 * MiB, resource: 'geo', pageBytes: 2 * MiB, flags: ['readonly'] },
  ]);
  const x = r.summary.extra;
  assert.equal(x.honouredAliased, 1);
  assert.equal(x.honouredPageSize, 3);
  assert.equal(x.honouredReadonly, 1);
  assert.equal(x.flaggedBinds, 1, 'only the alias is inexpressible here');
  // unbinding the first slot frees it: binding slot 0 again elsewhere no longer aliases... but the third bind still holds it
  const again = await replay('gpuvm-sparse', {}, [reserve, tile(10, R, 0), { op: 'unmap', tNs: 20, va: R, bytes: 64 * KiB }, tile(30, R + 1 * MiB, 0)]);
  assert.equal(again.summary.extra.honouredAliased, 0);
});
