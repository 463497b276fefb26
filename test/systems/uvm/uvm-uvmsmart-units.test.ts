import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transferNs } from '../../../src/model/link';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay, testPlatform } from '../harness';

// The UVMSmart mode (faultCost=far-fault) of uvm, mechanisms read from gpgpu-sim_UVMSmart (bafab5d)
// src/gpgpu-sim/gpu-sim.cc: whole eviction units (is_block_evictable, :2142-2150) and fault transfers split
// at every faulted page with the replay at the end of the faulted page's transfer (:3683-3751, :3226-3242).
const BASE = 0x4000_0000;
const P = 4096;
const near = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${msg ?? ''} ${a} ≈ ${b}`);
const alloc = (bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: BASE, bytes, flags: ['managed'] });
const dev = (t: number, page: number, pages = 1): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va: BASE + page * P, bytes: pages * P, access: 'r' });
const FAR = { faultCost: 'far-fault', thrashing: false, batchMax: 1, prefetch: 'none' };

// page 16 (basic block 1, one page of 16: partial) is touched first, then pages 0..15 (basic block 0, whole);
// the device holds 17 pages, so the fault on page 32 needs one victim. The LRU end is page 16.
const partialFirst = [alloc(2 * MiB), dev(10, 16), dev(20, 0, 16), dev(30, 32)];

test('uvm far-fault, SL-64K eviction: a basic block with a page not valid is no victim (is_block_evictable); the LRU whole block goes', async () => {
  const o = { 'device.memory.capacityBytes': 17 * P };
  const far = await replay('uvm', { ...FAR, eviction: 'sl-64k' }, partialFirst, o);
  assert.equal(far.summary.evictions, 1);
  assert.equal(far.summary.extra.evictedPages, 16, 'basic block 0 (pages 0..15), not the partial block of page 16');
  assert.equal(far.summary.extra.partialVictims, 0);
  // the driver-cost mode keeps the plain order: the least recently used page's basic block, whatever its fill
  const drv = await replay('uvm', { prefetch: 'none', eviction: 'sl-64k', thrashing: false }, partialFirst, o);
  assert.equal(drv.summary.extra.evictedPages, 1, 'page 16 alone: its basic block holds nothing else');
});

test('uvm far-fault, TBN eviction: the tree walk removes only whole basic blocks; a partial one stays (remove_lp_tree, gpu-sim.cc:2574-2586)', async () => {
  const o = { 'device.memory.capacityBytes': 17 * P };
  // victim = basic block 0 (whole); then node [0, 32) holds only page 16 (1 < 16 pages: less than half valid), but
  // page 16's basic block is not whole, so it stays: 16 pages evicted (the walk without the rule would take 17)
  const far = await replay('uvm', { ...FAR, eviction: 'tbn-pre' }, partialFirst, o);
  assert.equal(far.summary.evictions, 1);
  assert.equal(far.summary.extra.evictedPages, 16);
});

test('uvm far-fault, LRU-2MB: a large page with a page not valid is no victim; with none whole, the LRU one goes and is counted', async () => {
  // three 2 MiB blocks, room for 513 pages: block 0 holds one page (touched first), block 1 all 512; block 2's fault needs a page
  const o = { 'device.memory.capacityBytes': 513 * P };
  const trace = [alloc(6 * MiB), dev(10, 0), dev(20, 512, 512), dev(30, 1024)];
  const far = await replay('uvm', { ...FAR, eviction: 'lru-2m' }, trace, o);
  assert.equal(far.summary.evictions, 1);
  assert.equal(far.summary.extra.evictedPages, 512, 'block 1 (whole), not the older block 0 (1 of 512 pages)');
  // only partial blocks resident: the LRU one is taken anyway (UVMSmart would stall) and counted
  const partial = await replay('uvm', { ...FAR, eviction: 'lru-2m' }, [alloc(6 * MiB), dev(10, 0), dev(20, 512), dev(30, 1024)], { 'device.memory.capacityBytes': 2 * P });
  assert.equal(partial.summary.extra.evictedPages, 1);
  assert.equal(partial.summary.extra.partialVictims, 1);
});

test('uvm far-fault, LRU-2MB: device memory is counted in 4 KiB pages, only the victim is a whole large page (gpu-sim.cc alloc_pages / free_pages)', async () => {
  // three 2 MiB blocks, 200 pages touched in each = 600 pages on a 600-page device: nothing is evicted (as 2 MiB chunks
  // they would need 6 MiB); one more page evicts the least recently used large page, block 0, with its 200 pages
  const o = { 'device.memory.capacityBytes': 600 * P };
  const three = [alloc(6 * MiB), dev(10, 0, 200), dev(20, 512, 200), dev(30, 1024, 200)];
  const fits = await replay('uvm', { ...FAR, eviction: 'lru-2m' }, three, o);
  assert.equal(fits.summary.evictions, 0);
  assert.equal(fits.summary.bytesH2D, 600 * P);
  // the blocks are not whole, so the victim is taken as a partial unit (counted); the order is the large pages' LRU order
  const more = await replay('uvm', { ...FAR, eviction: 'lru-2m' }, [...three, dev(40, 1024 + 200)], o);
  assert.equal(more.summary.evictions, 1);
  assert.equal(more.summary.extra.evictedPages, 200, 'block 0, the least recently used large page');
});

test('uvm far-fault: a fault transfer ends at the faulted page; the replay waits for that part only, the rest arrives behind it', async () => {
  const o = {};
  const plat = testPlatform(o);
  const S = plat.device.fault.serviceNs;
  const t6 = transferNs(plat.link, 6 * P, 'h2d');
  const t10 = transferNs(plat.link, 10 * P, 'h2d');
  // SL-64K brings page 5's whole basic block: transfers [0..5] (6 pages, ends at the faulted page) and [6..15] (10 pages)
  const one = await replay('uvm', { ...FAR, prefetch: 'sl-64k' }, [alloc(2 * MiB), dev(10, 5)], o);
  assert.equal(one.summary.bytesH2D, 16 * P);
  assert.equal(one.summary.migrationsH2D, 2);
  near(one.summary.simTimeNs, 10 + S + t6, 'the row resumes when the faulted page has arrived');
  // a later row on page 10 waits for the second transfer: it runs behind the first on the one H2D lane
  const two = await replay('uvm', { ...FAR, prefetch: 'sl-64k' }, [alloc(2 * MiB), dev(10, 5), dev(20, 10)], o);
  assert.ok(t10 > 10, 'the test needs the second transfer to outlast the 10 ns gap');
  near(two.summary.simTimeNs, 10 + S + t6 + t10);
  // a fault on the block's last page: one transfer of all 16 pages, the replay waits for all of it
  const last = await replay('uvm', { ...FAR, prefetch: 'sl-64k' }, [alloc(2 * MiB), dev(10, 15)], o);
  assert.equal(last.summary.migrationsH2D, 1);
  near(last.summary.simTimeNs, 10 + S + transferNs(plat.link, 16 * P, 'h2d'));
});

test('uvm far-fault: a page the current front uses is no victim (in-flight reservation, is_block_evictable → reserve_pages_check)', async () => {
  // LRU-4K, 2 pages of device memory. Page 0 at t=10, page 1 at t=20; the front at t=30 faults on page 2 and then
  // reads page 0. LRU alone evicts page 0 (oldest) and page 0 faults again: 4 faults, 2 evictions. With the front's
  // pages reserved the victim is page 1: 3 faults, 1 eviction.
  const o = { 'device.memory.capacityBytes': 2 * P };
  const trace = [alloc(2 * MiB), dev(10, 0), dev(20, 1), dev(30, 2), dev(30, 0)];
  const far = await replay('uvm', { ...FAR, eviction: 'lru-4k' }, trace, o);
  assert.equal(far.summary.deviceFaults, 3);
  assert.equal(far.summary.evictions, 1);
  assert.equal(far.summary.extra.inFlightVictims, 0);
  // the same reads one front apart: page 0 is not in flight when page 2 faults, so LRU takes it
  const apart = await replay('uvm', { ...FAR, eviction: 'lru-4k' }, [alloc(2 * MiB), dev(10, 0), dev(20, 1), dev(30, 2), dev(31, 0)], o);
  assert.equal(apart.summary.deviceFaults, 4);
  assert.equal(apart.summary.evictions, 2);
});

test('uvm far-fault: when the front uses every unit, the victim is the one it uses least (policy order among equals)', async () => {
  // LRU-2MB, room for two blocks; blocks 0 and 1 whole. The front at t=30 reads 3 pages of block 0, then 1 page of
  // block 1, then faults in block 2: both blocks are in use; LRU would take block 0 (touched first in the front),
  // the fallback takes block 1 (1 page in use < 3). The row at t=40 on block 0 then hits: 512 + 512 + 1 faults.
  const o = { 'device.memory.capacityBytes': 4 * MiB };
  const trace = [alloc(6 * MiB), dev(10, 0, 512), dev(20, 512, 512), dev(30, 0, 3), dev(30, 512), dev(30, 1024), dev(40, 5)];
  const far = await replay('uvm', { ...FAR, eviction: 'lru-2m' }, trace, o);
  assert.equal(far.summary.evictions, 1);
  assert.equal(far.summary.extra.inFlightVictims, 1);
  assert.equal(far.summary.deviceFaults, 1025);
});

test('uvm far-fault: a fault waits for the frames its transfer needs, not for all its evictions (frames free when a write-back starts)', async () => {
  // 16 frames. Row 1 (t=10) faults page 0 with SL-64K: pages 0..15 arrive (transfers [0], [1..15]); the device is full.
  // Row 2 (t=20) faults page 512 (another 2 MiB block): SL-64K wants 16 pages, LRU-4K evicts pages 0..15, sixteen 4 KiB
  // write-backs one after another on the D2H lane. Frame k is free when write k starts (t + k·W). The faulted page's
  // transfer [512] needs one frame — free at once — so the row resumes after one far fault and one 4 KiB copy; the
  // transfer [513..527] waits for the 16th frame. (Waiting for every eviction would add 15·W.)
  const o = { 'device.memory.capacityBytes': 16 * P };
  const plat = testPlatform(o);
  const S = plat.device.fault.serviceNs;
  const t1 = transferNs(plat.link, P, 'h2d');
  const r = await replay('uvm', { ...FAR, prefetch: 'sl-64k', eviction: 'lru-4k' }, [alloc(4 * MiB), dev(10, 0), dev(20, 512)], o);
  assert.equal(r.summary.evictions, 16);
  // row 2's wave starts when block 0's second transfer [1..15] has landed (warps exit only with an idle link,
  // shader.cc:638): at 10 + S + t1 + t15, later than 20 + S + t1
  const t15 = transferNs(plat.link, 15 * P, 'h2d');
  assert.ok(t15 > 10, 'the second transfer outlasts the 10 ns gap (the test relies on it)');
  near(r.summary.simTimeNs, 10 + S + t1 + t15 + S + t1);
});

test('uvm far-fault: the first transfer of a fault joins the LRU list before the second victim (one victim per write-back, gpu-sim.cc:3093-3106, :3197)', async () => {
  // SL-64K prefetch and eviction, half the LRU list reserved; 80 frames. Basic blocks 0..3 arrive at t = 10..40 (LRU order
  // 0 1 2 3), 16 frames stay free. The row at t = 50 faults on pages 79..96: basic blocks 4, 5, 6 (48 pages). Its first
  // transfer, pages 64..79 (up to the first faulted page), fits the free frames and lands while the first victim is
  // written back. Victim 1: ⌊4 entries × 0.5⌋ = 2 skipped → basic block 2. Then basic block 4 has joined the list
  // (0 1 3 4): 2 skipped → basic block 3. Without the landed transfer (0 1 3): 1 skipped → basic block 1.
  const o = { 'device.memory.capacityBytes': 80 * P };
  // one batch for the whole row (batchMax 256), so one service brings the three basic blocks and needs two victims
  const sl = { ...FAR, batchMax: 256, prefetch: 'sl-64k', eviction: 'sl-64k', reservedFraction: 0.5 };
  const base = [alloc(2 * MiB), dev(10, 0), dev(20, 16), dev(30, 32), dev(40, 48), dev(50, 79, 18)];
  const r = await replay('uvm', sl, base, o);
  assert.equal(r.summary.evictions, 2);
  assert.equal(r.summary.extra.evictedPages, 32);
  const faults = 4 + 18; // one far fault per faulted page
  assert.equal(r.summary.deviceFaults, faults);
  // basic block 1 stayed: reading it again is a hit; basic block 3 left: reading it faults
  const hit = await replay('uvm', sl, [...base, dev(60, 16)], o);
  assert.equal(hit.summary.deviceFaults, faults, 'page 16 (basic block 1) is still resident');
  const miss = await replay('uvm', sl, [...base, dev(60, 48)], o);
  assert.equal(miss.summary.deviceFaults, faults + 1, 'page 48 (basic block 3) was the second victim');
});

test('uvm far-fault: the next wave and the kernel end wait for an idle link (warps exit only with no PCIe transfer in flight, shader.cc:638, gpu-sim.cc:2097-2100)', async () => {
  const o = {};
  const plat = testPlatform(o);
  const S = plat.device.fault.serviceNs;
  const t6 = transferNs(plat.link, 6 * P, 'h2d');
  const t10 = transferNs(plat.link, 10 * P, 'h2d');
  assert.ok(t10 > 10, 'the test needs the second transfer to outlast the 10 ns gap');
  // SL-64K: the fault on page 5 replays after [0..5] (10 + S + t6); [6..15] is still in flight until 10 + S + t6 + t10.
  // The next wave (t = 20) reads page 0, already resident: a hit, but its blocks start only when the link is idle.
  const wave = await replay('uvm', { ...FAR, prefetch: 'sl-64k' }, [alloc(2 * MiB), dev(10, 5), dev(20, 0)], o);
  assert.equal(wave.summary.deviceFaults, 1);
  near(wave.summary.simTimeNs, 10 + S + t6 + t10, 'not 20 + S + t6: the wave waited for the prefetch transfer');
  // the wave reached its start at 20 + S + t6 (the 10 ns gap is compute) and waited until 10 + S + t6 + t10: t10 − 10
  near(wave.summary.extra.warpExitStallNs!, t10 - 10, 'extra.warpExitStallNs: the wait for an idle link');
  // the kernel ends when its last warps exit: after the in-flight transfer, not at 11 + S + t6
  const kernel = await replay('uvm', { ...FAR, prefetch: 'sl-64k' }, [
    alloc(2 * MiB), { op: 'kernelBegin', tNs: 5, agent: 'dev0' }, dev(10, 5), { op: 'kernelEnd', tNs: 11, agent: 'dev0' },
  ], o);
  near(kernel.summary.simTimeNs, 10 + S + t6 + t10);
  near(kernel.summary.extra.warpExitStallNs!, t10 - 1, 'the kernel end (t = 11, one compute ns after the replay) waited t10 − 1');
  // the driver mode has no such rule: a resident page is read while the prefetch is still in flight
  const drv = await replay('uvm', { prefetch: 'sl-64k', thrashing: false }, [alloc(2 * MiB), dev(10, 5), dev(20, 0)], o);
  const drvOne = await replay('uvm', { prefetch: 'sl-64k', thrashing: false }, [alloc(2 * MiB), dev(10, 5)], o);
  near(drv.summary.simTimeNs, drvOne.summary.simTimeNs + 10, 'the 10 ns gap only');
  assert.equal(drv.summary.extra.warpExitStallNs, 0);
});

test('uvm far-fault: the far-fault latency is off the timeline and added at the end (enable_accurate_simulation 0: no PAGE_FAULT entry, gpu-sim.cc:3716-3732; count × latency added, :116-126)', async () => {
  const o = {};
  const plat = testPlatform(o);
  const S = plat.device.fault.serviceNs;
  const t1 = transferNs(plat.link, P, 'h2d');
  const t15 = transferNs(plat.link, 15 * P, 'h2d');
  assert.ok(t15 < S, 'the test needs the prefetch transfer to be shorter than one far fault');
  // one wave (t = 10) faults page 0 of block 0, then page 512 of block 1 (SL-64K: transfers [0], [1..15], then [512],
  // [513..527]). The replay of page 0 waits for [0] (10 + t1); page 512's transfer queues behind [1..15] on the read
  // lane and ends at 10 + t1 + t15 + t1, where the row resumes; the two far faults are added at the end: 2S.
  // (Charged on the clock, the first fault's S would have hidden [1..15]: 10 + 2S + 2·t1.)
  const r = await replay('uvm', { ...FAR, prefetch: 'sl-64k' }, [alloc(4 * MiB), dev(10, 0), dev(10, 512)], o);
  assert.equal(r.summary.deviceFaults, 2);
  near(r.summary.simTimeNs, 10 + t1 + t15 + t1 + 2 * S);
  near(r.summary.timeFaultNs, 2 * S, 'far-fault time = count × latency');
});
