import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uvmSystem } from '../../../src/systems/uvm/index';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay, testPlatform } from '../harness';

// Additions for the ISCA'19 reproduction (src/figures/): the prefetcher after the first eviction
// (`oversubPrefetch`, UVMSmart hwprefetch_oversub) and far-fault accounting once prefetching is off.
const BASE = 0x4000_0000;
const P = 4096;
const alloc = (bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: BASE, bytes, flags: ['managed'] });
const dev = (t: number, va: number): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes: P, access: 'r' });
const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('uvm oversubPrefetch: the run starts with `prefetch` and switches prefetcher at the first eviction', async () => {
  const o = { 'device.memory.capacityBytes': 32 * P };
  const trace = [alloc(2 * MiB), dev(1e5, BASE), dev(2e5, BASE + 16 * P), dev(3e5, BASE + 32 * P), dev(4e5, BASE + 48 * P)];
  // sl-64k first: 15 extra pages per fault; the third fault evicts, after which on demand brings one page each
  const none = await replay('uvm', { prefetch: 'sl-64k', eviction: 'lru-4k', oversubPrefetch: 'none' }, trace, o);
  const off = await replay('uvm', { prefetch: 'sl-64k', eviction: 'lru-4k', prefetchOnOversub: false }, trace, o);
  assert.equal(none.summary.extra.prefetchedPages, off.summary.extra.prefetchedPages, 'oversubPrefetch=none is prefetchOnOversub=false');
  assert.equal(none.summary.extra.prefetchedPages, 3 * 15);
  // the reverse: on demand first, sl-64k after the first eviction. Pages 0..31 fill the device; page 32's
  // prefetch is chosen before its eviction, so it comes alone; page 33 then brings 34..47 (14) and page 48 brings
  // 49..63 (15)
  const sw = await replay('uvm', { prefetch: 'none', eviction: 'lru-4k', oversubPrefetch: 'sl-64k' }, [alloc(2 * MiB), ...Array.from({ length: 34 }, (_, i) => dev((i + 1) * 1e5, BASE + i * P)), dev(40e5, BASE + 48 * P)], o);
  assert.equal(sw.summary.extra.prefetchedPages, 14 + 15, 'only faults after the first eviction prefetch their 64 KiB block');
  assert.equal(sw.summary.deviceFaults, 35);
});

test('uvm oversubPrefetch cannot be combined with prefetchOnOversub=false', () => {
  assert.match(uvmSystem.validate!({ ...uvmSystem.defaults, oversubPrefetch: 'sl-64k', prefetchOnOversub: false })!, /oversubPrefetch=sl-64k/);
  assert.equal(uvmSystem.validate!({ ...uvmSystem.defaults, oversubPrefetch: 'none' }), undefined);
});

test('uvm far-fault: once the prefetcher is off after the first eviction, every faulted page is its own fault group', async () => {
  const o = { 'device.memory.capacityBytes': 32 * P, 'link.model': 'atan' };
  const plat = testPlatform(o);
  const faults = [0, 16, 32, 48, 49, 50].map((p, i) => dev((i + 1) * 1e5, BASE + p * P));
  const r = await replay('uvm', { prefetch: 'sl-64k', eviction: 'lru-4k', prefetchOnOversub: false, faultCost: 'far-fault', thrashing: false }, [alloc(2 * MiB), ...faults], o);
  // three faults while prefetching (one group each: one faulted block per batch), then three single-page faults
  assert.equal(r.summary.deviceFaults, 6);
  // far-fault mode has no device zero-fill (UVMSmart backs managed memory on the host): the 3 × 16 + 3 pages
  // made resident cross the link instead (updated from the zero-fill expectation of the driver model)
  assert.equal(r.summary.zeroFills, 0);
  assert.equal(r.summary.bytesH2D, (3 * 16 + 3) * P);
  near(r.summary.timeFaultNs, 6 * plat.device.fault.serviceNs, 'six far faults');
});
