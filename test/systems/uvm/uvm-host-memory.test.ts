import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { KiB, MiB, replay } from '../harness';

// Host memory bounds what uvm can move to the host (evict.ts hostTakes): an eviction whose write-back the host cannot
// take fails, and so does the fault service that needed the memory (a host OOM, not a device one); a CPU fault stops
// at the first page the host cannot take.

const BASE = 0x4000_0000;
const P = 4096;
const alloc = (bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: BASE, bytes, flags: ['managed'] });
const dev = (t: number, va: number, access: 'r' | 'w' = 'r'): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes: P, access });
const cpu = (t: number, va: number): TraceEvent => ({ op: 'access', tNs: t, agent: 'cpu', va, bytes: P, access: 'r' });
const block = (k: number): number => BASE + k * 2 * MiB;

// two user root chunks (+ one kernel root chunk for the page tables); each first touch brings its 64 KiB big page
// (16 pages, zero-filled on the device: no host copy); block 2's fault evicts block 0's chunk: 64 KiB written back
const evictionTrace = [alloc(8 * MiB), dev(1e5, block(0)), dev(2e5, block(1)), dev(3e5, block(2)), dev(4e5, block(2) + P)];
const small = { 'device.memory.capacityBytes': 6 * MiB };

test('uvm: an eviction whose 64 KiB write-back the host can take goes ahead', async () => {
  const r = await replay('uvm', {}, evictionTrace, { ...small, 'host.dramBytes': 64 * KiB });
  const s = r.summary;
  assert.deepEqual([s.deviceFaults, s.evictions, s.bytesD2H, s.oomEvents], [3, 1, 64 * KiB, 0], 'block 2 page 1 hits in its big page');
});

test('uvm: with 4 KiB too little host memory the eviction fails, and each fault on block 2 is a host OOM (no device OOM)', async () => {
  const r = await replay('uvm', {}, evictionTrace, { ...small, 'host.dramBytes': 60 * KiB });
  const s = r.summary;
  // both accesses to block 2 fault (nothing was migrated) and both services fail
  assert.deepEqual([s.deviceFaults, s.evictions, s.bytesD2H, s.bytesH2D, s.oomEvents], [4, 0, 0, 0, 2]);
  assert.deepEqual(r.resultEvents.map((e) => [e.kind, e.reason, e.agent, e.va]), [
    ['oom', 'host memory exhausted', 1, block(2)],
    ['oom', 'host memory exhausted', 1, block(2)],
  ]);
});

// a device write makes page 0's big page (16 pages) device-resident; CPU reads then fault them back (the CPU
// prefetcher's region is that big page)
const cpuTrace = [alloc(2 * MiB), dev(1e5, BASE, 'w'), cpu(2e5, BASE), cpu(3e5, BASE + P)];

test('uvm: a CPU fault moves its region to the host when the host can take it', async () => {
  const s = (await replay('uvm', {}, cpuTrace, { 'host.dramBytes': 64 * KiB })).summary;
  assert.deepEqual([s.cpuFaults, s.bytesD2H, s.oomEvents], [1, 64 * KiB, 0], 'the second read finds page 1 on the host');
});

test('uvm: a CPU fault stops at the first page the host cannot take (one host OOM per fault), the rest stays on the device', async () => {
  const none = await replay('uvm', {}, cpuTrace, { 'host.dramBytes': 0 });
  assert.deepEqual([none.summary.cpuFaults, none.summary.bytesD2H, none.summary.oomEvents], [2, 0, 2]);
  assert.deepEqual(none.resultEvents.map((e) => [e.reason, e.agent, e.va]), [
    ['host memory exhausted', 0, BASE],
    ['host memory exhausted', 0, BASE],
  ]);
  // room for one page: page 0 moves, page 1 does not; the read of page 1 faults again and fails again
  const one = await replay('uvm', {}, cpuTrace, { 'host.dramBytes': 4 * KiB });
  assert.deepEqual([one.summary.cpuFaults, one.summary.bytesD2H, one.summary.oomEvents], [2, 4 * KiB, 2]);
  assert.deepEqual(one.resultEvents.map((e) => e.va), [BASE + P, BASE + P]);
});
