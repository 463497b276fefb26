// Workload generator speed: events/s of every default generator, the synthetic-access fast path at
// 2e7 events, and a 1e8-event stream consumed batch by batch (bounded memory, peak RSS reported).
import type { Benchmark, BenchRow } from '../../src/bench/types';
import type { Platform } from '../../src/profiles/types';
import { simulate } from '../../src/sim/engine';
import type { ResolvedRun } from '../../src/sim/run-types';
import type { SystemDef } from '../../src/sim/system';
import { BATCH_ROWS, type EventBatch } from '../../src/trace/batch';
import { Op } from '../../src/trace/event';
import { getWorkload, workloadIds } from '../../src/workloads/index';
import { resolveWorkloadParams } from '../../src/workloads/params';
import { syntheticAccess, syntheticAccessBatches, syntheticAccessTrace } from '../../src/workloads/synthetic-access';

/** The limit any generator is measured against: filling the same typed columns with a trivial pattern. */
function bareFill(events: number): number {
  const va = new Float64Array(BATCH_ROWS);
  const tNs = new Float64Array(BATCH_ROWS);
  const acc = new Uint8Array(BATCH_ROWS);
  let sum = 0;
  for (let done = 0; done < events; done += BATCH_ROWS) {
    for (let i = 0; i < BATCH_ROWS; i++) {
      tNs[i] = (done + i) * 10;
      va[i] = 0x7f0000000000 + ((done + i) % 16384) * 4096;
      acc[i] = 1;
    }
    sum += va[BATCH_ROWS - 1]!;
  }
  return sum;
}

/**
 * A minimal system for streaming benchmarks: marks every 4 KiB page a device access touches (a real consumer
 * of every row through the engine's per-row loop, with no memory-management model behind it).
 */
const touchCounter: SystemDef = {
  name: 'touch-counter',
  revision: 1,
  summary: 'counts distinct device pages touched (benchmark consumer)',
  defaults: {},
  params: {},
  create() {
    const seen = new Uint8Array(1 << 22); // 16 GiB of 4 KiB pages from the heap base
    let pages = 0;
    return {
      step(b: EventBatch, i: number) {
        if (b.op[i] !== Op.access) return;
        const p = Math.floor((b.va[i]! - 0x7f0000000000) / 4096);
        if (p >= 0 && p < seen.length && seen[p] === 0) (seen[p] = 1), pages++;
      },
      residentBytes: () => 0,
      finish: () => ({ pagesTouched: pages }),
    };
  },
};

/** The run the engine needs; the touch counter reads no profile field, so the platform is an empty shell. */
function benchRun(footprintBytes: number): ResolvedRun {
  const shell = { sources: {} };
  const platform = { id: 'none', summary: 'no profile (benchmark)', device: shell, link: shell, host: shell } as unknown as Platform;
  return {
    system: 'touch-counter', preset: 'touch-counter', model: 'touch-counter', modelRevision: 1, params: {}, platform, capacityBytes: 0, footprintBytes,
    oversub: null, seed: 0, traceDigest: '', traceName: 'workload:synthetic-access', version: '', debug: false, specHash: '',
  };
}

function rate(events: number, ms: number): number {
  return Math.round((events / ms) * 1000);
}

const bench: Benchmark = {
  name: 'workloads',
  summary: 'workload generator speed (events/s) and a 1e8-event synthetic stream in bounded memory',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const fastEvents = ctx.quick ? 1e6 : 2e7;
    let t0 = performance.now();
    bareFill(fastEvents);
    const bare = rate(fastEvents, performance.now() - t0);
    for (const id of workloadIds()) {
      const def = getWorkload(id);
      const p = resolveWorkloadParams(def, {});
      let n = 0;
      for (const b of def.generate(p, 0)) n += b.length; // warm-up (JIT)
      t0 = performance.now();
      n = 0;
      for (const b of def.generate(p, 0)) n += b.length;
      const r = rate(n, performance.now() - t0);
      rows.push({ group: `generate:${id}`, metric: 'events/s', value: r, unit: 'events/s', baseline: 'bare columnar fill', baselineValue: bare, ratio: r / bare, note: `${n} events (default instance)` });
      ctx.log(`${id}: ${r} events/s`);
    }
    for (const pattern of ['random', 'sequential']) {
      const p = resolveWorkloadParams(syntheticAccess, { events: fastEvents, pattern, footprintBytes: '1GiB' });
      t0 = performance.now();
      let n = 0;
      for (const b of syntheticAccessBatches(p, 0, undefined, { reuseBatches: true })) n += b.length;
      const r = rate(n, performance.now() - t0);
      rows.push({ group: `synthetic-access:${pattern}`, metric: 'events/s', value: r, unit: 'events/s', baseline: 'bare columnar fill', baselineValue: bare, ratio: r / bare, goal: 'fast enough that a simulator dominates', note: `${n} events, reused batches` });
      ctx.log(`synthetic-access ${pattern}: ${r} events/s`);
    }
    // 1e8 events streamed through the simulation engine (generation + the engine's per-row loop)
    const big = ctx.quick ? 2e6 : 1e8;
    const p = resolveWorkloadParams(syntheticAccess, { events: big, pattern: 'hotcold', footprintBytes: '8GiB' });
    t0 = performance.now();
    const result = await simulate(benchRun(8 * 2 ** 30), touchCounter, syntheticAccessTrace(p, 0, { reuseBatches: true }));
    const ms = performance.now() - t0;
    const rssMB = process.resourceUsage().maxRSS / 1024;
    const n = result.summary.events;
    rows.push({ group: 'synthetic-access:simulate', metric: 'events/s', value: rate(n, ms), unit: 'events/s', note: `${n} events through simulate() with a page-touch counter (${result.summary.extra.pagesTouched} pages)` });
    rows.push({ group: 'synthetic-access:simulate', metric: 'peak RSS', value: Math.round(rssMB), unit: 'MB', goal: '< 500 MB (bounded: never the whole trace)', note: `${n} events` });
    ctx.log(`simulate ${n} events: ${rate(n, ms)} events/s, peak RSS ${Math.round(rssMB)} MB`);
    return rows;
  },
};

export default bench;
