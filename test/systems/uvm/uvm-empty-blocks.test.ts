import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay } from '../harness';

// extra.emptiedBlocks (evictions that leave their VA block with no resident page) and extra.emptyBlockServices
// (fault services of a VA block that holds no resident page): the counters behind the ISCA'19 bfs reserved-LRU note
// (src/figures/isca19-oversub.ts). UVMSmart mode, one faulted page per service (batchMax=1), no prefetch.
const BASE = 0x4000_0000;
const P = 4096;
const alloc = (bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: BASE, bytes, flags: ['managed'] });
const dev = (t: number, page: number, pages = 1): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va: BASE + page * P, bytes: pages * P, access: 'r' });
const FAR = { faultCost: 'far-fault', thrashing: false, batchMax: 1, prefetch: 'none' };

test('uvm: a victim that takes the last resident pages of its block counts as an emptied block; a fault on an empty block as an empty-block service', async () => {
  // LRU-2MB, 600-page device: blocks 0, 1, 2 get 200 pages each (first service of each on an empty block: 3), then page
  // 1224 (block 2, not empty) evicts block 0 whole (200 pages): 1 emptied block
  const three = [alloc(6 * MiB), dev(10, 0, 200), dev(20, 512, 200), dev(30, 1024, 200), dev(40, 1024 + 200)];
  const r = await replay('uvm', { ...FAR, eviction: 'lru-2m' }, three, { 'device.memory.capacityBytes': 600 * P });
  assert.equal(r.summary.evictions, 1);
  assert.equal(r.summary.extra.evictedPages, 200);
  assert.equal(r.summary.extra.emptiedBlocks, 1);
  assert.equal(r.summary.extra.emptyBlockServices, 3);
});

test('uvm: a victim that leaves pages of its block resident empties nothing', async () => {
  // TBN eviction, 17-page device: page 16 (block 0 empty: 1 service), pages 0..15, then page 32 evicts basic block 0
  // (pages 0..15); page 16 stays (its basic block is not whole), so block 0 is not emptied
  const r = await replay('uvm', { ...FAR, eviction: 'tbn-pre' }, [alloc(2 * MiB), dev(10, 16), dev(20, 0, 16), dev(30, 32)], { 'device.memory.capacityBytes': 17 * P });
  assert.equal(r.summary.extra.evictedPages, 16);
  assert.equal(r.summary.extra.emptiedBlocks, 0);
  assert.equal(r.summary.extra.emptyBlockServices, 1);
});
