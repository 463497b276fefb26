import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay } from '../harness';

// UVMSmart's cudaDeviceSynchronize (a `marker sync` row; src/systems/uvm/device-sync.ts, gpgpu-sim_UVMSmart
// libcuda/cuda_runtime_api.cc:2019-2078): dirty pages written back and dropped, the free-page count reset to the whole
// device, the LRU list emptied, the prefetcher switched off at the first eviction back on. Only in faultCost=far-fault.
const BASE = 0x4000_0000;
const P = 4096;
const alloc = (bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: BASE, bytes, flags: ['managed'] });
const dev = (t: number, page: number, access: 'r' | 'w' = 'r'): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va: BASE + page * P, bytes: P, access });
const sync = (t: number): TraceEvent => ({ op: 'marker', tNs: t, agent: 'dev0', label: 'sync' });

// 4-page device: pages 0, 1 written and 2, 3 read fill it; sync; pages 4..7 read; pages 2, 3 read again
const TRACE: TraceEvent[] = [
  alloc(2 * MiB), dev(10, 0, 'w'), dev(20, 1, 'w'), dev(30, 2), dev(40, 3), sync(50),
  dev(60, 4), dev(70, 5), dev(80, 6), dev(90, 7), dev(100, 2), dev(110, 3),
];
const O = { 'device.memory.capacityBytes': 4 * P };
const LRU = { prefetch: 'none', eviction: 'lru-4k', thrashing: false, batchMax: 1, frontEntriesPerPage: 1 };

test('uvm far-fault sync: the 2 dirty pages are written back and dropped, the 2 clean ones stay valid but hold no capacity', async () => {
  const r = await replay('uvm', { ...LRU, faultCost: 'far-fault' }, TRACE, O);
  assert.equal(r.summary.extra.deviceSyncs, 1);
  assert.equal(r.summary.extra.syncWrittenPages, 2, 'pages 0 and 1 (written by the device)');
  assert.equal(r.summary.bytesD2H, 2 * P, 'only the write-back at the sync leaves the device');
  // after the sync the free-page count is the whole device again: pages 4..7 take its 4 frames and nothing is evicted
  assert.equal(r.summary.evictions, 0);
  // pages 2 and 3 are still valid: 4 first faults + 4 (pages 4..7), none for the re-read of 2 and 3
  assert.equal(r.summary.deviceFaults, 8);
});

test('uvm driver mode (faultCost=batch) ignores a sync: pages 4..7 evict the four LRU pages and 2, 3 fault again', async () => {
  const r = await replay('uvm', { ...LRU, faultCost: 'batch' }, TRACE, O);
  assert.equal(r.summary.extra.deviceSyncs, 0);
  assert.equal(r.summary.extra.evictedPages, 4 + 2, 'pages 0..3 for 4..7, then 4 and 5 for the re-read 2 and 3');
  assert.equal(r.summary.deviceFaults, 4 + 4 + 2);
});

test('uvm far-fault sync: a written page that faulted in is dirty too; a page read after arriving clean is not written back', async () => {
  // page 0 faults on a store (dirty on arrival), page 1 arrives on a load and is then stored to (a hit), page 2 only read
  const trace: TraceEvent[] = [alloc(2 * MiB), dev(10, 0, 'w'), dev(20, 1), dev(30, 1, 'w'), dev(40, 2), sync(50)];
  const r = await replay('uvm', { ...LRU, faultCost: 'far-fault' }, trace, O);
  assert.equal(r.summary.extra.syncWrittenPages, 2);
  assert.equal(r.summary.bytesD2H, 2 * P);
});

test('uvm far-fault sync: the prefetcher switched off at the first eviction (prefetchOnOversub=false) is on again after it (over_sub = false)', async () => {
  // 32-page device, TBN, four 2 MiB blocks: pages 0 and 512 each bring their 64 KiB big page (1 fault + 15 prefetched),
  // filling the device; page 1024 brings its big page too and evicts 16 pages (the first eviction: prefetch off)
  const o = { 'device.memory.capacityBytes': 32 * P };
  const p = { prefetch: 'tbn', eviction: 'lru-4k', prefetchOnOversub: false, thrashing: false, batchMax: 1, faultCost: 'far-fault' };
  const base: TraceEvent[] = [alloc(8 * MiB), dev(10, 0), dev(20, 512), dev(30, 1024)];
  // without a sync, page 1536 comes alone (prefetch off) and evicts one page
  const without = await replay('uvm', p, [...base, dev(50, 1536)], o);
  assert.equal(without.summary.extra.prefetchedPages, 45);
  assert.equal(without.summary.extra.evictedPages, 17);
  // with a sync before it, its big page comes again (15 more prefetched) and, the 32 clean pages holding no capacity
  // any more, nothing is evicted
  const withSync = await replay('uvm', p, [...base, sync(40), dev(50, 1536)], o);
  assert.equal(withSync.summary.extra.prefetchedPages, 60);
  assert.equal(withSync.summary.extra.evictedPages, 16);
  assert.equal(withSync.summary.extra.syncWrittenPages, 0, 'nothing was written');
});
