import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transferNs } from '../../../src/model/link';
import { uvmSystem } from '../../../src/systems/uvm/index';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay, testPlatform } from '../harness';

// faultCost=far-fault (UVMSmart accounting, gpgpu-sim_UVMSmart gpu-sim.cc, as read by helper I) and the
// cpuAccessNs bookkeeping the ISCA'19 figures subtract.
const BASE = 0x4000_0000;
const P = 4096;
const near = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${msg ?? ''} ${a} ≈ ${b}`);
const alloc = (bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: BASE, bytes, flags: ['managed'] });
const dev = (t: number, va: number, bytes = P): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes, access: 'r' });

test('uvm far-fault: one serviceNs per faulted 4 KiB page, also with the TBN prefetcher (do_hardware_prefetch, gpu-sim.cc:3757–3766)', async () => {
  const o = {};
  const plat = testPlatform(o);
  // one row faulting pages 0 and 1 of one block: two far faults (the old accounting charged one per block)
  const r = await replay('uvm', { faultCost: 'far-fault' }, [alloc(2 * MiB), dev(10, BASE, 2 * P)], o);
  assert.equal(r.summary.deviceFaults, 2);
  assert.equal(r.summary.bytesH2D, 16 * P, 'the big page grows to 64 KiB; UVMSmart brings it over the link (no zero-fill)');
  near(r.summary.timeFaultNs, 2 * plat.device.fault.serviceNs, 'two far faults');
});

test('uvm far-fault: a synchronous eviction waits for the write-back to start (UVMSmart frees frames when it is scheduled); the driver model waits for its end', async () => {
  // (device TLB invalidation set to 0: it is charged before the wait and would hide a short write-back)
  const o = { 'device.memory.capacityBytes': 2 * P, 'device.tlb.invalidateNs': 0 };
  const plat = testPlatform(o);
  // pages 0 and 1 fill the device (zero-filled there: no host copy); page 2 evicts page 0, which is written back
  const trace = [alloc(2 * MiB), dev(10, BASE), dev(20, BASE + P), dev(30, BASE + 2 * P)];
  const p = { prefetch: 'none', eviction: 'lru-4k', thrashing: false };
  const far = await replay('uvm', { ...p, faultCost: 'far-fault' }, trace, o);
  assert.equal(far.summary.evictions, 1);
  assert.equal(far.summary.bytesD2H, P);
  assert.equal(far.summary.timeEvictNs, 0, 'the D2H lane is idle: the write-back starts at once');
  const drv = await replay('uvm', p, trace, o);
  near(drv.summary.timeEvictNs, transferNs(plat.link, P, 'd2h'), 'the driver copies the victim out before reusing its memory');
});

test('uvm far-fault accepts batchMax=1 (one page per service, the ISCA\'19 figures\' setting) with any frontEntriesPerPage', () => {
  assert.equal(uvmSystem.validate!({ ...uvmSystem.defaults, faultCost: 'far-fault', batchMax: 1, frontEntriesPerPage: 1 }), undefined);
  assert.equal(uvmSystem.validate!({ ...uvmSystem.defaults, faultCost: 'far-fault', batchMax: 1 }), undefined);
  assert.match(uvmSystem.validate!({ ...uvmSystem.defaults, batchMax: 1 })!, /frontEntriesPerPage/);
});

test('uvm far-fault: no device zero-fill — a first touch of a never-written page crosses the link (UVMSmart backs managed memory on the host)', async () => {
  const o = {};
  const plat = testPlatform(o);
  const far = await replay('uvm', { prefetch: 'none', faultCost: 'far-fault' }, [alloc(2 * MiB), dev(10, BASE)], o);
  assert.equal(far.summary.zeroFills, 0);
  assert.equal(far.summary.bytesH2D, P);
  near(far.summary.timeTransferNs, transferNs(plat.link, P, 'h2d'));
  near(far.summary.timeFaultNs, plat.device.fault.serviceNs, 'one far fault, no zero-fill time');
  // the driver model zero-fills on the device instead
  const drv = await replay('uvm', { prefetch: 'none' }, [alloc(2 * MiB), dev(10, BASE)], o);
  assert.equal(drv.summary.zeroFills, 1);
  assert.equal(drv.summary.bytesH2D, 0);
});

test('uvm extra.cpuAccessNs: the clock time charged while servicing CPU access rows', async () => {
  const o = {};
  const plat = testPlatform(o);
  const r = await replay('uvm', { prefetch: 'none' }, [alloc(2 * MiB), { op: 'access', tNs: 10, agent: 'cpu', va: BASE, bytes: P, access: 'w' }, dev(20, BASE)], o);
  near(r.summary.extra.cpuAccessNs!, plat.host.cpuFaultNs + P / plat.host.zeroFillBytesPerNs, 'one CPU fault + host zero-fill');
});

test('uvm far-fault: evictions and migrations charge no TLB invalidation or host shootdown (UVMSmart tlb_flush is a free callback, shader.cc:2037-2043); the driver model charges both', async () => {
  const o = { 'device.memory.capacityBytes': 2 * P, 'device.tlb.invalidateNs': 7_000, 'host.tlbShootdownNs': 3_000 };
  // page 0 is written by the CPU first (a host copy), then the device faults on pages 0, 1, 2: page 2 evicts page 0
  const trace = [
    alloc(2 * MiB), { op: 'access', tNs: 5, agent: 'cpu', va: BASE, bytes: P, access: 'w' } as TraceEvent,
    dev(10, BASE), dev(20, BASE + P), dev(30, BASE + 2 * P),
  ];
  const p = { prefetch: 'none', eviction: 'lru-4k', thrashing: false };
  const far = await replay('uvm', { ...p, faultCost: 'far-fault' }, trace, o);
  assert.equal(far.summary.evictions, 1);
  assert.equal(far.summary.tlbInvalidations, 1, 'the invalidation still happens and is counted');
  assert.equal(far.summary.extra.cpuShootdowns, 1, 'page 0 drops its host copy: one shootdown, counted');
  assert.equal(far.summary.timeInvalidateNs, 0, 'but neither costs time in the UVMSmart mode');
  // driver model, same trace: one device TLB invalidation (the eviction) + one host shootdown (page 0's migration)
  const drv = await replay('uvm', p, trace, o);
  assert.equal(drv.summary.tlbInvalidations, 1);
  near(drv.summary.timeInvalidateNs, 7_000 + 3_000);
});
