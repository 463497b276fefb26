import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driverMaxRangeBytes } from '../../../src/systems/hmm-svm/params';
import { transferNs } from '../../../src/model/link';
import type { TraceEvent } from '../../../src/trace/event';
import { GiB, KiB, MiB, replay, testPlatform } from '../harness';

const BASE = 0x4000_0000;
const near = (a: number, b: number, msg = ''): void => assert.ok(Math.abs(a - b) < 1e-6, `${msg} ${a} ≈ ${b}`);
const alloc = (bytes: number, t = 0): TraceEvent => ({ op: 'alloc', tNs: t, va: BASE, bytes, flags: ['managed'] });
const acc = (t: number, agent: string, va: number, access: 'r' | 'w' = 'r', bytes = 4096): TraceEvent => ({ op: 'access', tNs: t, agent, va, bytes, access });
const unit = (k: number): number => BASE + k * 2 * MiB;

test('hmm-svm: the driver range cap is VRAM/32 clamped to [2 MiB, 1 GiB]', () => {
  assert.equal(driverMaxRangeBytes(64 * MiB), 2 * MiB);
  assert.equal(driverMaxRangeBytes(8 * GiB), 256 * MiB);
  assert.equal(driverMaxRangeBytes(80 * GiB), 1 * GiB);
});

test('hmm-svm: munmap fires one notifier callback per SVM range; mapped ranges also pay a device TLB invalidation', async () => {
  const plat = testPlatform();
  // 16 MiB in ranges of 4 MiB → 4 ranges; the GPU maps units in ranges 0 and 2 only
  const r = await replay('hmm-svm', { maxRangeBytes: 4 * MiB }, [
    alloc(16 * MiB), acc(1e6, 'dev0', unit(0)), acc(5e6, 'dev0', unit(4)), { op: 'free', tNs: 9e6, va: BASE },
  ]);
  const s = r.summary;
  assert.equal(s.extra.notifiersRegistered, 4);
  assert.equal(s.extra.notifierCallbacks, 4);
  assert.equal(s.tlbInvalidations, 2);
  assert.equal(s.unmapOps, 2);
  near(s.timeInvalidateNs, 4 * plat.host.notifierNs + 2 * plat.device.tlb.invalidateNs, 'invalidate time');
  // with the driver's cap on a 64 MiB device (2 MiB ranges) the same munmap costs 8 callbacks
  const d = await replay('hmm-svm', {}, [alloc(16 * MiB), { op: 'free', tNs: 10, va: BASE }]);
  assert.equal(d.summary.extra.notifierCallbacks, 8);
});

test('hmm-svm: a GPU retry fault zero-fills a 2 MiB unit in VRAM and maps it; costs from the profile', async () => {
  const plat = testPlatform();
  const r = await replay('hmm-svm', {}, [alloc(4 * MiB), acc(1000, 'dev0', BASE)]);
  const s = r.summary;
  assert.equal(s.deviceFaults, 1);
  assert.equal(s.zeroFills, 1);
  assert.equal(s.mapOps, 1);
  near(s.timeFaultNs, plat.device.fault.serviceNs + (2 * MiB) / plat.device.zeroFillBytesPerNs);
  near(s.timeMapNs, plat.device.map.peerMapNs);
});

test('hmm-svm: a second fault on the same range within 2 ms is dropped and retried when the window closes', async () => {
  const r = await replay('hmm-svm', { maxRangeBytes: 4 * MiB }, [alloc(4 * MiB), acc(1000, 'dev0', unit(0)), acc(11_000, 'dev0', unit(1))]);
  const s = r.summary;
  assert.equal(s.deviceFaults, 2);
  assert.equal(s.extra.droppedFaults, 1);
  // the first validation ended at t1; the retry is served at t1 + 2 ms
  const t1 = 1000 + testPlatform().device.fault.serviceNs + (2 * MiB) / testPlatform().device.zeroFillBytesPerNs + testPlatform().device.map.peerMapNs;
  near(s.extra.droppedFaultWaitNs, t1 + 2_000_000 - (t1 + 10_000), 'wait');
  // retryDropNs=0 turns the rule off
  const off = await replay('hmm-svm', { maxRangeBytes: 4 * MiB, retryDropNs: 0 }, [alloc(4 * MiB), acc(1000, 'dev0', unit(0)), acc(11_000, 'dev0', unit(1))]);
  assert.equal(off.summary.extra.droppedFaults, 0);
});

test('hmm-svm: a CPU touch of a VRAM unit always migrates it back (D2H of the unit, notifier, GPU unmap)', async () => {
  const plat = testPlatform();
  const r = await replay('hmm-svm', {}, [alloc(2 * MiB), acc(1000, 'dev0', BASE, 'w'), acc(1e6, 'cpu', BASE, 'r')]);
  const s = r.summary;
  assert.equal(s.cpuFaults, 1);
  assert.equal(s.migrationsD2H, 1);
  assert.equal(s.bytesD2H, 2 * MiB);
  assert.equal(s.extra.notifierCallbacks, 1);
  assert.equal(s.tlbInvalidations, 1);
  near(s.timeTransferNs, plat.host.dmaMapNs + transferNs(plat.link, 2 * MiB, 'd2h') + plat.host.dmaUnmapNs);
});

test('hmm-svm retryFaults=false: ranges are mapped where they are (remote access, no fault); an invalidation stalls the queues 1 ms', async () => {
  const r = await replay('hmm-svm', { retryFaults: false }, [
    alloc(2 * MiB), acc(1000, 'dev0', BASE),
    { op: 'protect', tNs: 2000, va: BASE, bytes: 4096 },
    acc(3000, 'dev0', BASE),
  ]);
  const s = r.summary;
  assert.equal(s.deviceFaults, 0);
  assert.equal(s.zeroFills, 1, 'populated on the host when the range was mapped up front');
  assert.equal(s.remoteAccesses, 2);
  assert.equal(s.extra.queueEvictions, 1);
  assert.equal(s.mapOps, 2, 'mapped at alloc, re-mapped at the restore');
  assert.ok(s.extra.queueStallNs > 0 && s.extra.queueStallNs <= 1_000_000);
  const on = await replay('hmm-svm', {}, [alloc(2 * MiB), acc(1000, 'dev0', BASE), { op: 'protect', tNs: 2000, va: BASE, bytes: 4096 }, acc(3000, 'dev0', BASE)]);
  assert.equal(on.summary.extra.queueEvictions, 0);
  assert.equal(on.summary.deviceFaults, 2, 'with retry faults the GPU simply re-faults after the unmap');
});

test('hmm-svm: after fork, every device write to a COW page costs a CPU round trip (fault + notifier + 4 KiB)', async () => {
  const plat = testPlatform();
  const base: TraceEvent[] = [alloc(2 * MiB), acc(1000, 'cpu', BASE, 'w', 64 * KiB), acc(2000, 'dev0', BASE, 'r')];
  const noFork = await replay('hmm-svm', {}, [...base, acc(3e6, 'dev0', BASE, 'w', 12 * KiB)]);
  const fork = await replay('hmm-svm', {}, [...base, { op: 'fork', tNs: 2500 }, acc(3e6, 'dev0', BASE, 'w', 12 * KiB)]);
  assert.equal(fork.summary.extra.cowBreaks, 3);
  assert.equal(fork.summary.deviceFaults - noFork.summary.deviceFaults, 3 + 1, 'three COW faults, and the re-fault after fork unmapped the range');
  const cowTime = 3 * (plat.device.fault.serviceNs + plat.host.notifierNs + transferNs(plat.link, 4096, 'h2d'));
  assert.ok(fork.summary.simTimeNs - noFork.summary.simTimeNs >= cowTime);
});

test('hmm-svm: a GPU write to a read-only (mprotect) range is a fault-error', async () => {
  const r = await replay('hmm-svm', {}, [alloc(2 * MiB), { op: 'protect', tNs: 10, va: BASE, bytes: 2 * MiB, flags: ['readonly'] }, acc(20, 'dev0', BASE, 'w')]);
  assert.equal(r.summary.errorEvents, 1);
});

test('hmm-svm: VRAM full → TTM evicts the LRU unit\'s whole range to system memory', async () => {
  const r = await replay('hmm-svm', { maxRangeBytes: 2 * MiB }, [
    alloc(6 * MiB), acc(1e6, 'dev0', unit(0)), acc(2e6, 'dev0', unit(1)), acc(3e6, 'dev0', unit(0)), acc(4e6, 'dev0', unit(2)),
  ], { 'device.memory.capacityBytes': 4 * MiB });
  const s = r.summary;
  assert.equal(s.evictions, 1);
  assert.equal(s.extra.evictedUnits, 1);
  assert.equal(s.bytesD2H, 2 * MiB, 'unit 1 (least recently used) goes');
  assert.equal(s.extra.notifierCallbacks, 1, 'the eviction is a migration: one callback on the evicted range');
});

test('hmm-svm: prefetch to the device migrates host units and maps the range once', async () => {
  const r = await replay('hmm-svm', {}, [alloc(4 * MiB), acc(10, 'cpu', BASE, 'w', 4 * MiB), { op: 'prefetch', tNs: 1e6, va: BASE, bytes: 4 * MiB, target: 'dev0' }, acc(2e6, 'dev0', BASE)]);
  const s = r.summary;
  assert.equal(s.migrationsH2D, 2);
  assert.equal(s.prefetchedBytes, 4 * MiB);
  assert.equal(s.deviceFaults, 0);
});
