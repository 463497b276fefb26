/**
 * gmem-linux's victim order is the device driver's (`victim=driver`, `driver=nvidia-uvm`): the least
 * recently migrated-into 2 MiB chunk (uvm_va_block.c block_mark_memory_used → uvm_pmm_gpu.c list_move_tail;
 * docs/gmem-model.md §5). GMEM's core selects no victims. hmadvise follows the RFC: PREFETCH and DONTNEED only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../../src/run/run';
import { systemPreset } from '../../../src/systems/index';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';
import { KiB, MiB } from '../../../src/units';
import { BASE, linux, sim } from './helpers';

const U = 2 * MiB;
const dev = (va: number): TraceEvent => ({ op: 'access', tNs: 0, agent: 'dev0', va, bytes: 8, access: 'w' });

test('gmem-linux defaults to the driver\'s victim order (nvidia-uvm) and RFC hmadvise; gmem-paper keeps fifo', () => {
  const linuxP = { ...systemPreset('gmem-linux')!.def.defaults, ...systemPreset('gmem-linux')!.params };
  const paperP = { ...systemPreset('gmem-paper')!.def.defaults, ...systemPreset('gmem-paper')!.params };
  assert.deepEqual([linuxP.victim, linuxP.driver, linuxP.hmadviseExtension], ['driver', 'nvidia-uvm', false]);
  assert.equal(paperP.victim, 'fifo');
  assert.equal(systemPreset('gmem-linux')!.def.revision, 5);
});

// u0, u1 resident (capacity 2 units); PREFETCH of resident u0 is a MARK_HOT re-map, not a migration; u2 then
// needs a frame. Driver order: u0 was migrated into first → u0 leaves. LRU with MARK_HOT refresh: u1 leaves.
const MARK_HOT: TraceEvent[] = [
  { op: 'alloc', tNs: 0, va: BASE, bytes: 3 * U, flags: ['peer_shared'] },
  dev(BASE),
  dev(BASE + U),
  { op: 'prefetch', tNs: 0, va: BASE, bytes: U, target: 'dev0' },
  dev(BASE + 2 * U),
  // which unit left: a CPU read of u0 faults (and migrates back) only if u0 was evicted
  { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'r' },
];

test('victim=driver: a MARK_HOT re-map of a resident chunk does not reorder it (no migration into it); lru does', async () => {
  const d = (await sim(MARK_HOT, linux(2))).summary;
  const l = (await sim(MARK_HOT, linux(2, { victim: 'lru' }))).summary;
  assert.equal(d.evictions, 1);
  assert.equal(l.evictions, 1);
  // driver: u0 evicted → the CPU read finds it in host memory (no device→host migration at the read)
  assert.equal(d.migrationsD2H, 1, 'driver: only the eviction write-back of u0');
  // lru: u1 evicted, u0 still on the device → the CPU read migrates u0 back (a second D2H)
  assert.equal(l.migrationsD2H, 2, 'lru: eviction of u1, then the CPU fault on device-resident u0');
});

test('victim=driver with 4 KiB units: a migration into a chunk moves the whole 2 MiB chunk to the newest end', async () => {
  // capacity 3 × 4 KiB frames. a0 (chunk 0), b (chunk 1), a1 (chunk 0 again) → chunk 0 newest, chunk 1 oldest.
  // c (chunk 2) needs a frame: driver evicts b; fifo by insertion evicts a0.
  const ev: TraceEvent[] = [
    { op: 'alloc', tNs: 0, va: BASE, bytes: 6 * MiB, flags: ['peer_shared'] },
    dev(BASE),
    dev(BASE + 2 * MiB),
    dev(BASE + 4 * KiB),
    dev(BASE + 4 * MiB),
    // probe: the device touches a0 again — a fault only if a0 was evicted
    dev(BASE),
  ];
  const set = { unitBytes: '4KiB', 'device.memory.capacityBytes': 3 * 4 * KiB };
  const d = (await sim(ev, { system: 'gmem-linux', profile: 'a100-pcie4', set })).summary;
  const f = (await sim(ev, { system: 'gmem-linux', profile: 'a100-pcie4', set: { ...set, victim: 'fifo' } })).summary;
  assert.deepEqual([d.deviceFaults, d.evictions], [4, 1], 'driver: b evicted, a0 still resident');
  assert.deepEqual([f.deviceFaults, f.evictions], [5, 2], 'fifo: a0 evicted, and faults again');
});

test('the driver order does not depend on which other systems are in the run', async () => {
  const trace = () => memoryTrace('mark-hot', eventsToBatches(MARK_HOT));
  const set = { 'device.memory.capacityBytes': 2 * U };
  const [alone] = await compare(trace(), { system: 'gmem-linux', profile: 'a100-pcie4', set });
  const both = await compare(trace(), { systems: ['uvm', 'gmem-linux'], profile: 'a100-pcie4', set });
  assert.deepEqual(both[1]!.summary, alone!.summary);
  assert.equal(alone!.summary.params.victim, 'driver');
});

test('hmadvise per the RFC: willneed/pinned/unpin are -EINVAL (hmadvise-error + warning) and block nothing', async () => {
  const ev: TraceEvent[] = [
    { op: 'alloc', tNs: 0, va: BASE, bytes: 3 * U, flags: ['peer_shared'] },
    dev(BASE),
    { op: 'advise', tNs: 0, va: BASE, bytes: U, advice: 'pinned' },
    { op: 'advise', tNs: 0, va: BASE, bytes: U, advice: 'willneed' },
    { op: 'advise', tNs: 0, va: BASE, bytes: U, advice: 'read_mostly' },
    dev(BASE + U),
    dev(BASE + 2 * U), // capacity 2: u0 is evicted although it was "pinned"
    { op: 'access', tNs: 0, agent: 'cpu', va: BASE, bytes: 8, access: 'r' }, // a D2H only if u0 is still on the device
  ];
  const r = await sim(ev, linux(2));
  const s = r.summary;
  assert.equal(r.resultEventCounts['hmadvise-error'], 3);
  assert.equal(s.warnings['gmem.hmadvise-einval'], 3);
  assert.equal(s.errorEvents, 3);
  assert.deepEqual([s.evictions, s.oomEvents, s.migrationsD2H], [1, 0, 1]);
  // the extension (off by default) keeps OE's behaviour: the pinned unit blocks eviction of u0
  const x = (await sim(ev, linux(2, { hmadviseExtension: true }))).summary;
  assert.equal(x.errorEvents, 0);
  assert.equal(x.warnings['gmem.unsupported-advice'], 1, 'read_mostly has no GMEM equivalent even with the extension');
  assert.deepEqual([x.evictions, x.migrationsD2H], [1, 2], 'u1 evicted instead; u0 leaves the device only at the CPU read');
  // PREFETCH and DONTNEED are accepted by default
  const ok = await sim([{ op: 'alloc', tNs: 0, va: BASE, bytes: 2 * U, flags: ['peer_shared'] }, { op: 'prefetch', tNs: 0, va: BASE, bytes: 2 * U, target: 'dev0' }, { op: 'advise', tNs: 0, va: BASE, bytes: 2 * U, advice: 'dontneed' }], linux(4));
  assert.deepEqual([ok.summary.errorEvents, ok.summary.extra.prefetchCalls, ok.summary.extra.dontneedUnits], [0, 1, 2]);
});

/**
 * The reference: the order as one recency list of frames, where an insertion moves every resident frame of the
 * chunk to the newest end one by one (the implementation before the chunk list), and the victim is the oldest
 * evictable frame found walking from the oldest end.
 */
class FrameListReference {
  private order: number[] = []; // oldest first
  private readonly chunkFrames = new Map<number, number[]>(); // newest first
  private readonly chunkOf = new Map<number, number>();
  constructor(private readonly groupOf: (f: number) => number) {}
  onInsert(f: number): void {
    if (!this.chunkOf.has(f)) {
      const c = this.groupOf(f);
      this.chunkOf.set(f, c);
      this.chunkFrames.set(c, [f, ...(this.chunkFrames.get(c) ?? [])]);
      this.order.push(f);
    }
    for (const g of this.chunkFrames.get(this.chunkOf.get(f)!)!) {
      this.order = this.order.filter((x) => x !== g);
      this.order.push(g);
    }
  }
  onRemove(f: number): void {
    if (!this.chunkOf.has(f)) return;
    const c = this.chunkOf.get(f)!;
    this.chunkOf.delete(f);
    const rest = this.chunkFrames.get(c)!.filter((x) => x !== f);
    if (rest.length) this.chunkFrames.set(c, rest);
    else this.chunkFrames.delete(c);
    this.order = this.order.filter((x) => x !== f);
  }
  victim(isEvictable: (f: number) => boolean): number {
    return this.order.find(isEvictable) ?? -1;
  }
}

test('victim=driver: the chunk list picks the same victims as one list of frames moved chunk by chunk (random operations)', async () => {
  const { LeastRecentlyMigratedInto } = await import('../../../src/systems/gmem/driver-victim');
  const { Rng } = await import('../../../src/sim/rng');
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const rng = new Rng(seed);
    const frames = 48;
    const perChunk = 1 + rng.int(8); // frames per chunk: 1 … 8 (4 KiB units in 2 MiB chunks, scaled down)
    const chunkOfFrame = new Int32Array(frames);
    const pinned = new Uint8Array(frames);
    let epoch = 0;
    const env = {
      slots: frames,
      rng,
      isEvictable: (f: number) => pinned[f] === 0,
      evictableEpoch: () => epoch,
      groupOf: (f: number) => chunkOfFrame[f]!,
    };
    const policy = new LeastRecentlyMigratedInto(env);
    const ref = new FrameListReference((f) => chunkOfFrame[f]!);
    const resident = new Set<number>();
    for (let step = 0; step < 3000; step++) {
      const r = rng.next();
      const f = rng.int(frames);
      if (r < 0.45) {
        // a migration into f's unit (a new frame gets a chunk, fixed while resident)
        if (!resident.has(f)) chunkOfFrame[f] = 1000 + rng.int(Math.ceil(frames / perChunk));
        resident.add(f);
        policy.onInsert(f);
        ref.onInsert(f);
      } else if (r < 0.65) {
        resident.delete(f);
        policy.onRemove(f);
        ref.onRemove(f);
      } else if (r < 0.75) {
        pinned[f] = 1; // pinning never makes anything evictable: no epoch change
      } else if (r < 0.85) {
        if (pinned[f]) epoch++;
        pinned[f] = 0;
      } else {
        const want = ref.victim((x) => pinned[x] === 0);
        assert.equal(policy.victim(), want, `seed ${seed}, step ${step}`);
      }
    }
  }
});
