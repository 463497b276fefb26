import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, breakdownSum, sim } from './helpers';
import { KiB, MiB } from '../../../src/units';
import { remoteAccessNs } from '../../../src/model/cost';

const P = 4 * KiB;
const approx = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b)), `${a} ≈ ${b}`);
const paper = (mode: string, extra: Record<string, unknown> = {}) => ({
  system: `gmem-paper:mode=${mode}`,
  profile: 'a100-pcie4',
  set: { chargePageTables: false, ...extra } as Record<string, string | number | boolean>,
});
const trace = [
  { op: 'alloc', tNs: 0, va: BASE, bytes: 2 * P, flags: ['peer_shared'] },
  { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w', count: 3 }, // NOMAP
  { op: 'access', tNs: 0, agent: 'cpu', va: BASE + P, bytes: 8, access: 'w' }, // row 5
  { op: 'access', tNs: 0, agent: 'dev0', va: BASE + P, bytes: 16, access: 'r' },
  { op: 'free', tNs: 0, va: BASE },
] as const;

test('SHARE (decision D): device touches of host data are remote accesses charged per access; NOMAP goes through the CPU path', async () => {
  const r = await sim([...trace], paper('share'));
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.deviceFaults, s.cpuFaults, s.zeroFills, s.remoteAccesses, s.migrationsH2D, s.mapOps], [1, 1, 2, 4, 0, 0]);
  approx(s.timeRemoteNs, 3 * remoteAccessNs(c, 8, true) + remoteAccessNs(c, 16, false));
  // free zaps 2 CPU PTEs: one CPU shootdown + one device flush (shared table)
  assert.equal(s.tlbInvalidations, 1);
  assert.equal(s.extra.cpuShootdowns, 1);
  approx(s.simTimeNs, c.pmapCreateNs + c.faultServiceNs + c.hostZeroFillNs + c.cpuFaultNs + c.hostZeroFillNs + s.timeRemoteNs + c.tlbShootdownNs + c.invalidateNs);
  approx(breakdownSum(r), s.simTimeNs);
});

test('REPLICATE (decision D): every CPU mapping install installs a replica; unmaps fan out one invalidation per replica', async () => {
  const r = await sim([...trace], paper('replicate'));
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.deviceFaults, s.remoteAccesses, s.mapOps], [1, 4, 2]);
  assert.equal(s.extra.replicaInstalls, 2);
  assert.equal(s.extra.replicaInvalidations, 2);
  assert.equal(s.tlbInvalidations, 2);
  approx(s.timeInvalidateNs, c.tlbShootdownNs + 2 * c.invalidateNs);
  approx(s.timeMapNs, c.pmapCreateNs + 2 * c.peerMapNs);
});

test('EXCLUSIVE on the same trace migrates instead of accessing remotely', async () => {
  const r = await sim([...trace], paper('exclusive'));
  const s = r.summary;
  assert.deepEqual([s.deviceFaults, s.remoteAccesses, s.migrationsH2D, s.zeroFills], [2, 0, 1, 2]);
});

test('host allocations stay on the CPU; device accesses to them are remote in every mode', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 2 * MiB, flags: ['pinned_host'] },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 64, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 64, access: 'r', count: 2 },
    ],
    { system: 'gmem-linux', profile: 'a100-pcie4' },
  );
  assert.deepEqual([r.summary.remoteAccesses, r.summary.migrationsH2D, r.summary.deviceFaults], [2, 0, 0]);
});

test('device allocations are resident and pinned from alloc; a full device gives an oom event and the alloc fails', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 4 * MiB, flags: ['device'], agent: 'dev0' },
      { op: 'alloc', tNs: 0, va: BASE + 16 * MiB, bytes: 2 * MiB, flags: ['managed'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 16 * MiB, bytes: 8, access: 'w' }, // no evictable frame
      { op: 'alloc', tNs: 0, va: BASE + 64 * MiB, bytes: 2 * MiB, flags: ['device'] }, // does not fit
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 64 * MiB, bytes: 8, access: 'r' }, // never existed
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'r' }, // device-only memory
    ],
    { system: 'gmem-linux', profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': '4MiB' } },
  );
  const s = r.summary;
  assert.equal(s.oomEvents, 2);
  assert.equal(s.deviceFaults, 1); // the failed access counts as a fault
  assert.equal(s.errorEvents, 2);
  assert.equal(r.series.residentBytes.at(-1), 4 * MiB);
});

test('host memory exhaustion gives an oom event (host) and the run continues', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 6 * MiB, flags: ['managed'] },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 6 * MiB, access: 'w' },
    ],
    { system: 'gmem-linux', profile: 'a100-pcie4', set: { 'host.dramBytes': '4MiB' } },
  );
  assert.equal(r.summary.oomEvents, 1);
  assert.equal(r.summary.zeroFills, 2);
  assert.equal(r.resultEvents[0]!.kind, 'oom');
  assert.match(r.resultEvents[0]!.reason, /^host/);
});

test('with hmadviseExtension (OE), PINNED and WILLNEED units are never victims; when nothing is evictable the fault is an oom', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 6 * MiB, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 4 * MiB, access: 'w' },
      { op: 'advise', tNs: 0, va: BASE, bytes: 2 * MiB, advice: 'pinned' },
      { op: 'advise', tNs: 0, va: BASE + 2 * MiB, bytes: 2 * MiB, advice: 'willneed' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 4 * MiB, bytes: 8, access: 'w' },
      { op: 'advise', tNs: 0, va: BASE, bytes: 2 * MiB, advice: 'unpin' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 4 * MiB, bytes: 8, access: 'w' },
      { op: 'advise', tNs: 0, va: BASE, bytes: 2 * MiB, advice: 'read_mostly' },
    ],
    { system: 'gmem-linux', profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': '4MiB', hmadviseExtension: true } },
  );
  const s = r.summary;
  assert.equal(s.oomEvents, 1);
  assert.equal(s.evictions, 1); // the unpinned unit 0, never the WILLNEED unit 1
  assert.equal(s.extra.adviceIgnored, 1);
  assert.equal(s.warnings['gmem.unsupported-advice'], 1);
});

test('chargePageTables: the X97 root (512 frames) and one 4 KiB table per 2 MiB and per 1 GiB region are wired device frames', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 4 * MiB, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 2 * MiB, bytes: 8, access: 'w' },
    ],
    { system: 'gmem-paper' },
  );
  assert.equal(r.summary.profile, 'x97-sim');
  assert.equal(r.summary.extra.pageTableFramesPeak, 512 + 2 + 1);
});

test('x97: 26,214 frames minus the root and tables hold data; FIFO evicts in allocation order', async () => {
  // 110 MiB = 28,160 pages in 55 regions of 2 MiB. At the end the pool is full with the newest pages [E, 28160):
  // (28160 - E) data + 512 root + 1 middle + (55 - floor(E / 512)) leaf tables = 26,214  →  E = 2,510
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 200 * MiB, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 110 * MiB, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 2510 * 4096, bytes: 8, access: 'r' }, // oldest survivor: hit
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 2509 * 4096, bytes: 8, access: 'r' }, // newest victim: fault
    ],
    { system: 'gmem-paper', debug: false },
  );
  const s = r.summary;
  assert.equal(s.evictions, 2510 + 1);
  assert.equal(s.deviceFaults, 28_160 + 1);
  assert.equal(s.migrationsH2D, 1);
});
