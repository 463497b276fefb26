import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay } from '../harness';

// The order in which one access row's pages reach the fault buffer (uvm `frontOrder`, docs/systems.md "fault
// front"): address (default) or spread (one page of every 64 KiB big page first). Hand-computed with one
// entry per page (frontEntriesPerPage = 1), so a batch closes at 256 distinct pages.
const BASE = 0x4000_0000; // 2 MiB aligned
const P = 4096;
const row: TraceEvent[] = [
  { op: 'alloc', tNs: 0, va: BASE, bytes: 4 * MiB, flags: ['managed'] },
  { op: 'access', tNs: 10, agent: 'dev0', va: BASE, bytes: 4 * MiB, access: 'r' },
];

test('uvm frontOrder=address: a 4 MiB row faults 256 pages per batch in address order; tbn grows each batch to its big pages only', async () => {
  // block 0: batch 1 = pages 0..255 (their 16 big pages are whole: nothing to grow; the tree's [0,512) holds
  // 256/512 = 50 %, not > 51 %); batch 2 = pages 256..511; block 1 likewise: 4 batches, every page faults
  const r = await replay('uvm', { frontEntriesPerPage: 1 }, row);
  assert.equal(r.summary.extra.faultBatches, 4);
  assert.equal(r.summary.deviceFaults, 1024);
  assert.equal(r.summary.zeroFills, 1024);
});

test('uvm frontOrder=spread: the same row fills its first batch with 4 pages of each of its 64 big pages; tbn makes all 1024 resident', async () => {
  // pass 0 visits page 0 of each big page (64 pages), passes 1–3 pages 1, 2, 3 of each: 256 entries close the
  // batch; servicing grows every faulted page to its 64 KiB big page = both blocks whole; passes 4–15 only hit
  const r = await replay('uvm', { frontEntriesPerPage: 1, frontOrder: 'spread' }, row);
  assert.equal(r.summary.extra.faultBatches, 1);
  assert.equal(r.summary.deviceFaults, 256);
  assert.equal(r.summary.zeroFills, 1024);
  assert.equal(r.summary.extra.prefetchedPages, 768);
});

test('uvm frontOrder=spread without a prefetcher: every page still faults, only the batches differ', async () => {
  // batch k holds pages 4k..4k+3 of every big page (passes 4k..4k+3): 4 batches of 256
  const r = await replay('uvm', { frontEntriesPerPage: 1, frontOrder: 'spread', prefetch: 'none' }, row);
  assert.equal(r.summary.extra.faultBatches, 4);
  assert.equal(r.summary.deviceFaults, 1024);
});

test('uvm frontOrder=spread on a row that starts inside a big page: strides count from the row\'s first page', async () => {
  // row = pages 8..39 of block 0 (32 pages over 3 big pages: [0,16) from page 8, [16,32), [32,48) up to 39);
  // prefetch none, batchMax large: one batch of all 32 pages; a second identical row is all hits
  const ev: TraceEvent[] = [
    { op: 'alloc', tNs: 0, va: BASE, bytes: 2 * MiB, flags: ['managed'] },
    { op: 'access', tNs: 10, agent: 'dev0', va: BASE + 8 * P, bytes: 32 * P, access: 'r' },
    { op: 'access', tNs: 20, agent: 'dev0', va: BASE + 8 * P, bytes: 32 * P, access: 'r' },
  ];
  const r = await replay('uvm', { frontEntriesPerPage: 1, frontOrder: 'spread', prefetch: 'none' }, ev);
  assert.equal(r.summary.deviceFaults, 32, 'each page of the row visited exactly once');
  assert.equal(r.summary.extra.faultBatches, 1);
  assert.equal(r.summary.zeroFills, 32);
});

test('uvm frontOrder is validated', async () => {
  await assert.rejects(() => replay('uvm', { frontOrder: 'random' }, row));
});
