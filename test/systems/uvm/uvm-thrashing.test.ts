import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uvmSystem } from '../../../src/systems/uvm/index';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay } from '../harness';

const BASE = 0x4000_0000;
const P = 4096;

/** CPU writes and device reads of one page, alternating every `gapNs`, `n` touches in all (CPU first). */
/** The run's one PMA call (device-memory.ts pmaBatch) would shift the ping-pong's times: not charged in these tests. */
const NO_PMA = { 'device.fault.pmaAllocNs': 0 };

function pingPong(n: number, gapNs: number, t0 = 1000): TraceEvent[] {
  const ev: TraceEvent[] = [{ op: 'alloc', tNs: 0, va: BASE, bytes: 2 * MiB, flags: ['managed'] }];
  for (let k = 0; k < n; k++) {
    ev.push({ op: 'access', tNs: t0 + k * gapNs, agent: k % 2 === 0 ? 'cpu' : 'dev0', va: BASE, bytes: P, access: k % 2 === 0 ? 'w' : 'r' });
  }
  return ev;
}

test('uvm thrashing: 3 ping-pong migrations within 500 µs mark the page; each later fault is throttled 500 µs; the 11th is pinned', async () => {
  const d = uvmSystem.defaults;
  // touch 1 populates on the host; touches 2, 3, 4 are migrations = events 1, 2, 3 → thrashing detected;
  // touches 5..14 are throttled (10 throttles); touch 15 (CPU) pins the page to host memory;
  // touch 16 (device) is then a remote access, no fault.
  const r = await replay('uvm', {}, pingPong(16, 10_000), NO_PMA);
  const s = r.summary;
  assert.equal(s.extra.thrashingDetections, 1);
  assert.equal(s.extra.throttles, d.pinThreshold);
  assert.equal(s.extra.throttleWaitNs, d.pinThreshold * d.throttleNs);
  assert.equal(s.extra.pins, 1);
  assert.equal(s.deviceFaults, 7, 'device touches 2, 4, …, 14');
  assert.equal(s.cpuFaults, 8, 'CPU touches 1, 3, …, 15');
  assert.equal(s.remoteAccesses, 1, 'touch 16 is served remotely');
  assert.ok(s.timeFaultNs >= d.pinThreshold * d.throttleNs);
});

test('uvm thrashing: the pin lasts pinNs; afterwards the device faults and migrates again', async () => {
  const d = uvmSystem.defaults;
  const ev = pingPong(16, 10_000);
  // two more device reads: one well inside the pin, one after it expired (simulated time passes the deadline)
  ev.push({ op: 'access', tNs: 1000 + 16 * 10_000, agent: 'dev0', va: BASE, bytes: P, access: 'r' });
  ev.push({ op: 'access', tNs: 1000 + 16 * 10_000 + d.pinNs + 1_000_000, agent: 'dev0', va: BASE, bytes: P, access: 'r' });
  const r = await replay('uvm', {}, ev, NO_PMA);
  assert.equal(r.summary.remoteAccesses, 2);
  assert.equal(r.summary.extra.unpins, 1);
  assert.equal(r.summary.deviceFaults, 8, 'the read after the pin expired faults');
});

test('uvm thrashing: migrations more than the lapse apart never trigger mitigation; thrashing=false turns it off', async () => {
  const slow = await replay('uvm', {}, pingPong(30, 600_000));
  assert.equal(slow.summary.extra.throttles, 0);
  const off = await replay('uvm', { thrashing: false }, pingPong(30, 10_000));
  assert.equal(off.summary.extra.throttles, 0);
  assert.equal(off.summary.deviceFaults, 15);
});

test('uvm thrashing: a device-only evict/refault cycle is not ping-pong (UVM skips eviction-driven migrations)', async () => {
  const o = { 'device.memory.capacityBytes': 4 * MiB }; // one user root chunk + one kernel root chunk for the driver's page tables (page-tables.ts)
  const ev: TraceEvent[] = [{ op: 'alloc', tNs: 0, va: BASE, bytes: 4 * MiB, flags: ['managed'] }];
  for (let k = 0; k < 20; k++) ev.push({ op: 'access', tNs: 1000 + k * 20_000, agent: 'dev0', va: BASE + (k % 2) * 2 * MiB, bytes: P, access: 'r' });
  const r = await replay('uvm', {}, ev, o);
  assert.equal(r.summary.evictions, 19);
  assert.equal(r.summary.extra.throttles, 0);
});
