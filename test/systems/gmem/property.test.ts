import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../../src/run/run';
import { Rng } from '../../../src/sim/rng';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';
import { KiB, MiB } from '../../../src/units';
import { referenceRun, type RefParams } from './reference';

const SLOT = 64 * MiB; // allocation i lives at BASE + i * SLOT (never sharing units)
const BASE = 1024 * MiB;

/** A seeded random trace: allocs, frees, CPU/device accesses (some invalid), dontneed and pin advice. */
function randomTrace(seed: number, maxBytes: number, n: number): TraceEvent[] {
  const rng = new Rng(seed);
  const live = new Map<number, number>();
  const ev: TraceEvent[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    const slot = rng.int(6);
    const va0 = BASE + slot * SLOT;
    const size = live.get(va0);
    if (size === undefined || r < 0.04) {
      if (size !== undefined) {
        ev.push({ op: 'free', tNs: i, va: va0 });
        live.delete(va0);
      } else {
        const bytes = (1 + rng.int(maxBytes / (4 * KiB))) * 4 * KiB;
        ev.push({ op: 'alloc', tNs: i, va: va0, bytes, flags: [rng.next() < 0.5 ? 'peer_shared' : 'managed'] });
        live.set(va0, bytes);
      }
      continue;
    }
    const off = rng.int(size);
    const len = 1 + rng.int(Math.min(size - off, 3 * MiB));
    if (r < 0.07) ev.push({ op: 'advise', tNs: i, va: va0, bytes: size, advice: 'dontneed' });
    else if (r < 0.09) ev.push({ op: 'advise', tNs: i, va: va0 + off, bytes: len, advice: rng.next() < 0.5 ? 'pinned' : 'unpin' });
    else if (r < 0.1) ev.push({ op: 'advise', tNs: i, va: va0 + off, bytes: len, advice: 'willneed' });
    else if (r < 0.11) ev.push({ op: 'access', tNs: i, agent: 'dev0', va: va0 + size + 5, bytes: 8, access: 'r' }); // past the end
    else ev.push({ op: 'access', tNs: i, agent: rng.next() < 0.3 ? 'cpu' : 'dev0', va: va0 + off, bytes: len, access: rng.next() < 0.5 ? 'r' : 'w', count: 1 + rng.int(3) });
  }
  return ev;
}

const FIELDS = ['deviceFaults', 'cpuFaults', 'zeroFills', 'migrationsH2D', 'migrationsD2H', 'bytesH2D', 'bytesD2H', 'evictions', 'mapOps', 'unmapOps', 'tlbInvalidations', 'oomEvents', 'errorEvents'];

for (const [preset, ref, maxBytes] of [
  ['gmem-linux', { unitBytes: 2 * MiB, victim: 'driver', hmadviseExtension: false, chargePageTables: false, frames: 5 }, 24 * MiB],
  ['gmem-linux:victim=lru:hmadviseExtension=true', { unitBytes: 2 * MiB, victim: 'lru', hmadviseExtension: true, chargePageTables: false, frames: 5 }, 24 * MiB],
  ['gmem-paper:hmadviseExtension=true', { unitBytes: 4 * KiB, victim: 'fifo', hmadviseExtension: true, chargePageTables: true, frames: 700 }, 1 * MiB],
  // device hits take the LRU's touchList (EvictionPolicy.touchList) instead of onTouch
  ['gmem-paper:victim=lru:accessBitsRefresh=true:chargePageTables=false', { unitBytes: 4 * KiB, victim: 'lru', hmadviseExtension: false, chargePageTables: false, frames: 700, accessBitsRefresh: true }, 1 * MiB],
] as const) {
  test(`${preset} counts equal the simple reference model on seeded random traces`, async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const events = randomTrace(seed, maxBytes, 300);
      const [r] = await compare(memoryTrace(`rand-${seed}`, eventsToBatches(events)), {
        system: preset,
        profile: 'a100-pcie4',
        set: { 'device.memory.capacityBytes': ref.frames * ref.unitBytes },
        debug: true,
      });
      const want = referenceRun(events, ref as RefParams);
      const got = Object.fromEntries(FIELDS.map((f) => [f, (r!.summary as unknown as Record<string, number>)[f]]));
      assert.deepEqual(got, want, `seed ${seed}`);
    }
  });
}

test('same spec, trace and seed give identical JSON results (summary and series)', async () => {
  const events = randomTrace(99, 24 * MiB, 400);
  const go = async () =>
    JSON.stringify(
      (await compare(memoryTrace('det', eventsToBatches(events)), { systems: 'gmem-linux,gmem-paper:mode=replicate', profile: 'rtx4090', seed: 7, set: { 'device.memory.capacityBytes': '8MiB', peerMapFailRate: 0.1 } })).map((r) => [r.summary, r.series, r.resultEvents]),
    );
  assert.equal(await go(), await go());
});
