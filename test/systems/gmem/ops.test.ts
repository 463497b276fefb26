import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, breakdownSum, linux, sim } from './helpers';
import { prefetchItems } from '../../../src/systems/gmem/prefetch-plan';
import { KiB, MiB } from '../../../src/units';

const U = 2 * MiB;
const approx = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b)), `${a} ≈ ${b}`);

test('prefetch work items: below 8 MiB one item; else three of floor(size/4) rounded to 2 MiB and the remainder', () => {
  assert.deepEqual(prefetchItems(6 * MiB, 4), [6 * MiB]);
  assert.deepEqual(prefetchItems(8 * MiB, 4), [2 * MiB, 2 * MiB, 2 * MiB, 2 * MiB]);
  assert.deepEqual(prefetchItems(22 * MiB, 4), [4 * MiB, 4 * MiB, 4 * MiB, 10 * MiB]);
  assert.deepEqual(prefetchItems(0, 4), []);
});

test('prefetch is synchronous: elapsed = max(link busy time, slowest item software time); not a fault', async () => {
  // 8 units of CPU data, 4 items of 2 units each; all transfers serialise on the link
  const ev = [
    { op: 'alloc', tNs: 0, va: BASE, bytes: 8 * U, flags: ['peer_shared'] },
    { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8 * U, access: 'w' },
    { op: 'prefetch', tNs: 0, va: BASE + 100, bytes: 8 * U - 200, target: 'dev0' }, // rounds outward
  ] as const;
  const r = await sim([...ev], linux(16));
  const s = r.summary;
  const c = r.c;
  assert.deepEqual([s.deviceFaults, s.migrationsH2D, s.prefetchedBytes, s.bytesH2D], [0, 8, 8 * U, 8 * U]);
  const setup = c.pmapCreateNs + 8 * (c.cpuFaultNs + c.hostZeroFillNs);
  const link = 8 * c.h2dNs;
  const item = 2 * (c.faultServiceNs + c.tlbShootdownNs + c.dmaMapNs + c.peerMapNs + c.dmaUnmapNs);
  approx(s.simTimeNs - setup, Math.max(link, item));
  approx(breakdownSum(r), s.simTimeNs);
  // a slow link makes it link-bound; a slow fault service makes it software-bound
  const slowLink = await sim([...ev], linux(16, { 'link.h2dBytesPerNs': 0.5 }));
  approx(slowLink.summary.simTimeNs - setup, 8 * slowLink.c.h2dNs);
  approx(slowLink.summary.timeTransferNs, 8 * slowLink.c.h2dNs);
  const slowSw = await sim([...ev], linux(16, { 'device.fault.serviceNs': '10ms' }));
  approx(slowSw.summary.simTimeNs - setup, 2 * (slowSw.c.faultServiceNs + c.tlbShootdownNs + c.dmaMapNs + c.peerMapNs + c.dmaUnmapNs));
});

test('hmadvise errors: PREFETCH outside one peer-shared allocation or to a non-device, DONTNEED to the CPU', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] },
      { op: 'prefetch', tNs: 0, va: BASE, bytes: 2 * U, target: 'dev0' },
      { op: 'prefetch', tNs: 0, va: BASE, bytes: U, target: 'cpu' },
      { op: 'advise', tNs: 0, va: BASE, bytes: U, advice: 'dontneed', target: 'cpu' },
      { op: 'advise', tNs: 0, va: BASE, bytes: U, advice: 'dontneed' }, // hnid -1 is fine
    ],
    linux(4),
  );
  assert.equal(r.summary.errorEvents, 3);
  assert.equal(r.resultEventCounts['hmadvise-error'], 3);
  assert.equal(r.summary.warnings['gmem.hmadvise-error'], 3);
});

test('PEER devices: each peer-shared alloc calls peer_va_alloc_fixed; an exhausted peer VA space fails after 10 attempts', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] },
      { op: 'alloc', tNs: 0, va: BASE + 8 * U, bytes: U, flags: ['managed'] }, // not peer-shared
      { op: 'alloc', tNs: 0, va: BASE + 16 * U, bytes: 2 * U, flags: ['peer_shared'] }, // exceeds 2 MiB of peer VA
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 16 * U, bytes: 8, access: 'r' },
      { op: 'free', tNs: 0, va: BASE },
    ],
    { system: 'gmem-linux', profile: 'ascend910b', set: { peerVaBytes: '2MiB', chargePeerVaFree: true } },
  );
  const s = r.summary;
  const c = r.c;
  assert.equal(s.extra.peerVaAllocs, 1 + 10);
  assert.equal(s.extra.peerVaFrees, 1);
  assert.equal(r.resultEventCounts['alloc-error'], 1);
  assert.equal(r.resultEventCounts['fault-error'], 1);
  approx(s.timeMapNs, c.pmapCreateNs + 11 * c.peerVaAllocNs + c.peerVaFreeNs);
  // a non-PEER device never calls it
  const a100 = await sim([{ op: 'alloc', tNs: 0, va: BASE, bytes: U, flags: ['peer_shared'] }], linux(4));
  assert.equal(a100.summary.extra.peerVaAllocs, 0);
});

test('game-style binds (§11): reserve is one VMA; map splits it, copies the data in, counts inexpressible attributes; unmap peer_unmaps', async () => {
  const R = 64 * MiB;
  const r = await sim(
    [
      { op: 'reserve', tNs: 0, va: BASE, bytes: R },
      { op: 'map', tNs: 0, va: BASE + 4 * MiB, bytes: 64 * KiB, resource: 'texA', pageBytes: 65536 },
      { op: 'map', tNs: 0, va: BASE + 4 * MiB + 64 * KiB, bytes: 64 * KiB, resource: 'texA' }, // aliased, merges
      { op: 'map', tNs: 0, va: BASE + 8 * MiB, bytes: 2 * MiB, resource: 'sparse', flags: ['null'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 4 * MiB, bytes: 8, access: 'r' },
      { op: 'unmap', tNs: 0, va: BASE + 4 * MiB, bytes: 128 * KiB },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 4 * MiB, bytes: 8, access: 'r' }, // unmapped now
      { op: 'release', tNs: 0, va: BASE },
    ],
    { system: 'gmem-paper', profile: 'a100-pcie4', set: { chargePageTables: false } },
  );
  const s = r.summary;
  const x = s.extra;
  const c = r.c;
  assert.equal(s.mapOps, 3 + 1); // three mmaps + one peer_map for the device fault
  assert.deepEqual([x.aliasCopies, x.aliasCopyBytes], [2, 128 * KiB]);
  // the shared rule (src/systems/shared/bind-attributes.ts): a 64 KiB page size is counted but expressible
  assert.deepEqual([x.inexpressibleBinds, x.inexpressiblePageSize, x.inexpressibleAliased, x.inexpressibleNull], [2, 1, 1, 1]);
  assert.equal(x.vmaCount, 5); // none | map(merged) | none | null map | none
  assert.equal(s.unmapOps, 1);
  assert.equal(s.errorEvents, 1);
  const copy = (128 * KiB) / c.deviceCopyBytesPerNs;
  approx(s.timeTransferNs, copy);
  // reserve; map#1 (2 splits); map#2 (1 split + 1 merge); null map (2 splits); unmap and release (0 splits)
  const vma = c.mmapNs + (c.mmapNs + 2 * c.vmaSplitNs) + (c.mmapNs + 2 * c.vmaSplitNs) + (c.mmapNs + 2 * c.vmaSplitNs) + c.munmapNs + c.munmapNs; // the unmap covers exactly the merged VMA: no split
  approx(s.timeMapNs, c.pmapCreateNs + vma + c.peerMapNs + c.peerUnmapNs);
});

test('mprotect read-only: CPU shootdown for present PTEs, device pmap_protect + invalidation; writes become fault-errors', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 2 * U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' },
      { op: 'protect', tNs: 0, va: BASE, bytes: 2 * U, flags: ['readonly'] },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'r' },
      { op: 'protect', tNs: 0, va: BASE, bytes: 2 * U },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' },
    ],
    linux(4),
  );
  const s = r.summary;
  const c = r.c;
  assert.equal(s.extra.protectOps, 2);
  assert.equal(s.errorEvents, 1);
  assert.equal(s.tlbInvalidations, 1);
  assert.equal(s.extra.cpuShootdowns, 1);
  approx(s.timeInvalidateNs, c.tlbShootdownNs + c.invalidateNs);
  approx(s.timeMapNs, c.pmapCreateNs + c.peerMapNs + 2 * c.mprotectNs + c.pteNs);
});

test('fork: CPU pages become copy-on-write; a device touch of a COW page pays a CPU round trip; CPU writes break COW', async () => {
  const r = await sim(
    [
      { op: 'alloc', tNs: 0, va: BASE, bytes: 3 * U, flags: ['peer_shared'] },
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 3 * U, access: 'w' },
      { op: 'fork', tNs: 0 },
      { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w' }, // round trip + row 2
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE + U, bytes: 8, access: 'w' }, // COW fault
      { op: 'access', tNs: 0, agent: 'cpu', va: BASE + U, bytes: 8, access: 'w' }, // private now
      { op: 'free', tNs: 0, va: BASE }, // the child keeps unit 2's page
    ],
    linux(4),
  );
  const s = r.summary;
  const c = r.c;
  const x = s.extra;
  assert.deepEqual([x.forks, x.cowDeviceRoundTrips, x.cowFaults], [1, 1, 1]);
  assert.equal(s.migrationsH2D, 1);
  assert.equal(x.hostPeakBytes, 4 * U); // 3 shared + 1 private copy at a time (unit 0's copy left for the device)
  approx(s.timeFaultNs, 3 * (c.cpuFaultNs + c.hostZeroFillNs) + 2 * (c.cpuFaultNs + c.hostZeroFillNs) + c.faultServiceNs);
});

test('the coalesced invalidation option flushes once per range op instead of once per peer_unmap', async () => {
  const ev = [
    { op: 'alloc', tNs: 0, va: BASE, bytes: 4 * U, flags: ['peer_shared'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 4 * U, access: 'w' },
    { op: 'free', tNs: 0, va: BASE },
  ] as const;
  const per = await sim([...ev], linux(8));
  const co = await sim([...ev], linux(8, { invalidation: 'coalesced' }));
  assert.equal(per.summary.tlbInvalidations, 4);
  assert.equal(co.summary.tlbInvalidations, 1);
  approx(co.summary.timeInvalidateNs, co.c.invalidateAllNs);
  approx(co.summary.timeMapNs - per.summary.timeMapNs, -4 * per.c.invalidateNs);
});

test('accessBitsRefresh makes plain device hits refresh LRU recency', async () => {
  const ev = [
    { op: 'alloc', tNs: 0, va: BASE, bytes: 3 * U, flags: ['peer_shared'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'w' },
    { op: 'access', tNs: 0, agent: 'dev0', va: BASE + U, bytes: 8, access: 'w' },
    { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'r' },
    { op: 'access', tNs: 0, agent: 'dev0', va: BASE + 2 * U, bytes: 8, access: 'w' },
    { op: 'access', tNs: 0, agent: 'dev0', va: BASE, bytes: 8, access: 'r' },
  ] as const;
  assert.equal((await sim([...ev], linux(2, { victim: 'lru' }))).summary.deviceFaults, 4);
  assert.equal((await sim([...ev], linux(2, { victim: 'lru', accessBitsRefresh: true }))).summary.deviceFaults, 3);
  // the driver's order (gmem-linux default) moves a chunk only on migration into it: hits never reorder
  assert.equal((await sim([...ev], linux(2, { accessBitsRefresh: true }))).summary.deviceFaults, 4);
});

test('a device allocation is the driver\'s memory: placed at alloc and freed with no GMEM map or unmap charged, in both presets', async () => {
  const ev = [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: BASE, bytes: 64 * MiB, flags: ['device'] },
    { op: 'free', tNs: 1000, agent: 'dev0', va: BASE },
  ] as const;
  for (const spec of [linux(64), { system: 'gmem-paper', profile: 'a100-pcie4' }]) {
    const r = await sim([...ev], spec);
    const s = r.summary;
    // the only map time is the device context's pmap_create at attach (gm_as_attach)
    assert.deepEqual([s.mapOps, s.unmapOps, s.tlbInvalidations, s.timeMapNs, s.timeInvalidateNs, s.status], [0, 0, 0, r.c.pmapCreateNs, 0, 'ok'], spec.system);
    assert.equal(r.series.residentBytes.at(-1), 0);
  }
});
