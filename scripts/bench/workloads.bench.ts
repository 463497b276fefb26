// Workload generator speed: events/s of every default generator, the synthetic-access fast path at
// 2e7 events, and a 1e8-event stream consumed batch by batch (bounded memory, peak RSS reported).
import type { Benchmark, BenchRow } from '../../src/bench/types';
import { BATCH_ROWS } from '../../src/trace/batch';
import { getWorkload, workloadIds } from '../../src/workloads/index';
import { resolveWorkloadParams } from '../../src/workloads/params';
import { syntheticAccess, syntheticAccessBatches } from '../../src/workloads/synthetic-access';

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
      t0 = performance.now();
      let n = 0;
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
    const big = ctx.quick ? 2e6 : 1e8;
    const p = resolveWorkloadParams(syntheticAccess, { events: big, pattern: 'hotcold', footprintBytes: '8GiB' });
    t0 = performance.now();
    let n = 0;
    let accesses = 0;
    for (const b of syntheticAccessBatches(p, 0, undefined, { reuseBatches: true })) {
      // a stand-in consumer: one pass over the access column of every batch
      for (let i = 0; i < b.length; i++) accesses += b.access[i]!;
      n += b.length;
    }
    const ms = performance.now() - t0;
    const rssMB = process.resourceUsage().maxRSS / 1024;
    rows.push({ group: 'synthetic-access:stream', metric: 'events/s', value: rate(n, ms), unit: 'events/s', note: `${n} events streamed and consumed (${accesses} access codes summed)` });
    rows.push({ group: 'synthetic-access:stream', metric: 'peak RSS', value: Math.round(rssMB), unit: 'MB', goal: '< 500 MB (bounded: never the whole trace)', note: `${n} events` });
    return rows;
  },
};

export default bench;
