/**
 * Allocations of different kinds sharing one GMEM unit (a `device` or `host` allocation within 2 MiB of another
 * kind, as importers that synthesise addresses 64 KiB apart produce): the allocation decides what an access may
 * do, the unit (created by the first allocation) where its data is (state-table.ts `neighbourAccess`). Before,
 * a CPU write to a pinned host buffer 64 KiB after a device buffer was a fault error, because the unit had the
 * device buffer's kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { remoteAccessNs } from '../../../src/model/cost';
import type { TraceEvent } from '../../../src/trace/event';
import { KiB, MiB } from '../../../src/units';
import { BASE, linux, sim } from './helpers';

const DEV = BASE; // 64 KiB device buffer at the start of a 2 MiB unit
const HOST = BASE + 64 * KiB; // 64 KiB host buffer in the same unit
const B = 64 * KiB;

function allocs(first: 'device' | 'pinned_host' | 'managed', second: 'device' | 'pinned_host' | 'managed'): TraceEvent[] {
  return [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: DEV, bytes: B, flags: [first] },
    { op: 'alloc', tNs: 1, agent: 'cpu', va: HOST, bytes: B, flags: [second] },
  ];
}

test('a CPU write to host memory in a device buffer\'s unit is served as host memory: no error, nothing charged, the unit stays on the device', async () => {
  const r = await sim([...allocs('device', 'pinned_host'), { op: 'access', tNs: 1000, agent: 'cpu', va: HOST, bytes: B, access: 'w' }], linux(16));
  const s = r.summary;
  assert.equal(r.summary.status, 'ok');
  assert.equal(s.errorEvents, 0);
  assert.deepEqual([s.cpuFaults, s.zeroFills, s.remoteAccesses, s.timeFaultNs, s.timeRemoteNs], [0, 0, 0, 0, 0]);
  assert.equal(r.series.residentBytes.at(-1), 2 * MiB); // the unit stays on the device
  assert.equal(r.summary.warnings['gmem.mixed-unit'], 1);
  assert.equal(r.summary.warnings['gmem.fault-error'], undefined);
});

test('the CPU is still refused device-only memory, whichever allocation created the unit', async () => {
  for (const order of [['device', 'pinned_host'], ['pinned_host', 'device']] as const) {
    // the device buffer is the first allocation of the pair: at DEV when first, at HOST when second
    const va = order[0] === 'device' ? DEV : HOST;
    const r = await sim([...allocs(order[0], order[1]), { op: 'access', tNs: 1000, agent: 'cpu', va, bytes: 4 * KiB, access: 'r' }], linux(16));
    assert.equal(r.summary.status, 'error', order.join(' then '));
    assert.equal(r.summary.warnings['gmem.fault-error'], 1);
  }
});

test('a device read of host memory in a device buffer\'s unit is remote (count × remote access of its bytes), not a hit', async () => {
  const r = await sim([...allocs('device', 'pinned_host'), { op: 'access', tNs: 1000, agent: 'dev0', va: HOST, bytes: 4 * KiB, access: 'r', count: 3 }], linux(16));
  const s = r.summary;
  assert.equal(r.summary.status, 'ok');
  assert.equal(s.remoteAccesses, 3);
  assert.ok(Math.abs(s.timeRemoteNs - 3 * remoteAccessNs(r.c, 4 * KiB, false)) < 1e-6);
  assert.equal(s.deviceFaults, 0);
});

test('host memory sharing a managed unit on the device: its device rows are remote, the managed rows hits', async () => {
  const ev: TraceEvent[] = [
    ...allocs('managed', 'pinned_host'),
    { op: 'access', tNs: 1000, agent: 'dev0', va: DEV, bytes: 4 * KiB, access: 'r' }, // fault: the unit comes to dev0
    { op: 'access', tNs: 2000, agent: 'dev0', va: DEV, bytes: 4 * KiB, access: 'r' }, // hit
    { op: 'access', tNs: 3000, agent: 'dev0', va: HOST, bytes: 4 * KiB, access: 'w' }, // host memory: remote
    { op: 'access', tNs: 4000, agent: 'dev0', va: HOST, bytes: 4 * KiB, access: 'w' }, // and again (the fast path too)
  ];
  const r = await sim(ev, linux(16));
  const s = r.summary;
  assert.deepEqual([s.deviceFaults, s.remoteAccesses], [1, 2]);
  assert.ok(Math.abs(s.timeRemoteNs - 2 * remoteAccessNs(r.c, 4 * KiB, true)) < 1e-6);
  assert.equal(r.summary.warnings['gmem.mixed-unit'], 2);
});

test('gmem-paper\'s 4 KiB units are never shared by these buffers: the same CPU write zero-fills its 16 host pages', async () => {
  const r = await sim([...allocs('device', 'pinned_host'), { op: 'access', tNs: 1000, agent: 'cpu', va: HOST, bytes: B, access: 'w' }], { system: 'gmem-paper', profile: 'a100-pcie4' });
  assert.equal(r.summary.status, 'ok');
  assert.equal(r.summary.cpuFaults, 16);
  assert.equal(r.summary.warnings['gmem.mixed-unit'], undefined);
});
