import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transferNs } from '../../../src/model/link';
import { LAPSE_MAX_NS, ThrashingState, ThrashHint } from '../../../src/systems/uvm/thrashing';
import type { TraceEvent } from '../../../src/trace/event';
import { KiB, MiB, replay, testPlatform } from '../harness';

// One test per driver mechanism of issue 14 (NVIDIA open-gpu-kernel-modules 595.45.04, kernel-open/nvidia-uvm;
// docs/systems.md "uvm constants"), with hand-computed expectations.
const BASE = 0x4000_0000; // 2 MiB aligned
const P = 4096;
const near = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${msg ?? ''} ${a} ≈ ${b}`);
const alloc = (bytes: number, va = BASE): TraceEvent => ({ op: 'alloc', tNs: 0, va, bytes, flags: ['managed'] });
const dev = (t: number, va: number, bytes = P): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes, access: 'r' });
const cpu = (t: number, va: number, bytes = P): TraceEvent => ({ op: 'access', tNs: t, agent: 'cpu', va, bytes, access: 'w' });

test('uvm batch: 256 fault-buffer entries close a batch, duplicates included; entries past the room are flushed', async () => {
  const o = {};
  const plat = testPlatform(o);
  const f = plat.device.fault;
  // one row of 257 pages, 3 entries per page (uvm_gpu_replayable_faults.c:876–877 fetches ≤ 256 entries):
  // batch 1: pages 1..85 = 255 entries + 1 of page 86's 3 (its other 2 are flushed after the replay, the page is
  // resident then); batch 2: pages 87..172 likewise; batch 3: pages 173..257 = 85 pages, 255 entries
  const r = await replay('uvm', { prefetch: 'none', frontEntriesPerPage: 3 }, [alloc(2 * MiB), dev(10, BASE, 257 * P)], o);
  const s = r.summary;
  assert.equal(s.deviceFaults, 257);
  assert.equal(s.extra.faultBatches, 3);
  assert.equal(s.extra.faultEntries, 256 + 256 + 255);
  assert.equal(s.extra.flushedEntries, 2 + 2);
  assert.equal(s.extra.duplicateFaults, 85 * 2 + 85 * 2 + 85 * 2, 'entries beyond the first per page, as fetched');
  // cost: per batch fixed + per fetched entry + per block serviced (one block per batch) + per faulted page + per
  // contiguous region (each batch's pages are one run: 3 regions); zero-fill of the 257 pages; one PMA call for the
  // block's root chunk (the run's first)
  near(s.timeFaultNs, 3 * f.batchFixedNs + 767 * f.perEntryNs + 3 * f.perBlockNs + 257 * f.perFaultNs + 3 * f.perRegionNs + f.pmaAllocNs + (257 * P) / plat.device.zeroFillBytesPerNs, 'fault time');
  assert.equal(s.extra.faultRegions, 3);
});

test('uvm pass: at most 20 batches per service pass; a new row opens a new pass', async () => {
  // frontPages=1: each faulted page is one batch; a 21-page row needs 21 batches = a pass of 20 and a pass of 1
  // (uvm_perf_fault_max_batches_per_service = 20, uvm_gpu_replayable_faults.c:103, loop at :2883–2887)
  const p = { prefetch: 'none', frontPages: 1 };
  const r = await replay('uvm', p, [alloc(2 * MiB), dev(10, BASE, 21 * P), dev(20, BASE + 40 * P)]);
  assert.equal(r.summary.extra.faultBatches, 22);
  assert.equal(r.summary.extra.servicePasses, 3, '20 + 1 for the first row, 1 for the second');
  const small = await replay('uvm', { ...p, maxBatchesPerPass: 7 }, [alloc(2 * MiB), dev(10, BASE, 21 * P)]);
  assert.equal(small.summary.extra.servicePasses, 3, '7 + 7 + 7');
});

test('uvm copies: the pages of a block to migrate travel as contiguous regions, one copy each (link fixed cost + bytes / bandwidth)', async () => {
  const o = {};
  const plat = testPlatform(o);
  // CPU writes pages 0..3 and 8..11 (prefetch=none: no host-side growth); the device reads 0..15: two host
  // regions (4 pages each) are copied, the 8 pages without data are zero-filled on the device
  const r = await replay('uvm', { prefetch: 'none' }, [alloc(2 * MiB), cpu(10, BASE, 4 * P), cpu(20, BASE + 8 * P, 4 * P), dev(100, BASE, 16 * P)], o);
  const s = r.summary;
  assert.equal(s.migrationsH2D, 2);
  assert.equal(s.bytesH2D, 8 * P);
  near(s.timeTransferNs, 2 * transferNs(plat.link, 4 * P, 'h2d'), 'two regions back to back on the link');
  // with the driver prefetcher: one fault at page 0 of a 64 KiB host-resident big page → one 64 KiB region;
  // the 15 prefetched pages pay the copy, not a fault cost (one entry fetched)
  const g = await replay('uvm', {}, [alloc(2 * MiB), cpu(10, BASE, 16 * P), dev(100, BASE)], o);
  assert.equal(g.summary.migrationsH2D, 1);
  assert.equal(g.summary.bytesH2D, 64 * KiB);
  assert.equal(g.summary.extra.prefetchedPages, 15);
  assert.equal(g.summary.extra.faultEntries, 1);
  near(g.summary.timeTransferNs, transferNs(plat.link, 64 * KiB, 'h2d'));
});

test('uvm service cost: per contiguous region of the pages made resident (perRegionNs), apart from the per faulted page cost (perFaultNs)', async () => {
  // the per-subregion work of a block service (one CPU unmap_mapping_range, uvm_va_block.c:5837–5843; one CE memset
  // or copy push, block_zero_new_gpu_chunk / block_copy_pages) against the per-fault loop's bookkeeping: 8 faulted
  // pages of one block in one front (prefetch=none, the same 8 pages zero-filled, ⌊8 × 1.31⌋ = 10 entries, one block,
  // the run's one PMA call in both), contiguous (pages 0..7: 1 region) or every other page (0, 2, …, 14: 8 regions)
  const o = {};
  const f = testPlatform(o).device.fault;
  const front = (step: number): TraceEvent[] => Array.from({ length: 8 }, (_, k) => dev(100, BASE + k * step * P));
  const dense = (await replay('uvm', { prefetch: 'none' }, [alloc(2 * MiB), ...front(1)], o)).summary;
  const sparse = (await replay('uvm', { prefetch: 'none' }, [alloc(2 * MiB), ...front(2)], o)).summary;
  for (const s of [dense, sparse]) {
    assert.equal(s.deviceFaults, 8);
    assert.equal(s.extra.faultBatches, 1);
    assert.equal(s.extra.faultEntries, 10);
    assert.equal(s.zeroFills, 8);
  }
  assert.equal(dense.extra.faultRegions, 1);
  assert.equal(sparse.extra.faultRegions, 8);
  near(dense.timeFaultNs, f.batchFixedNs + 10 * f.perEntryNs + f.perBlockNs + 8 * f.perFaultNs + 1 * f.perRegionNs + f.pmaAllocNs + (8 * P) / testPlatform(o).device.zeroFillBytesPerNs, 'contiguous');
  near(sparse.timeFaultNs - dense.timeFaultNs, 7 * f.perRegionNs, 'seven more regions, nothing else');
  // prefetched pages join their faulted page's region: one fault grown to its 64 KiB big page is one region
  const grown = (await replay('uvm', {}, [alloc(2 * MiB), dev(100, BASE + 3 * P)], o)).summary;
  assert.equal(grown.extra.faultRegions, 1);
  assert.equal(grown.extra.prefetchedPages, 15);
});

test('uvm eviction chunk-lrm: after a re-migration into A, the least-recently-migrated-into chunk (B) is evicted', async () => {
  // block_mark_memory_used (uvm_va_block.c:3387) moves the root chunk to the used list's tail after every
  // migration into its block; pick_root_chunk_to_evict (uvm_pmm_gpu.c:1487) takes the head
  const o = { 'device.memory.capacityBytes': 6 * MiB }; // two user root chunks + one kernel root chunk for the driver's page tables (page-tables.ts)
  const blk = (k: number): number => BASE + k * 2 * MiB;
  const trace = [alloc(8 * MiB), dev(1e5, blk(0)), dev(2e5, blk(1)), dev(3e5, blk(0) + 64 * P), dev(4e5, blk(2)), dev(5e5, blk(0))];
  const lrm = await replay('uvm', {}, trace, o); // chunk-lrm is the default
  // A, B in; a fault in A migrates into A (A to the tail); C evicts B; the last access to A hits
  assert.equal(lrm.summary.deviceFaults, 4);
  assert.equal(lrm.summary.evictions, 1);
  // chunk-age (FIFO by first residency) evicts A for C, then A faults again and evicts B
  const age = await replay('uvm', { eviction: 'chunk-age' }, trace, o);
  assert.equal(age.summary.deviceFaults, 5);
  assert.equal(age.summary.evictions, 2);
  // a plain access (hit) does not refresh under chunk-lrm: A, B in, A hit, C evicts A
  const hit = await replay('uvm', {}, [alloc(8 * MiB), dev(1e5, blk(0)), dev(2e5, blk(1)), dev(3e5, blk(0)), dev(4e5, blk(2)), dev(5e5, blk(1))], o);
  assert.equal(hit.summary.evictions, 1);
  assert.equal(hit.summary.deviceFaults, 3, 'B is still resident: its access hits');
});

test('uvm thrashing: adaptive lapse as written in adjust_thrashing_lapse (grows on 32 long votes; short votes never shrink it; int8 vote wraps)', () => {
  const t = new ThrashingState({ threshold: 3, lapseNs: 500_000, adaptiveLapse: true, epochNs: 1e9, maxResets: 4, pagesPerBlock: 512, throttleNs: 500_000, pinThreshold: 10, pinNs: 150e6 }, 512);
  for (let k = 0; k < 31; k++) t.adjustLapse(600_000);
  assert.equal(t.lapseNs, 500_000, '31 votes: below the threshold of 32');
  t.adjustLapse(600_000);
  assert.equal(t.lapseNs, 562_500, '+min(lapse/8, 50 ms)');
  assert.equal(t.lapseStat, 16, 'the vote is halved');
  for (let k = 0; k < 16; k++) t.adjustLapse(1e9);
  assert.equal(t.lapseNs, 562_500 + 70_312, '+⌊562500/8⌋');
  assert.equal(t.lapseStat, 16);
  // short gaps: the vote falls 16 → −128 in 144 votes without any change (the shrink branch needs vote ≥ 32)
  for (let k = 0; k < 144; k++) t.adjustLapse(1);
  assert.equal(t.lapseNs, 632_812);
  assert.equal(t.lapseStat, -128);
  // the next short vote wraps the int8 to +127 ≥ 32: the lapse grows again
  t.adjustLapse(1);
  assert.equal(t.lapseNs, 632_812 + 79_101);
  assert.equal(t.lapseStat, 63);
  assert.ok(LAPSE_MAX_NS === 1000 * 500_000);
});

test('uvm thrashing: an epoch (2000 × lapse) without thrashing resets the block, at most maxResets times', () => {
  const t = new ThrashingState({ threshold: 3, lapseNs: 500_000, adaptiveLapse: false, epochNs: 1e9, maxResets: 1, pagesPerBlock: 512, throttleNs: 500_000, pinThreshold: 10, pinNs: 150e6 }, 1024);
  const ping = (t0: number): void => {
    for (let k = 0; k < 4; k++) t.onMigration(7, k % 2, t0 + k * 1000); // 3 ping-pong events → thrashing
  };
  ping(1000);
  assert.equal(t.detections, 1);
  assert.equal(t.hint(7, 5000, 5000), ThrashHint.throttle);
  // 1 s + 1 ns after the last thrashing event: the block's state is reset, the fault is served normally
  assert.equal(t.hint(7, 4000 + 1e9 + 1, 0), ThrashHint.none);
  assert.equal(t.epochResets, 1);
  assert.equal(t.events[7], 0);
  // thrashing again, another quiet epoch: maxResets = 1 is used up, the state stays (the stale page is not thrashing any more)
  ping(3e9);
  assert.equal(t.hint(7, 3e9 + 4000, 0), ThrashHint.throttle);
  assert.equal(t.hint(7, 3e9 + 3000 + 2e9, 0), ThrashHint.none);
  assert.equal(t.epochResets, 1);
  assert.equal(t.events[7], 4, 'not reset (4 migrations: the first counts 1)');
});

test('uvm sequential device sweep over 64 MiB (one row per 4 KiB page, count 1): faults ≤ 10 % of migrated pages with prefetch, all without', async () => {
  const bytes = 64 * MiB;
  const pages = bytes / P;
  const ev: TraceEvent[] = [alloc(bytes)];
  for (let k = 0; k < pages; k++) ev.push(dev(1000 + k, BASE + k * P));
  const o = { 'device.memory.capacityBytes': 128 * MiB };
  const on = await replay('uvm', {}, ev, o);
  const migrated = on.summary.zeroFills + on.summary.bytesH2D / P;
  assert.equal(migrated, pages);
  // per 2 MiB block: faults at pages 0 (→ its 64 KiB), 16 ([0,32) full, [0,64) at 50 % is not > 51 %), 32
  // ([0,64) 48/64 → 64), 64 ([0,128) 80/128 → 128), 128 ([0,256) 144/256 → 256), 256 ([0,512) 272/512 → block)
  assert.equal(on.summary.deviceFaults, 6 * 32);
  assert.ok(on.summary.deviceFaults <= 0.1 * migrated);
  const off = await replay('uvm', { prefetch: 'none' }, ev, o);
  assert.equal(off.summary.deviceFaults, pages);
  assert.equal(off.summary.zeroFills, pages);
});
