import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uvmSystem } from '../../../src/systems/uvm/index';
import { transferNs } from '../../../src/model/link';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, KiB, replay, testPlatform } from '../harness';

const BASE = 0x4000_0000; // 2 MiB aligned
const P = 4096;
const near = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-6, `${msg ?? ''} ${a} ≈ ${b}`);
const alloc = (bytes: number, va = BASE, t = 0): TraceEvent => ({ op: 'alloc', tNs: t, va, bytes, flags: ['managed'] });
const dev = (t: number, va: number, bytes = P, access: 'r' | 'w' = 'r'): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes, access });
const cpu = (t: number, va: number, bytes = P, access: 'r' | 'w' = 'w'): TraceEvent => ({ op: 'access', tNs: t, agent: 'cpu', va, bytes, access });

test('uvm: a first device touch zero-fills on the device and the density prefetcher takes its 64 KiB big page whole', async () => {
  const o = {};
  const plat = testPlatform(o);
  const r = await replay('uvm', {}, [alloc(2 * MiB), dev(1000, BASE + 17 * P)], o);
  const s = r.summary;
  const f = plat.device.fault;
  assert.equal(s.deviceFaults, 1);
  assert.equal(s.zeroFills, 16, 'pages 16..31: the faulted big page');
  assert.equal(s.migrationsH2D, 0, 'nothing to copy: no page had data');
  assert.equal(s.extra.faultBatches, 1);
  assert.equal(s.extra.prefetchedPages, 15);
  // one fault-buffer entry (⌊1.31⌋ of the mean frontEntriesPerPage), one block, one faulted page: the driver's
  // terms (the old accounting charged 16 × perPageNs here: the 15 prefetched pages paid a fault cost)
  assert.equal(s.extra.faultEntries, 1);
  // one region (the faulted big page, pages 16..31: one CE memset); + the run's first PMA call for a batch of root
  // chunks (device-memory.ts pmaBatch)
  assert.equal(s.extra.faultRegions, 1);
  near(s.timeFaultNs, f.batchFixedNs + 1 * f.perEntryNs + f.perBlockNs + 1 * f.perFaultNs + 1 * f.perRegionNs + f.pmaAllocNs + (16 * P) / plat.device.zeroFillBytesPerNs, 'fault time');
  near(s.simTimeNs, 1000 + s.timeFaultNs);
});

test('uvm: host-resident pages migrate H2D as one contiguous run; the CPU mapping is shot down once', async () => {
  const o = {};
  const plat = testPlatform(o);
  const r = await replay('uvm', {}, [alloc(2 * MiB), cpu(100, BASE, 64 * KiB), dev(200, BASE, 64 * KiB)], o);
  const s = r.summary;
  const h = plat.host;
  // CPU: one fault on page 0, the driver prefetcher populates its big page (16 pages) on the host
  assert.equal(s.cpuFaults, 1);
  assert.equal(s.zeroFills, 16);
  // device: 16 faults in one batch, one 64 KiB run
  assert.equal(s.deviceFaults, 16);
  assert.equal(s.extra.faultBatches, 1);
  assert.equal(s.migrationsH2D, 1);
  assert.equal(s.bytesH2D, 64 * KiB);
  assert.equal(s.prefetchedBytes, 0);
  assert.equal(s.extra.cpuShootdowns, 1);
  near(s.timeTransferNs, transferNs(plat.link, 64 * KiB, 'h2d'), 'transfer');
  near(s.timeInvalidateNs, h.tlbShootdownNs, 'shootdown');
  const f = plat.device.fault;
  // 16 faulted pages in one front, 1.31 entries each on average: ⌊16 × 1.31⌋ = 20 entries fetched
  assert.equal(s.extra.faultEntries, 20);
  // 16 faulted pages, one contiguous region (one CPU unmap, one copy push)
  assert.equal(s.extra.faultRegions, 1);
  near(s.timeFaultNs, h.cpuFaultNs + (16 * P) / h.zeroFillBytesPerNs + f.batchFixedNs + 20 * f.perEntryNs + f.perBlockNs + 16 * f.perFaultNs + 1 * f.perRegionNs + f.pmaAllocNs, 'fault');
});

test('uvm: a fault after half the block is resident pulls the whole block (272/512 > 51%), 256/512 does not', async () => {
  const o = {};
  const pre = (bytes: number): TraceEvent => ({ op: 'prefetch', tNs: 10, va: BASE, bytes, target: 'dev0' });
  // half the block (256 pages) on the device, then a fault at page 300: 256 + 16 (its big page) = 272 → whole block
  const a = await replay('uvm', {}, [alloc(2 * MiB), pre(1 * MiB), dev(1_000_000, BASE + 300 * P)], o);
  assert.equal(a.summary.deviceFaults, 1);
  assert.equal(a.summary.extra.prefetchedPages, 256 + (512 - 256 - 1), 'prefetch row 256 pages, then the rest of the block');
  // 240 pages + 16 = 256 = exactly 50%: only the faulted big page
  const b = await replay('uvm', {}, [alloc(2 * MiB), pre(240 * P), dev(1_000_000, BASE + 300 * P)], o);
  assert.equal(b.summary.extra.prefetchedPages, 240 + 15);
});

test('uvm: rows at one trace time form one fault front; a later row finds what the serviced batch made resident', async () => {
  // (replaces the batchWindowNs test: the 10 µs trace-time window was a model invention and is gone)
  const o = {};
  const p = { prefetch: 'none', frontEntriesPerPage: 1 };
  // row 1 faults page 0 (batch 1); row 2 hits it; row 3 faults page 1 (batch 2): batches never span rows
  const dup = await replay('uvm', p, [alloc(2 * MiB), dev(10, BASE), dev(20, BASE), dev(30, BASE + P)], o);
  assert.equal(dup.summary.deviceFaults, 2);
  assert.equal(dup.summary.extra.faultEntries, 2);
  assert.equal(dup.summary.extra.duplicateFaults, 0);
  assert.equal(dup.summary.extra.faultBatches, 2);
  // rows at the same trace time are concurrent: one front, one batch; a second row on a page already in the
  // open batch adds its entries (duplicates)
  const same = await replay('uvm', p, [alloc(2 * MiB), dev(10, BASE), dev(10, BASE), dev(10, BASE + P)], o);
  assert.equal(same.summary.extra.faultBatches, 1);
  assert.equal(same.summary.deviceFaults, 2);
  assert.equal(same.summary.extra.faultEntries, 3);
  assert.equal(same.summary.extra.duplicateFaults, 1);
  // one row of 257 pages, one entry each: 256 entries close the first batch, the 257th page is the second
  const big = await replay('uvm', p, [alloc(4 * MiB), dev(10, BASE, 257 * P)], o);
  assert.equal(big.summary.deviceFaults, 257);
  assert.equal(big.summary.extra.faultBatches, 2, '256 + 1');
  assert.equal(uvmSystem.defaults.frontPages, 256);
});

test('uvm far-fault cost (UVMSmart): serviceNs per faulted page without prefetch, transfers on the atan curve', async () => {
  const o = { 'link.model': 'atan' };
  const plat = testPlatform(o);
  const r = await replay('uvm', { prefetch: 'none', faultCost: 'far-fault' }, [
    alloc(2 * MiB), cpu(10, BASE, 2 * P), dev(20, BASE, 2 * P),
  ], o);
  const s = r.summary;
  assert.equal(s.deviceFaults, 2);
  assert.equal(s.migrationsH2D, 2, 'UVMSmart ends a transfer at every faulted page (gpu-sim.cc:3714-3740): two 4 KiB transfers');
  assert.equal(s.cpuFaults, 2, 'without the driver prefetcher each CPU page faults on its own');
  near(s.timeFaultNs - 2 * plat.host.cpuFaultNs - (2 * P) / plat.host.zeroFillBytesPerNs, 2 * plat.device.fault.serviceNs, 'two far faults');
  near(s.timeTransferNs, 2 * transferNs(plat.link, P, 'h2d'));
});

test('uvm: an access outside every allocation is a fault-error, not a crash', async () => {
  const r = await replay('uvm', {}, [alloc(2 * MiB), dev(10, BASE + 4 * MiB)]);
  assert.equal(r.summary.errorEvents, 1);
  assert.equal(r.resultEvents[0]!.kind, 'fault-error');
  assert.equal(r.summary.warnings['systems.unmapped-access'], 1);
});

test('uvm: device memory taken by cudaMalloc-style allocations leaves no room: OOM event, access fails', async () => {
  const o = {};
  const plat = testPlatform(o);
  const cap = plat.device.memory.capacityBytes;
  const r = await replay('uvm', {}, [
    { op: 'alloc', tNs: 0, va: 0x1000_0000, bytes: cap, flags: ['device'] },
    alloc(2 * MiB), dev(10, BASE),
  ], o);
  assert.equal(r.summary.oomEvents, 1);
  assert.equal(r.summary.deviceFaults, 1);
});

test('uvm: free drops residency without data movement and releases the memory', async () => {
  const r = await replay('uvm', {}, [alloc(2 * MiB), dev(10, BASE), { op: 'free', tNs: 20, va: BASE }, alloc(2 * MiB, BASE, 30), dev(40, BASE)]);
  assert.equal(r.summary.deviceFaults, 2, 'fresh memory after the free faults again');
  assert.equal(r.summary.bytesD2H, 0);
});
