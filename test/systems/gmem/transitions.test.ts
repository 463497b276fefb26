import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, breakdownSum, linux, sim } from './helpers';
import { MiB } from '../../../src/units';

const U = 2 * MiB;
const approx = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b)), `${a} ≈ ${b}`);

test('row 1: a device fault on NOMAP zero-fills one unit on the device (fault service + peer_map + zero-fill)', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 64, access: 'w' },
    ],
    linux(4),
  );
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.deviceFaults, s.zeroFills, s.mapOps, s.migrationsH2D, s.cpuFaults], [1, 1, 1, 0, 0]);
  approx(s.timeFaultNs, c.faultServiceNs + c.deviceZeroFillNs);
  approx(s.timeMapNs, c.pmapCreateNs + c.peerMapNs);
  approx(s.simTimeNs, c.pmapCreateNs + c.faultServiceNs + c.peerMapNs + c.deviceZeroFillNs);
  approx(breakdownSum(r), s.simTimeNs);
});

test('row 2: a device fault on CPU data migrates it H2D, zaps the CPU PTE and frees the host page', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 64, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 64, access: 'r' },
    ],
    linux(4),
  );
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.cpuFaults, s.deviceFaults, s.zeroFills, s.migrationsH2D, s.bytesH2D, s.prefetchedBytes], [1, 1, 1, 1, U, 0]);
  assert.equal(s.extra.cpuShootdowns, 1);
  const row5 = c.cpuFaultNs + c.hostZeroFillNs;
  const row2 = c.faultServiceNs + c.tlbShootdownNs + c.dmaMapNs + c.h2dNs + c.peerMapNs + c.dmaUnmapNs;
  approx(s.simTimeNs, c.pmapCreateNs + row5 + row2);
  approx(s.timeTransferNs, c.h2dNs);
  approx(s.timeInvalidateNs, c.tlbShootdownNs);
  assert.equal(s.extra.hostPeakBytes, U);
});

test('row 3: accesses by the owning device hit; count=N is N accesses with at most one fault per unit', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 2 * U, flags: ['managed'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U - 8, bytes: 16, access: 'r', count: 5 },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 2 * U, access: 'r', count: 3 },
    ],
    linux(4),
  );
  const s = r.summary;
  assert.equal(s.accesses, 8);
  assert.equal(s.deviceFaults, 2); // the 16-byte access spans two units
  assert.equal(s.zeroFills, 2);
  approx(s.simTimeNs, r.c.pmapCreateNs + 2 * (r.c.faultServiceNs + r.c.peerMapNs + r.c.deviceZeroFillNs));
});

test('row 4 (decision B): another device\'s unit migrates via the host: owner peer_unmap(copy) then peer_map(copy)', async () => {
  const ev = [
    { op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 64, access: 'w' },
    { op: 'access', tNs: 0, agent: 'dev1', va: BASE, bytes: 64, access: 'r' },
  ] as const;
  const r = await sim([...ev], linux(4, { 'host.devices': 2 }));
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.deviceFaults, s.migrationsD2H, s.migrationsH2D, s.unmapOps, s.mapOps, s.tlbInvalidations], [2, 1, 1, 1, 2, 1]);
  assert.equal(s.extra.crossDeviceMigrations, 1);
  const row1 = c.faultServiceNs + c.peerMapNs + c.deviceZeroFillNs;
  const leg1 = c.dmaMapNs + c.peerUnmapNs + c.dmaUnmapNs + c.d2hNs;
  const leg2 = c.faultServiceNs + c.dmaMapNs + c.h2dNs + c.peerMapNs + c.dmaUnmapNs;
  approx(s.simTimeNs, 2 * c.pmapCreateNs + row1 + leg1 + leg2);

  const noop = await sim([...ev], linux(4, { 'host.devices': 2, crossDevice: 'rfc-noop' }));
  const n = noop.summary;
  assert.deepEqual([n.deviceFaults, n.migrationsD2H, n.migrationsH2D], [2, 0, 0]);
  assert.equal(n.extra.crossDeviceNoop, 1);
  approx(n.simTimeNs, 2 * c.pmapCreateNs + row1 + c.faultServiceNs);
  assert.equal(noop.resultEventCounts['cross-device'], 1);
});

test('row 5: a CPU fault on NOMAP zero-fills one unit in host memory', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'r' },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE + 4096, bytes: 8, access: 'w' },
    ],
    linux(4),
  );
  assert.deepEqual([r.summary.cpuFaults, r.summary.zeroFills, r.summary.deviceFaults], [1, 1, 0]);
  approx(r.summary.simTimeNs, r.c.pmapCreateNs + r.c.cpuFaultNs + r.c.hostZeroFillNs);
});

test('rows 8 and 6: eviction writes the victim back (CPU state, no PTE); a CPU touch re-installs the PTE without zero-fill', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 2 * U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' }, // evicts unit 0
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'r' }, // row 6
    ],
    linux(1),
  );
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.evictions, s.migrationsD2H, s.bytesD2H, s.zeroFills, s.cpuFaults, s.deviceFaults], [2 - 1, 1, U, 2, 1, 2]);
  const evict = c.dmaMapNs + c.peerUnmapNs + c.dmaUnmapNs + c.d2hNs;
  approx(s.timeEvictNs, evict);
  approx(s.simTimeNs, c.pmapCreateNs + 2 * (c.faultServiceNs + c.peerMapNs + c.deviceZeroFillNs) + evict + c.cpuFaultNs);
});

test('row 7: a CPU fault on a device unit migrates it back D2H and frees the frame', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'r' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'r' }, // back again: row 2
    ],
    linux(4),
  );
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.cpuFaults, s.migrationsD2H, s.migrationsH2D, s.unmapOps, s.tlbInvalidations, s.evictions], [1, 1, 1, 1, 1, 0]);
  const row7 = c.cpuFaultNs + c.dmaMapNs + c.d2hNs + c.peerUnmapNs + c.dmaUnmapNs;
  const row2 = c.faultServiceNs + c.tlbShootdownNs + c.dmaMapNs + c.h2dNs + c.peerMapNs + c.dmaUnmapNs;
  approx(s.simTimeNs, c.pmapCreateNs + c.faultServiceNs + c.peerMapNs + c.deviceZeroFillNs + row7 + row2);
});

test('row 9: prefetch of a unit already on the device re-maps it (MARK_HOT) and refreshes LRU recency', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 3 * U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w' }, // u0
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' }, // u1
      { op: 'prefetch', tNs: 0, va: BASE, bytes: U, target: 'dev0' }, // MARK_HOT u0: u1 becomes LRU
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 2 * U, bytes: 8, access: 'w' }, // evicts u1
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'r' }, // hit
    ],
    linux(2, { victim: 'lru' }),
  );
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.mapOps, s.deviceFaults, s.evictions, s.prefetchedBytes], [4, 3, 1, 0]);
  assert.equal(s.extra.prefetchCalls, 1);
  const prefetch = c.faultServiceNs + c.peerMapNs; // no link time: software-bound
  const row1 = c.faultServiceNs + c.peerMapNs + c.deviceZeroFillNs;
  const evict = c.dmaMapNs + c.peerUnmapNs + c.dmaUnmapNs + c.d2hNs;
  approx(s.simTimeNs, c.pmapCreateNs + 3 * row1 + prefetch + evict);
  // FIFO ignores MARK_HOT: the same trace evicts u0 and the last access faults again
  const f = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 3 * U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' },
      { op: 'prefetch', tNs: 0, va: BASE, bytes: U, target: 'dev0' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 2 * U, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'r' },
    ],
    linux(2, { victim: 'fifo' }),
  );
  assert.deepEqual([f.summary.deviceFaults, f.summary.evictions, f.summary.migrationsH2D], [4, 2, 1]);
});

test('row 10: a prefetch chunk whose unit this prefetch evicted (write-back in flight) sets WILLNEED, waits and retries', async () => {
  // 16 MiB prefetch = 4 items × 2 chunks, processed round robin c0 c2 c4 c6 c1 c3 c5 c7; 3 frames; c1 resident first
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 8 * U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' },
      { op: 'prefetch', tNs: 0, va: BASE, bytes: 8 * U, target: 'dev0' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'r' }, // c1 stayed (WILLNEED)
    ],
    linux(3),
  );
  const s = r.summary;
  // c4 evicts c1, c6 evicts c0, c1 retries (evicts c2), c3 evicts c4, c5 evicts c6, c7 skips WILLNEED c1, evicts c3
  assert.equal(s.extra.migratingRetries, 1);
  assert.deepEqual([s.evictions, s.zeroFills, s.migrationsH2D, s.migrationsD2H, s.deviceFaults], [6, 8, 1, 6, 1]);
  assert.equal(s.prefetchedBytes, U);
});

test('row 11: DONTNEED rounds inward to 2 MiB and discards CPU and device data; the next touch zero-fills again', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 3 * U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 2 * U, bytes: 8, access: 'w' },
      { op: 'advise', tNs: 0, va: BASE, bytes: 2 * U + U / 2, advice: 'dontneed' }, // u0, u1 only
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'r' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 2 * U, bytes: 8, access: 'r' }, // still resident
    ],
    linux(4),
  );
  const s = r.summary;
  const c = r.c;
  assert.equal(s.extra.dontneedUnits, 2);
  assert.deepEqual([s.zeroFills, s.deviceFaults, s.unmapOps, s.tlbInvalidations, s.migrationsD2H, s.bytesD2H], [4, 3, 1, 1, 0, 0]);
  assert.equal(s.extra.cpuShootdowns, 1);
  const row1 = c.faultServiceNs + c.peerMapNs + c.deviceZeroFillNs;
  approx(s.simTimeNs, c.pmapCreateNs + c.cpuFaultNs + c.hostZeroFillNs + 3 * row1 + c.peerUnmapNs + c.tlbShootdownNs);
});

test('row 12: free removes units in any state without data movement; later accesses are fault-errors, never crashes', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 2 * U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE + U, bytes: 8, access: 'w' },
      { op: 'free', tNs: 0, va: BASE },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'r' },
      { op: 'free', tNs: 0, va: BASE },
    ],
    linux(4),
  );
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.unmapOps, s.tlbInvalidations, s.migrationsD2H, s.errorEvents], [1, 1, 0, 2]);
  assert.equal(r.resultEventCounts['fault-error'], 1);
  assert.equal(r.resultEventCounts['alloc-error'], 1);
  assert.equal(s.warnings['gmem.fault-error'], 1);
  assert.equal(r.series.residentBytes.at(-1), 0);
  approx(s.simTimeNs, c.pmapCreateNs + c.faultServiceNs + c.peerMapNs + c.deviceZeroFillNs + c.cpuFaultNs + c.hostZeroFillNs + c.peerUnmapNs + c.tlbShootdownNs);
});

test('row 13: with fault injection a failed peer_map after the PTE zap loses the data (data-loss) and the unit becomes NOMAP', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'r' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'r' }, // NOMAP again: row 1
    ],
    linux(4, { peerMapFailRate: 1 }),
  );
  const s = r.summary;
  assert.equal(s.extra.dataLoss, 1);
  assert.equal(r.resultEventCounts['data-loss'], 1);
  assert.deepEqual([s.errorEvents, s.deviceFaults, s.zeroFills, s.migrationsH2D], [1, 2, 2, 0]);
});
