/**
 * `SystemModel.warmRows` is a speed hint, never semantics, and `SystemModel.deviceHits` a fast path with the
 * semantics of `deviceAccess` (src/sim/system.ts; GMEM's are src/systems/gmem/warm-rows.ts and state-table.ts
 * `deviceHitRows`): every GMEM configuration gives the same summary, result events, residency series and
 * migration sizes with both, with `deviceHits` removed and with both removed, on a trace that faults, hits,
 * evicts, writes, touches from the CPU (and from a second device), spans units, frees and then touches freed
 * memory — with and without an abort signal (which makes the engine stop and resume every 256 rows, re-entering a
 * warm window) — and leaves the same tables, frames and recency lists. Its range-visit twin `warmSlots` (used by
 * a free or advice over many units) leaves every table, pool and list word as it found them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRuns, type TraceScan } from '../../../src/run/run';
import { simulate } from '../../../src/sim/engine';
import type { SystemDef, SystemModel } from '../../../src/sim/system';
import { systemPreset } from '../../../src/systems/index';
import type { GmemState } from '../../../src/systems/gmem/state';
import { warmSlots } from '../../../src/systems/gmem/warm-rows';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';
import { MiB } from '../../../src/units';

const BASE = 0x200000000;
const PAGE = 4096;
const PAGES = 6000; // 23.4 MiB managed in two allocations on a 4 MiB device

function events(devices = 1): TraceEvent[] {
  const half = (PAGES / 2) * PAGE;
  const ev: TraceEvent[] = [
    { tNs: 0, op: 'alloc', agent: 'cpu', va: BASE, bytes: half, flags: ['managed'] },
    { tNs: 1, op: 'alloc', agent: 'cpu', va: BASE + half, bytes: half, flags: ['managed'] },
  ];
  let x = 7;
  for (let i = 1; i <= 5000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // a hot eighth of the pages for hits, the rest for faults and evictions
    const page = (x >>> 8) % (i % 3 === 0 ? PAGES : PAGES / 8);
    const tNs = i * 100;
    if (i % 700 === 1) ev.push({ tNs: tNs - 1, op: 'kernelBegin', agent: 'dev0' });
    if (i === 4000) ev.push({ tNs: tNs - 1, op: 'free', agent: 'cpu', va: BASE + half });
    const rowPages = i % 11 === 0 ? 3 : 1; // some rows span units
    // with two devices, some rows by the second (its own faults, hits and cross-device migrations)
    const agent = i % 13 === 0 ? 'cpu' : devices > 1 && i % 17 === 0 ? 'dev1' : 'dev0';
    ev.push({ tNs, op: 'access', agent, va: BASE + Math.min(page, PAGES - rowPages) * PAGE, bytes: rowPages * PAGE, access: i % 5 === 0 ? 'w' : 'r' });
  }
  ev.push({ tNs: 600_000, op: 'free', agent: 'cpu', va: BASE });
  return ev;
}

/** The same system with the model's hooks `names` removed (own properties shadowing the methods). */
function without(def: SystemDef<any>, names: readonly ('warmRows' | 'deviceHits')[]): SystemDef<any> {
  return {
    ...def,
    create(params, env) {
      const m: SystemModel = def.create(params, env);
      for (const name of names) {
        assert.equal(typeof m[name], 'function', `${def.name} has ${name}`);
        Object.defineProperty(m, name, { value: undefined });
      }
      return m;
    },
  };
}

/** The same system counting the rows its `deviceHits` served (into `served.rows`). */
function counting(def: SystemDef<any>, served: { rows: number }): SystemDef<any> {
  return {
    ...def,
    create(params, env) {
      const m: SystemModel = def.create(params, env);
      const hits = m.deviceHits!.bind(m);
      Object.defineProperty(m, 'deviceHits', {
        value: (b: Parameters<typeof hits>[0], from: number, to: number) => {
          const k = hits(b, from, to);
          served.rows += k - from;
          return k;
        },
      });
      return m;
    },
  };
}

const ITEMS = [
  'gmem-linux',
  'gmem-paper',
  'gmem-paper:victim=lru:accessBitsRefresh=true:chargePageTables=false', // the recency list the hint reads
  'gmem-paper:unitBytes=65536:victim=lru:accessBitsRefresh=true',
  'gmem-paper:mode=share',
  'gmem-paper:victim=lru:accessBitsRefresh=true@2', // two devices: dev1's rows are served too
  'gmem-paper:victim=fifo:accessBitsRefresh=true', // a hit tells FIFO the time: no row is served on the fast path
];

test('warmRows and deviceHits change no result of any GMEM configuration (with and without pause points)', async () => {
  for (const entry of ITEMS) {
    const [item, devices] = entry.split('@') as [string, string | undefined];
    const ev = events(Number(devices ?? 1));
    const trace = memoryTrace('warm-rows', eventsToBatches(ev));
    const scan: TraceScan = { name: trace.name, digest: 'warm-rows', footprintBytes: PAGES * PAGE, events: ev.length, maxAgent: Number(devices ?? 1) };
    const set = { 'device.memory.capacityBytes': 4 * MiB, ...(devices ? { 'host.devices': Number(devices) } : {}) };
    const [run] = planRuns({ system: item, profile: 'a100-pcie4', set, debug: true }, scan);
    const def = systemPreset(run!.preset)!.def;
    for (const signal of [undefined, new AbortController().signal]) {
      const opts = signal ? { signal } : {};
      const served = { rows: 0 };
      const a = await simulate(run!, counting(def, served), trace, opts);
      for (const names of [['deviceHits'], ['warmRows', 'deviceHits']] as const) {
        const b = await simulate(run!, without(def, names), trace, opts);
        const what = `${entry} without ${names.join(', ')}`;
        assert.deepEqual(a.summary, b.summary, what);
        assert.deepEqual(a.resultEvents, b.resultEvents, `${what}: result events`);
        assert.deepEqual(a.series, b.series, `${what}: residency series`);
        assert.deepEqual(a.migrationSizes, b.migrationSizes, `${what}: migration sizes`);
      }
      // and the model's state (DIRTY bits, recency order, frames) is the same where units stay live
      const kept = memoryTrace('warm-rows-kept', eventsToBatches(ev.slice(0, -1)));
      const states = [];
      for (const d of [def, without(def, ['deviceHits'])]) {
        let model: SystemModel | undefined;
        await simulate(run!, { ...d, create: (p, env) => (model = d.create(p, env)) }, kept, opts);
        states.push(snapshot((model as unknown as { g: GmemState }).g));
      }
      assert.deepEqual(states[0], states[1], `${entry}: model state with and without deviceHits`);
      assert.ok(a.summary.accesses === 5000, `${entry}: every access replayed`);
      // share mode serves re-touches remotely: it faults (first touches) but never evicts
      assert.ok((a.summary.evictions > 0 || item.endsWith('mode=share')) && a.summary.deviceFaults > 0, `${entry}: the trace faults and evicts (${a.summary.deviceFaults} faults, ${a.summary.evictions} evictions)`);
      // the fast path serves the hits of exclusive mode unless a hit must tell its policy the time
      if (item.endsWith('mode=share') || item.includes('victim=fifo')) assert.equal(served.rows, 0, `${entry}: no row served on the fast path`);
      else assert.ok(served.rows > 500, `${entry}: deviceHits served ${served.rows} rows`);
    }
  }
});

test('warmSlots (the range-visit hint) writes no model state', async () => {
  // the events above without the final free, so that units stay resident and in the list
  const ev = events().slice(0, -1);
  const trace = memoryTrace('warm-slots', eventsToBatches(ev));
  const scan: TraceScan = { name: trace.name, digest: 'warm-slots', footprintBytes: PAGES * PAGE, events: ev.length, maxAgent: 1 };
  for (const item of ITEMS.filter((e) => !e.includes('@'))) {
    const [run] = planRuns({ system: item, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': 4 * MiB }, debug: true }, scan);
    const def = systemPreset(run!.preset)!.def;
    let model: SystemModel | undefined;
    await simulate(run!, { ...def, create: (p, env) => (model = def.create(p, env)) }, trace);
    const g = (model as unknown as { g: GmemState }).g;
    const t = g.t;
    const live: number[] = [];
    for (let s = 0; s < t.highWater; s++) if (t.key[s]! >= 0) live.push(s);
    assert.ok(live.length > 5 && (g.resident[0]! > 0 || item.endsWith('mode=share')), `${item}: units exist and some are resident`);
    const before = snapshot(g);
    const slots = Int32Array.from(live.reverse());
    for (let i = 0; i < slots.length; i += 64) warmSlots(g, slots, i, Math.min(slots.length, i + 64));
    warmSlots(g, Int32Array.of(...live.slice(0, 300)), 0, 300); // more than the scratch holds: clamped
    assert.deepEqual(snapshot(g), before, `${item}: state after the hint`);
  }
});

function snapshot(g: GmemState): unknown {
  return {
    key: Array.from(g.t.key),
    rec: Array.from(g.t.rec),
    cold: Array.from(g.t.cold),
    devices: g.pools.map((pool, d) => {
      const list = g.touchLists[d];
      return { holder: Array.from(pool.holder), links: list ? Array.from(list.links) : null, head: list?.head, tail: list?.tail };
    }),
  };
}

test('a slot warmRows looked up is not used after a free made it another unit’s (the lookups hold only while no allocation or slot changed)', async () => {
  // window 1 (rows 0–63): X faults, then hits; window 2 starts at row 64, where warmRows looks up row 67 (X, live);
  // then X's allocation is freed (its slot freed), Y's first touch takes that slot and a frame, X's range is
  // allocated again, and row 67 touches X: a first touch (a fault), not a hit of the frame Y now holds
  const X = BASE;
  const Y = BASE + 16 * PAGE;
  const ev: TraceEvent[] = [
    { tNs: 0, op: 'alloc', agent: 'cpu', va: X, bytes: PAGE, flags: ['managed'] },
    { tNs: 1, op: 'alloc', agent: 'cpu', va: Y, bytes: PAGE, flags: ['managed'] },
  ];
  for (let i = 2; i < 64; i++) ev.push({ tNs: i, op: 'access', agent: 'dev0', va: X, bytes: PAGE, access: 'r' });
  ev.push({ tNs: 64, op: 'free', agent: 'cpu', va: X });
  ev.push({ tNs: 65, op: 'access', agent: 'dev0', va: Y, bytes: PAGE, access: 'r' });
  ev.push({ tNs: 66, op: 'alloc', agent: 'cpu', va: X, bytes: PAGE, flags: ['managed'] });
  ev.push({ tNs: 67, op: 'access', agent: 'dev0', va: X, bytes: PAGE, access: 'r' });
  const batches = eventsToBatches(ev);
  assert.equal(batches.length, 1, 'one batch: the warm windows start at rows 0 and 64');
  const trace = memoryTrace('warm-reuse', batches);
  const scan: TraceScan = { name: trace.name, digest: 'warm-reuse', footprintBytes: 17 * PAGE, events: ev.length, maxAgent: 1 };
  const [run] = planRuns({ system: 'gmem-paper:victim=lru:accessBitsRefresh=true:chargePageTables=false', profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': 4 * MiB }, debug: true }, scan);
  const def = systemPreset(run!.preset)!.def;
  const served = { rows: 0 };
  const r = await simulate(run!, counting(def, served), trace);
  // X's first touch, Y's first touch, X's first touch in its new allocation
  assert.equal(r.summary.deviceFaults, 3);
  assert.equal(served.rows, 61, 'the 61 hits on X in the first window, and no row after the free');
  const plain = await simulate(run!, without(def, ['warmRows', 'deviceHits']), trace);
  assert.deepEqual(r.summary, plain.summary);
});
