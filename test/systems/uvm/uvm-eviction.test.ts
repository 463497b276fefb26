import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uvmSystem } from '../../../src/systems/uvm/index';
import type { TraceEvent } from '../../../src/trace/event';
import { KiB, MiB, replay } from '../harness';

const BASE = 0x4000_0000;
const P = 4096;
const alloc = (bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: BASE, bytes, flags: ['managed'] });
const dev = (t: number, va: number): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes: P, access: 'r' });
const block = (k: number): number => BASE + k * 2 * MiB;

test('uvm chunk-age: whole 2 MiB chunks leave in order of residency, even if just accessed (driver has no access bits)', async () => {
  const o = { 'device.memory.capacityBytes': 6 * MiB }; // two user root chunks + one kernel root chunk for the driver's page tables (page-tables.ts)
  const trace = [alloc(8 * MiB), dev(1e5, block(0)), dev(2e5, block(1)), dev(3e5, block(0)), dev(4e5, block(2)), dev(5e5, block(0))];
  const age = await replay('uvm', { eviction: 'chunk-age' }, trace, o);
  // A, B in; A hit; C evicts A (oldest residency); A faults again and evicts B
  assert.equal(age.summary.deviceFaults, 4);
  assert.equal(age.summary.evictions, 2);
  assert.equal(age.summary.bytesD2H, 2 * 64 * KiB, 'each evicted block held one 64 KiB big page, written back whole');
  assert.equal(age.summary.tlbInvalidations, 2, 'one device TLB invalidation per evicted chunk');
  const lru = await replay('uvm', { eviction: 'lru-2m' }, trace, o);
  // LRU-2MB: C evicts B (A was just touched); the last access to A hits
  assert.equal(lru.summary.deviceFaults, 3);
  assert.equal(lru.summary.evictions, 1);
});

test('uvm chunk granule: a block with one resident page still occupies its whole 2 MiB root chunk', async () => {
  const o = { 'device.memory.capacityBytes': 6 * MiB }; // two user root chunks + one kernel root chunk for the driver's page tables (page-tables.ts)
  const r = await replay('uvm', { prefetch: 'none' }, [alloc(6 * MiB), dev(1e5, block(0)), dev(2e5, block(1)), dev(3e5, block(2))], o);
  assert.equal(r.summary.evictions, 1, 'three one-page blocks do not fit in two chunks');
});

test('uvm lru-4k with on-demand paging: page frames, the least recently used page goes', async () => {
  const o = { 'device.memory.capacityBytes': 4 * P };
  const trace = [alloc(2 * MiB), dev(1e5, BASE), dev(2e5, BASE + P), dev(3e5, BASE + 2 * P), dev(4e5, BASE + 3 * P), dev(5e5, BASE), dev(6e5, BASE + 4 * P), dev(7e5, BASE)];
  const r = await replay('uvm', { prefetch: 'none', eviction: 'lru-4k' }, trace, o);
  // pages 0..3 fill the device; page 0 touched; page 4 evicts page 1 (LRU); page 0 still hits
  assert.equal(r.summary.deviceFaults, 5);
  assert.equal(r.summary.evictions, 1);
  assert.equal(r.summary.bytesD2H, P);
});

test('uvm reserved-lru: with half the resident pages reserved, the victim is the 3rd least recently used of 4', async () => {
  const o = { 'device.memory.capacityBytes': 4 * P };
  const pages = [0, 1, 2, 3, 4, 0, 1, 2];
  const trace = [alloc(2 * MiB), ...pages.map((p, i) => dev((i + 1) * 1e5, BASE + p * P))];
  const r = await replay('uvm', { prefetch: 'none', eviction: 'reserved-lru', reservedFraction: 0.5 }, trace, o);
  // page 4: LRU order 0 1 2 3, ⌊4 × 0.5⌋ = 2 reserved → page 2 goes; 0 and 1 then hit; 2 faults again
  assert.equal(r.summary.deviceFaults, 6, 'faults: 0 1 2 3 4 and the re-access of 2');
  assert.equal(r.summary.evictions, 2);
  assert.match(uvmSystem.validate!({ ...uvmSystem.defaults, eviction: 'reserved-lru' })!, /reservedFraction > 0/);
});

test('uvm prefetchOnOversub=false: the prefetcher stops after the first eviction (UVMSmart "LRU_OD")', async () => {
  const o = { 'device.memory.capacityBytes': 32 * P };
  const trace = [alloc(2 * MiB), dev(1e5, BASE), dev(2e5, BASE + 16 * P), dev(3e5, BASE + 32 * P), dev(4e5, BASE + 48 * P)];
  const on = await replay('uvm', { prefetch: 'sl-64k', eviction: 'lru-4k' }, trace, o);
  const off = await replay('uvm', { prefetch: 'sl-64k', eviction: 'lru-4k', prefetchOnOversub: false }, trace, o);
  assert.equal(on.summary.extra.prefetchedPages, 4 * 15);
  // the third fault needs 16 frames: evictions start in that batch; the fourth fault brings one page only
  assert.equal(off.summary.extra.prefetchedPages, 3 * 15);
});

test('uvm preEvictAt: eviction starts below full occupancy and the extra write-back runs in the background', async () => {
  const o = { 'device.memory.capacityBytes': 10 * P };
  const trace = [alloc(2 * MiB), ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((p, i) => dev((i + 1) * 1e5, BASE + p * P))];
  const full = await replay('uvm', { prefetch: 'none', eviction: 'lru-4k' }, trace, o);
  assert.equal(full.summary.evictions, 0);
  const pre = await replay('uvm', { prefetch: 'none', eviction: 'lru-4k', preEvictAt: 0.5 }, trace, o);
  // ⌊0.5 × 10⌋ = 5 pages fit; pages 6..10 each evict one in the background
  assert.equal(pre.summary.evictions, 5);
  assert.equal(pre.summary.extra.backgroundEvictions, 5);
  assert.equal(pre.summary.timeEvictNs, 0, 'background write-back is not on the critical path');
});

test('uvm tbn-pre: evicting a page takes its basic block and every tree node left less than half valid', async () => {
  const o = { 'device.memory.capacityBytes': 48 * P };
  // block 0: big pages 0 and 1 resident (sl-64k brings whole big pages); block 1: big page 0; then a fault
  // in block 2 needs 16 frames: victim = block 0's LRU page → its big page 0 goes; the node [0,32) is then
  // 16/32 = half valid (not below) and stays; the 2 MiB node has 16/512 < half → the rest of block 0 goes too.
  const trace = [alloc(8 * MiB), dev(1e5, BASE), dev(2e5, BASE + 16 * P), dev(3e5, block(1)), dev(4e5, block(2))];
  const r = await replay('uvm', { prefetch: 'sl-64k', eviction: 'tbn-pre' }, trace, o);
  assert.equal(r.summary.evictions, 1);
  assert.equal(r.summary.extra.evictedPages, 32, 'the whole of block 0');
  const sl = await replay('uvm', { prefetch: 'sl-64k', eviction: 'sl-64k' }, trace, o);
  assert.equal(sl.summary.extra.evictedPages, 16, 'sl-64k evicts one basic block');
});
