import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transferNs } from '../../../src/model/link';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay, testPlatform } from '../harness';

const BASE = 0x4000_0000;
const P = 4096;
const alloc: TraceEvent = { op: 'alloc', tNs: 0, va: BASE, bytes: 2 * MiB, flags: ['managed'] };
const acc = (t: number, agent: string, access: 'r' | 'w', bytes = P): TraceEvent => ({ op: 'access', tNs: t, agent, va: BASE, bytes, access });

test('uvm read-mostly: device reads duplicate (host copy kept); a device write collapses the copies', async () => {
  const r = await replay('uvm', { prefetch: 'none' }, [
    alloc,
    { op: 'advise', tNs: 1, va: BASE, bytes: 2 * MiB, advice: 'read_mostly' },
    acc(10, 'cpu', 'w'), // populate on host
    acc(20, 'dev0', 'r'), // duplicate
    acc(30, 'cpu', 'r'), // host copy still valid: no fault
    acc(40, 'dev0', 'w'), // device write: host copy invalidated
    acc(50, 'cpu', 'r'), // now the CPU faults
  ]);
  const s = r.summary;
  assert.equal(s.extra.readDuplicates, 2, 'the device read, and the final CPU read (read-mostly: the device keeps its copy)');
  assert.equal(s.cpuFaults, 2, 'the populating write and the read after the collapse');
  assert.equal(s.extra.cpuShootdowns, 1, 'the collapse');
  assert.equal(s.migrationsH2D, 1);
  assert.equal(s.migrationsD2H, 1);
});

test('uvm preferred location host: the device maps host pages remotely instead of migrating them', async () => {
  const o = {};
  const plat = testPlatform(o);
  const r = await replay('uvm', {}, [
    alloc,
    { op: 'advise', tNs: 1, va: BASE, bytes: 2 * MiB, advice: 'preferred_location', target: 'cpu' },
    acc(10, 'cpu', 'w'),
    { op: 'access', tNs: 20, agent: 'dev0', va: BASE, bytes: P, access: 'r', count: 3 },
  ], o);
  const s = r.summary;
  assert.equal(s.deviceFaults, 0);
  assert.equal(s.remoteAccesses, 3);
  assert.ok(Math.abs(s.timeRemoteNs - 3 * (plat.link.remoteLatencyNs + P / plat.link.h2dBytesPerNs)) < 1e-6);
});

test('uvm accessed-by: the device keeps a mapping to host-resident pages (no fault, remote access)', async () => {
  const r = await replay('uvm', {}, [
    alloc,
    { op: 'advise', tNs: 1, va: BASE, bytes: 2 * MiB, advice: 'accessed_by', target: 'dev0' },
    acc(10, 'cpu', 'w'),
    acc(20, 'dev0', 'r'),
  ]);
  assert.equal(r.summary.deviceFaults, 0);
  assert.equal(r.summary.remoteAccesses, 1);
});

test('uvm: GMEM-only advice (willneed, pinned, …) is ignored with a warning', async () => {
  const r = await replay('uvm', {}, [alloc, { op: 'advise', tNs: 1, va: BASE, bytes: P, advice: 'willneed' }]);
  assert.equal(r.summary.extra.ignoredAdvice, 1);
  assert.equal(r.summary.warnings['systems.ignored-advice'], 1);
});

test('uvm prefetchAsync: a prefetch only occupies the link; an access waits only for what has not arrived', async () => {
  const o = {};
  const plat = testPlatform(o);
  const d = transferNs(plat.link, 1 * MiB, 'h2d');
  const base: TraceEvent[] = [alloc, acc(10, 'cpu', 'w', 1 * MiB), { op: 'prefetch', tNs: 100_000, va: BASE, bytes: 1 * MiB, target: 'dev0' }];
  // the prefetch makes the run's first PMA call (device-memory.ts pmaBatch): done before the copy starts, off the
  // critical path like the shootdown
  const pma = plat.device.fault.pmaAllocNs;
  // device access long after the transfer finished: no wait at all
  const late = await replay('uvm', {}, [...base, acc(100_000 + pma + 10 * d, 'dev0', 'r')], o);
  assert.equal(late.summary.deviceFaults, 0);
  assert.equal(late.summary.timeTransferNs, 0);
  assert.equal(late.summary.prefetchedBytes, 1 * MiB);
  // device access right after the prefetch row: waits for the rest of the transfer
  const early = await replay('uvm', {}, [...base, acc(100_000 + 1000, 'dev0', 'r')], o);
  // the driver unmaps the host copy (shootdown) before the copy starts, off the critical path
  assert.ok(Math.abs(early.summary.extra.prefetchWaitNs - (pma + plat.host.tlbShootdownNs + d - 1000)) < 1e-6, `${early.summary.extra.prefetchWaitNs}`);
  assert.equal(early.summary.timeInvalidateNs, 0);
  // synchronous prefetch: the clock waits at the prefetch row, and the driver's per-page cost is paid
  const sync = await replay('uvm', { prefetchAsync: false }, [...base, acc(100_000 + 1000, 'dev0', 'r')], o);
  assert.equal(sync.summary.extra.prefetchWaitNs, 0);
  assert.ok(Math.abs(sync.summary.timeTransferNs - d) < 1e-6);
});

test('uvm (revision 9): a prefetch outside every live allocation is rejected — a warning, no fault-error, the run stays ok', async () => {
  // a recorded nvprof migration list imported without its allocations: prefetch rows only (the driver returns
  // cudaErrorInvalidValue; the program goes on). Before revision 9 each was a fault-error and the run `error`.
  const far = BASE + 64 * MiB;
  const r = await replay('uvm', {}, [
    alloc,
    { op: 'prefetch', tNs: 1, agent: 'cpu', va: far, bytes: 64 * 1024, target: 'dev0' },
    { op: 'prefetch', tNs: 2, agent: 'cpu', va: BASE, bytes: 64 * 1024, target: 'dev0' },
    acc(10, 'dev0', 'r'),
  ]);
  const s = r.summary;
  assert.equal(s.errorEvents, 0);
  assert.equal(s.status, 'ok');
  assert.equal(s.warnings['systems.rejected-prefetch'], 1);
  assert.equal(s.warnings['systems.unmapped-access'], undefined);
  assert.equal(s.deviceFaults, 0, 'the prefetch inside the allocation still populates the device: the read hits');
});
