import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePlatform } from '../../../src/profiles/resolve';
import { compare } from '../../../src/run/run';
import type { RunResult } from '../../../src/sim/run-types';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';
import { workloadTrace } from '../../../src/workloads/trace';

const IOVA = 0x8000_0000;
const HOST = 0x10_0000_0000;
const near = (a: number, b: number, msg = ''): void => assert.ok(Math.abs(a - b) < 1e-6, `${msg} ${a} ≈ ${b}`);

/**
 * A hand-written trace of the nic-rx shape (docs/workloads.md): ring + `slots` buffers mapped at t=0; per
 * packet a DMA write and a descriptor write, then in the poll: descriptor read, unmap, packet read, and the
 * refill map `stackNs` later at a fresh IOVA; teardown unmaps at the end.
 */
function nicTrace(packets: number, slots = 4, stackNs = 600, gapNs = 10_000): TraceEvent[] {
  const ev: TraceEvent[] = [{ op: 'reserve', tNs: 0, agent: 'dev0', va: IOVA, bytes: 1 << 30 }];
  ev.push({ op: 'alloc', tNs: 0, va: HOST, bytes: 4096, flags: ['host'], resource: 'rxring' });
  ev.push({ op: 'map', tNs: 0, agent: 'dev0', va: IOVA, bytes: 4096, resource: 'rxring', pageBytes: 4096 });
  let next = 1;
  const iova: number[] = [];
  for (let s = 0; s < slots; s++) {
    ev.push({ op: 'alloc', tNs: 0, va: HOST + (s + 1) * 4096, bytes: 4096, flags: ['host'], resource: `rxbuf${s}` });
    iova.push(IOVA + next++ * 4096);
    ev.push({ op: 'map', tNs: 0, agent: 'dev0', va: iova[s]!, bytes: 4096, resource: `rxbuf${s}`, pageBytes: 4096 });
  }
  let t = 1000;
  for (let k = 0; k < packets; k++) {
    const s = k % slots;
    ev.push({ op: 'access', tNs: t, agent: 'dev0', va: iova[s]!, bytes: 1500, access: 'w' });
    ev.push({ op: 'access', tNs: t, agent: 'dev0', va: IOVA + s * 16, bytes: 16, access: 'w' });
    ev.push({ op: 'access', tNs: t + 100, agent: 'cpu', va: HOST + s * 16, bytes: 16, access: 'r' });
    ev.push({ op: 'unmap', tNs: t + 100, agent: 'dev0', va: iova[s]!, bytes: 4096 });
    ev.push({ op: 'access', tNs: t + 100, agent: 'cpu', va: HOST + (s + 1) * 4096, bytes: 1500, access: 'r' });
    iova[s] = IOVA + next++ * 4096;
    ev.push({ op: 'map', tNs: t + 100 + stackNs, agent: 'dev0', va: iova[s]!, bytes: 4096, resource: `rxbuf${s}`, pageBytes: 4096 });
    t += gapNs;
  }
  for (let s = 0; s < slots; s++) ev.push({ op: 'unmap', tNs: t, agent: 'dev0', va: iova[s]!, bytes: 4096 });
  ev.push({ op: 'unmap', tNs: t, agent: 'dev0', va: IOVA, bytes: 4096 });
  return ev;
}

async function modes(events: TraceEvent[], set: Record<string, number | string> = {}): Promise<Record<string, RunResult>> {
  const rs = await compare(memoryTrace('nic', eventsToBatches(events)), {
    systems: ['iommu-dma:mode=strict', 'iommu-dma:mode=deferred', 'iommu-dma:mode=gmem-async'], profile: 'nic-iommu', set, debug: true,
  });
  return { strict: rs[0]!, deferred: rs[1]!, async: rs[2]! };
}

test('iommu-dma strict: every unmap clears PTEs, invalidates each page and frees the IOVA; CPU ns per packet from the profile', async () => {
  const plat = resolvePlatform('nic-iommu');
  const d = plat.device;
  const { strict } = await modes(nicTrace(3));
  const x = strict.summary.extra;
  assert.equal(x.packets, 3);
  near(x.stackNsPerPacket, 600);
  // unmap: PTE + IOTLB entry (no range invalidation on VT-d here) + IOVA free; refill: IOVA alloc + PTE
  const perPacket = d.map.pteNs + d.tlb.invalidateNs + d.map.iovaAllocNs + d.map.iovaAllocNs + d.map.pteNs;
  near(x.iommuNsPerPacket, perPacket, 'iommu ns per packet');
  near(x.cpuNsPerPacket, 600 + perPacket, 'cpu ns per packet');
  assert.equal(strict.summary.tlbInvalidations, 3 + 5, 'three packets and five teardown unmaps');
  assert.equal(strict.summary.mapOps, 1 + 4 + 3);
  assert.equal(strict.summary.unmapOps, 3 + 5);
});

test('iommu-dma: strict vs deferred vs gmem-async invalidation counts for 300 one-page unmaps', async () => {
  const { strict, deferred, async } = await modes(nicTrace(300, 4, 600, 1000));
  // 300 packet unmaps + 5 teardown unmaps = 305 one-page entries
  assert.equal(strict.summary.tlbInvalidations, 305);
  // deferred: 256-entry flush queue → one domain flush when full, one for the remaining 49 at the end
  assert.equal(deferred.summary.tlbInvalidations, 2);
  assert.equal(deferred.summary.extra.domainFlushes, 2);
  // gmem-async: 305 pages never exceed 1024 → one drain at the end, ≥ 5 pages → one domain-wide flush
  assert.equal(async.summary.tlbInvalidations, 1);
  assert.equal(async.summary.extra.domainFlushes, 1);
  // a small batch (< 5 pages) is invalidated entry by entry
  const small = await modes(nicTrace(2, 1, 600, 1000));
  assert.equal(small.async.summary.tlbInvalidations, 4, '2 packet unmaps + 2 teardown unmaps, 4 pages < 5');
  assert.equal(small.async.summary.extra.entryInvalidations, 4);
});

test('iommu-dma deferred: the 10 ms flush-queue timer drains a queue that never fills', async () => {
  const { deferred } = await modes(nicTrace(40, 4, 600, 1_000_000)); // 1 ms apart: 40 ms of packets
  assert.ok(deferred.summary.extra.drains >= 4, `${deferred.summary.extra.drains} drains`);
});

test('iommu-dma: DMA to an IOVA that is not mapped is an IOMMU fault', async () => {
  const { strict } = await modes([{ op: 'access', tNs: 10, agent: 'dev0', va: IOVA, bytes: 64, access: 'w' }]);
  assert.equal(strict.summary.extra.dmaFaults, 1);
  assert.equal(strict.summary.errorEvents, 1);
});

test('iommu-dma on the nic-rx workload: gmem-async ≥ deferred > strict in rxGbps, the reverse in CPU ns per packet', async () => {
  const trace = workloadTrace('nic-rx', { packets: 4000 }, 1);
  const rs = await compare(trace, { systems: ['iommu-dma:mode=strict', 'iommu-dma:mode=deferred', 'iommu-dma:mode=gmem-async'], debug: true });
  const [s, d, a] = rs.map((r) => r.summary.extra);
  assert.ok(s!.rxGbps > 0);
  assert.ok(s!.rxGbps < d!.rxGbps, `strict ${s!.rxGbps} < deferred ${d!.rxGbps}`);
  assert.ok(a!.rxGbps >= d!.rxGbps);
  assert.ok(s!.cpuNsPerPacket > d!.cpuNsPerPacket && d!.cpuNsPerPacket > a!.cpuNsPerPacket);
  assert.equal(s!.packets + s!.drops, 4000, 'every offered packet is received or dropped');
  assert.ok(Math.abs(d!.offeredGbps - 10) < 0.5, `offered ${d!.offeredGbps} Gb/s ≈ 10 GbE`);
  assert.equal(rs[0]!.run.platform.id, 'nic-iommu', 'the preset\'s default platform');
});

test('iommu-dma batched (FreeBSD DMAR queued invalidation): per unmap one range descriptor and one wait descriptor, never waited for; IOVA freed asynchronously', async () => {
  const plat = resolvePlatform('nic-iommu');
  const d = plat.device;
  const rs = await compare(memoryTrace('nic', eventsToBatches(nicTrace(3))), { systems: ['iommu-dma:mode=batched'], profile: 'nic-iommu', debug: true });
  const s = rs[0]!.summary;
  const qi = 100; // qiDescriptorNs default (placeholder)
  // 3 packet unmaps + 5 teardown unmaps: 8 entry invalidations (one address-masked descriptor each, not one per
  // page), 8 wait descriptors (each unload's last entry), no domain flush, nothing waited for
  assert.equal(s.tlbInvalidations, 8);
  assert.equal(s.extra.qiDescriptors, 16);
  assert.equal(s.extra.domainFlushes, 0);
  near(s.timeInvalidateNs, 16 * qi);
  // per packet: unmap = PTE + 2 descriptors + IOVA free (QI task); refill = IOVA alloc + PTE
  near(s.extra.iommuNsPerPacket, d.map.pteNs + 2 * qi + d.map.iovaAllocNs + d.map.iovaAllocNs + d.map.pteNs);
  assert.ok(d.tlb.invalidateNs > 2 * qi, 'cheaper than strict, which waits for the invalidation');
});

test('iommu-dma ats: every IOTLB invalidation is followed by a device-TLB invalidation (waited for in strict, one more queued descriptor in batched)', async () => {
  const d = resolvePlatform('nic-iommu').device;
  const run = async (mode: string) =>
    (await compare(memoryTrace('nic', eventsToBatches(nicTrace(3))), { systems: [`iommu-dma:mode=${mode}:ats=true`], profile: 'nic-iommu', debug: true }))[0]!.summary;
  const strict = await run('strict');
  // 8 one-page unmaps: 8 IOTLB entry invalidations + 8 device-TLB invalidations of 2,000 ns (atsInvalidateNs default)
  assert.equal(strict.extra.atsInvalidations, 8);
  near(strict.timeInvalidateNs, 8 * (d.tlb.invalidateNs + 2000));
  const batched = await run('batched');
  assert.deepEqual([batched.extra.atsInvalidations, batched.extra.qiDescriptors], [8, 24]);
  near(batched.timeInvalidateNs, 24 * 100);
  const off = (await compare(memoryTrace('nic', eventsToBatches(nicTrace(3))), { systems: ['iommu-dma:mode=strict'], profile: 'nic-iommu', debug: true }))[0]!.summary;
  assert.equal(off.extra.atsInvalidations, 0, 'off by default');
});

test('iommu-dma cores: two receive cores double the capacity; FreeBSD modes wait for the domain-wide IOVA lock (M/D/1), Linux per-CPU caches do not', async () => {
  const d = resolvePlatform('nic-iommu').device;
  const ev = nicTrace(300, 4, 600, 1000); // one packet per µs: 1e6 packets/s offered
  const rs = await compare(memoryTrace('nic', eventsToBatches(ev)), { systems: ['iommu-dma:mode=batched:cores=2', 'iommu-dma:mode=deferred:cores=2', 'iommu-dma:mode=batched'], profile: 'nic-iommu', debug: true });
  const [b2, d2, b1] = rs.map((r) => r.summary.extra);
  // batched, own work per packet: 600 stack + PTE + 2 descriptors + IOVA free + IOVA alloc + PTE
  const own = 600 + d.map.pteNs + 2 * 100 + 2 * d.map.iovaAllocNs + d.map.pteNs;
  near(b1!.cpuNsPerPacket!, own, 'one core: no lock wait');
  // two cores: the other core takes the lock 2 × 1e6 / 2 times per s for iovaAllocNs each → ρ = 2e6 × 200e-9 / 2
  const rho = (2 * 1e6 * d.map.iovaAllocNs * 1e-9) / 2;
  const wait = 2 * ((d.map.iovaAllocNs * rho) / (2 * (1 - rho)));
  near(b2!.iovaLockWaitNsPerPacket!, wait, 'M/D/1 wait, two acquisitions per packet');
  near(b2!.cpuNsPerPacket!, own + wait);
  near(b2!.capacityPps!, 2e9 / (own + wait));
  assert.equal(d2!.iovaLockWaitNsPerPacket, 0, 'Linux: per-CPU IOVA magazines and flush queues');
});

test('iommu-dma deferred: the flush-queue ring holds flushQueueEntries − 1 (fq_full); the unmap that finds it full flushes before queueing itself', async () => {
  // 251 packet unmaps + 5 teardown unmaps = 256 one-page entries. The 256th finds 255 held: one domain flush
  // frees those 255, it is queued alone and the timer (armed at the first unmap, 10 ms) frees it after the
  // trace with a second flush. (A 256-entry ring would flush once, at the 256th, with nothing left.)
  const { deferred } = await modes(nicTrace(251, 4, 600, 1000));
  const x = deferred.summary.extra;
  assert.equal(x.domainFlushes, 2);
  assert.equal(x.drains, 2);
  assert.equal(x.iovaFrees, 1 + 4 + 251, 'every IOVA allocated (ring, 4 buffers, 251 refills) is freed');
});

test('iommu-dma deferred: the flush-queue timer is a one-shot armed by the first unmap queued, not a fixed 10 ms grid', async () => {
  // unmaps at 9.9 ms and 10.1 ms, a map at 15 ms: the timer armed at 9.9 ms fires at 19.9 ms, after the trace,
  // and frees both entries with one flush (a 10 ms grid would have flushed at 10.1 ms and again at the end)
  const ev: TraceEvent[] = [{ op: 'reserve', tNs: 0, agent: 'dev0', va: IOVA, bytes: 1 << 30 }];
  for (let s = 0; s < 3; s++) {
    ev.push({ op: 'alloc', tNs: 0, va: HOST + s * 4096, bytes: 4096, flags: ['host'], resource: `b${s}` });
    ev.push({ op: 'map', tNs: 0, agent: 'dev0', va: IOVA + s * 4096, bytes: 4096, resource: `b${s}`, pageBytes: 4096 });
  }
  ev.push({ op: 'unmap', tNs: 9_900_000, agent: 'dev0', va: IOVA, bytes: 4096 });
  ev.push({ op: 'unmap', tNs: 10_100_000, agent: 'dev0', va: IOVA + 4096, bytes: 4096 });
  ev.push({ op: 'map', tNs: 15_000_000, agent: 'dev0', va: IOVA + 8 * 4096, bytes: 4096, resource: 'b0', pageBytes: 4096 });
  const { deferred } = await modes(ev);
  assert.equal(deferred.summary.extra.domainFlushes, 1);
  assert.equal(deferred.summary.extra.iovaFrees, 2);
});

test('iommu-dma: deferred and gmem-async both pay queueEntryNs per queued unmap; with one drain for all entries their CPU per packet is equal', async () => {
  const d = resolvePlatform('nic-iommu').device;
  const { deferred, async } = await modes(nicTrace(3));
  // 3 packet + 5 teardown one-page entries, all freed by one drain after the trace; packets carry 3/8 of it.
  // deferred: unmap = PTE + queueEntryNs (50); drain = domain flush + 8 IOVA frees; refill = IOVA + PTE
  const q = 50;
  const defDrain = d.tlb.invalidateAllNs + 8 * d.map.iovaAllocNs;
  near(deferred.summary.extra.iommuNsPerPacket!, d.map.pteNs + q + (defDrain * 3) / 8 / 3 + d.map.iovaAllocNs + d.map.pteNs, 'deferred');
  // gmem-async: unmap = queueEntryNs only; drain = 8 PTE releases + one domain flush (8 ≥ 5 pages) + 8 IOVA frees
  const asyncDrain = 8 * d.map.pteNs + d.tlb.invalidateAllNs + 8 * d.map.iovaAllocNs;
  near(async.summary.extra.iommuNsPerPacket!, q + (asyncDrain * 3) / 8 / 3 + d.map.iovaAllocNs + d.map.pteNs, 'gmem-async');
  near(deferred.summary.extra.iommuNsPerPacket!, async.summary.extra.iommuNsPerPacket!, 'the same work, done at different times');
});
