/**
 * `SystemEnv.touchedBytesHint` sizes tables, never results (src/sim/system.ts): for every registered system, the
 * same run with the hint at its smallest (no trace facts: 0) and far above the trace (1 TiB) gives the same
 * summary, counters and extra counters, on a trace that evicts and frees. The hint is the run's touched
 * footprint, else its allocated one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRuns, type TraceScan } from '../../src/run/run';
import { simulate } from '../../src/sim/engine';
import type { ResolvedRun } from '../../src/sim/run-types';
import { listSystemPresets } from '../../src/systems/index';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { initialSlots } from '../../src/systems/gmem/state';
import { MiB } from '../../src/units';

const BASE = 0x200000000;
const PAGE = 4096;
const PAGES = 4096; // 16 MiB managed on an 8 MiB device (32 MiB for explicit-copy, which cannot oversubscribe)

function events(): TraceEvent[] {
  const ev: TraceEvent[] = [{ tNs: 0, op: 'alloc', agent: 'cpu', va: BASE, bytes: PAGES * PAGE, flags: ['managed'] }];
  let x = 99;
  for (let i = 1; i <= 3000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const page = (x >>> 8) % PAGES;
    if (i % 500 === 1) ev.push({ tNs: i * 100 - 1, op: 'kernelBegin', agent: 'dev0' });
    ev.push({ tNs: i * 100, op: 'access', agent: i % 7 === 0 ? 'cpu' : 'dev0', va: BASE + page * PAGE, bytes: PAGE * (1 + (i % 3)), access: i % 4 === 0 ? 'w' : 'r' });
  }
  ev.push({ tNs: 400_000, op: 'free', agent: 'cpu', va: BASE });
  return ev;
}

test('the size hint changes no result of any system (hint 0 vs 1 TiB)', async () => {
  const trace = memoryTrace('size-hint', eventsToBatches(events()));
  for (const preset of listSystemPresets()) {
    if (preset.name === 'iommu-dma') continue; // a NIC model: no managed accesses to replay (its own tests cover it)
    const scan: TraceScan = { name: trace.name, digest: 'size-hint', footprintBytes: PAGES * PAGE, events: 3014, maxAgent: 1 }; // rows: alloc, 3000 accesses, 6 kernels, free
    const [run] = planRuns({ system: preset.name, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': preset.name === 'explicit-copy' ? 32 * MiB : 8 * MiB }, debug: true }, scan);
    const small: ResolvedRun = { ...run!, touchedBytes: null, footprintBytes: 0 };
    const large: ResolvedRun = { ...run!, touchedBytes: 2 ** 40 };
    const a = await simulate(small, preset.def, trace);
    const b = await simulate(large, preset.def, trace);
    const strip = (s: typeof a.summary) => ({ ...s, touchedBytes: null, footprintBytes: 0 });
    assert.deepEqual(strip(b.summary), strip(a.summary), preset.name);
    assert.ok(a.summary.accesses === 3000, `${preset.name}: every access replayed`);
    // the model that reads the hint (GMEM's logical table) evicts and frees units on this trace
    if (preset.name.startsWith('gmem')) assert.ok(a.summary.evictions > 0 && a.summary.migrationsH2D > 0, `${preset.name}: the trace evicts`);
  }
});

test('GMEM logical table starts with one slot per expected unit, between 1024 and 2^22', () => {
  assert.equal(initialSlots(0, 4096), 1024); // unknown
  assert.equal(initialSlots(100 * 4096, 4096), 1024); // small trace: the floor
  assert.equal(initialSlots(5000 * 4096 + 1, 4096), 5001); // a partial unit counts
  assert.equal(initialSlots(3 * 2 * MiB, 2 * MiB), 1024);
  assert.equal(initialSlots(2 ** 40, 4096), 2 ** 22); // the cap (~117 MiB of records)
  assert.equal(initialSlots(2_108_965 * 4096, 4096), 2_108_965); // the benchmark trace's distinct pages: no growth
  assert.equal(initialSlots(Number.NaN, 4096), 1024);
});
