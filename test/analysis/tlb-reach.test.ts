import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlbReachTable } from '../../src/analysis/tlb-reach';
import { eventsToBatches } from '../../src/trace/batch';
import { KiB, MiB } from '../../src/units';

// Two kernels on dev0. Kernel 1 touches [0, 128 KiB) and [2 MiB, 2 MiB + 4 KiB); kernel 2 touches [4 MiB − 4 KiB,
// 4 MiB + 4 KiB) twice. One access outside any kernel, and one by another device inside a kernel (ignored).
const batches = eventsToBatches([
  { op: 'access', tNs: 0, agent: 'dev0', va: 0, bytes: 4096, access: 'r' },
  { op: 'kernelBegin', tNs: 1, agent: 'dev0' },
  { op: 'access', tNs: 2, agent: 'dev0', va: 0, bytes: 128 * KiB, access: 'r' },
  { op: 'access', tNs: 3, agent: 'dev0', va: 2 * MiB, bytes: 4 * KiB, access: 'w' },
  { op: 'access', tNs: 3, agent: 'dev1', va: 64 * MiB, bytes: 64 * MiB, access: 'w' },
  { op: 'kernelEnd', tNs: 4, agent: 'dev0' },
  { op: 'kernelBegin', tNs: 5, agent: 'dev0' },
  { op: 'access', tNs: 6, agent: 'dev0', va: 4 * MiB - 4 * KiB, bytes: 8 * KiB, access: 'r' },
  { op: 'access', tNs: 7, agent: 'dev0', va: 4 * MiB - 4 * KiB, bytes: 8 * KiB, access: 'r' },
  { op: 'kernelEnd', tNs: 8, agent: 'dev0' },
]);

test('translations each kernel needs per page size, and the reach of the assumed TLB (hand-counted)', async () => {
  const rows = (await tlbReachTable(batches, { entries: 16 })).objects() as Record<string, number>[];
  // 4 KiB: kernel 1 = 32 + 1 = 33 pages, kernel 2 = 2 → mean 17.5, median 17.5, max 33; 1 of 2 within 16 entries
  assert.deepEqual(rows[0], { pageBytes: 4096, kernels: 2, pagesMean: 17.5, pagesMedian: 17.5, pagesMax: 33, workingSetBytesMax: 33 * 4096, entries: 16, reachBytes: 64 * KiB, kernelsWithinReach: 0.5, accessesOutsideKernels: 1 });
  // 64 KiB: kernel 1 = 2 + 1 = 3, kernel 2 = 2 (the range straddles 4 MiB)
  assert.deepEqual([rows[1]!.pagesMax, rows[1]!.pagesMean, rows[1]!.kernelsWithinReach, rows[1]!.reachBytes], [3, 2.5, 1, MiB]);
  // 2 MiB: kernel 1 = pages 0 and 1, kernel 2 = pages 1 and 2
  assert.deepEqual([rows[2]!.pagesMax, rows[2]!.pagesMedian, rows[2]!.workingSetBytesMax], [2, 2, 4 * MiB]);
});

test('page sizes and the device are options; bad sizes are errors', async () => {
  const t = await tlbReachTable(batches, { entries: 1, pageSizes: [MiB], agent: 'dev1' });
  assert.deepEqual(t.objects()[0], { pageBytes: MiB, kernels: 0, pagesMean: null, pagesMedian: null, pagesMax: null, workingSetBytesMax: null, entries: 1, reachBytes: MiB, kernelsWithinReach: null, accessesOutsideKernels: 1 }); // dev1's access: dev1 runs no kernel
  await assert.rejects(tlbReachTable(batches, { entries: 0 }), /positive integers/);
});
