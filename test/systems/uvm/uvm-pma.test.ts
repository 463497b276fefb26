import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay, testPlatform } from '../harness';

// PMA root-chunk batches (NVIDIA open-gpu-kernel-modules 595.45.04 uvm_pmm_gpu.c): when the PMM needs a root chunk and
// holds no free one, alloc_root_chunk asks PMA for 2^uvm_perf_pma_batch_nonpinned_order root chunks (:1966-1997);
// a chunk free hands one free root chunk back (free_chunk → free_next_available_root_chunk, :2402-2475); an eviction
// passes the evicted root chunk to the allocation that asked for it. Each call costs device.fault.pmaAllocNs.
const BASE = 0x4000_0000; // 2 MiB aligned
const P = 4096;
const blk = (k: number): number => BASE + k * 2 * MiB;
const alloc = (bytes: number, va = BASE): TraceEvent => ({ op: 'alloc', tNs: 0, va, bytes, flags: ['managed'] });
const dev = (t: number, va: number): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes: P, access: 'r' });

test('uvm PMA: one call per 2^pmaBatchOrder root chunks, each charged device.fault.pmaAllocNs in the fault service', async () => {
  const o = {};
  const plat = testPlatform(o);
  const trace = [alloc(8 * MiB), dev(1e5, blk(0)), dev(2e5, blk(1)), dev(3e5, blk(2))];
  // order 1 = 2 root chunks per call: block 0 → call 1 (2 held), block 1 → held, block 2 → call 2
  const two = await replay('uvm', { pmaBatchOrder: 1 }, trace, o);
  assert.equal(two.summary.extra.pmaCalls, 2);
  // the driver default (order 6 = 64 root chunks): one call for the three blocks
  const dflt = await replay('uvm', {}, trace, o);
  assert.equal(dflt.summary.extra.pmaCalls, 1);
  // the calls are the only difference in fault time
  const free = await replay('uvm', { pmaBatchOrder: 1 }, trace, { 'device.fault.pmaAllocNs': 0 });
  assert.ok(Math.abs(two.summary.timeFaultNs - free.summary.timeFaultNs - 2 * plat.device.fault.pmaAllocNs) < 1e-6);
  assert.equal(free.summary.extra.pmaCalls, 2, 'the calls are counted whatever they cost');
});

test('uvm PMA: an eviction reuses the evicted root chunk (no call); a free hands one root chunk back to PMA', async () => {
  // two user root chunks + one kernel root chunk for the page tables; order 0 = one root chunk per call
  const small = { 'device.memory.capacityBytes': 6 * MiB };
  const ev = await replay('uvm', { pmaBatchOrder: 0 }, [alloc(8 * MiB), dev(1e5, blk(0)), dev(2e5, blk(1)), dev(3e5, blk(2))], small);
  assert.equal(ev.summary.evictions, 1);
  assert.equal(ev.summary.extra.pmaCalls, 2, 'blocks 0 and 1 call PMA; block 2 takes the evicted root chunk');
  // order 1: A's block calls PMA (2 held); freeing A hands the spare root chunk back (1 held, 0 used); B's first
  // block takes the one held, its second needs a call
  const A = BASE;
  const B = BASE + 4 * MiB;
  const fr = await replay('uvm', { pmaBatchOrder: 1 }, [
    alloc(2 * MiB, A), alloc(4 * MiB, B), dev(1e5, A), { op: 'free', tNs: 2e5, va: A }, dev(3e5, B), dev(4e5, B + 2 * MiB),
  ]);
  assert.equal(fr.summary.extra.pmaCalls, 2);
});

test('uvm PMA: a call is best effort — it returns only the root chunks the device still has (UVM_PMA_ALLOCATE_ALLOW_PARTIAL)', async () => {
  // 6 MiB: one kernel root chunk for the page tables + two user root chunks. The default order asks for 64 and gets 2;
  // A takes one, B's first block the other; freeing A hands one back (1 held, 1 used), so B's second block calls again
  // (with 64 held it would not)
  const A = BASE;
  const B = BASE + 4 * MiB;
  const r = await replay('uvm', {}, [
    alloc(2 * MiB, A), alloc(4 * MiB, B), dev(1e5, A), dev(2e5, B), { op: 'free', tNs: 3e5, va: A }, dev(4e5, B + 2 * MiB),
  ], { 'device.memory.capacityBytes': 6 * MiB });
  assert.equal(r.summary.evictions, 0);
  assert.equal(r.summary.extra.pmaCalls, 2);
});
