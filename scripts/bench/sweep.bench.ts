import type { Benchmark, BenchRow } from '../../src/bench/types';
import { sweep, type SweepSpec } from '../../src/analysis/sweep';

/**
 * Sweep parallelism: the same sweep of 8 runs (a generated 2e6-row hot/cold access stream over 256 MiB ×
 * gmem-linux/gmem-paper × four oversubscription levels, ~2 s per run) on 1 and on 2 worker threads. The whole sweep is timed (trace generation and
 * resolution happen once, in the main thread, while the worker threads boot), and so is its run phase alone
 * (first run started → last run finished). The two result tables must be identical; the benchmark fails if
 * not (correctness, not timing). Goal: ≥ 1.8× on 2 otherwise idle cores.
 */
function spec(quick: boolean): SweepSpec {
  return {
    name: 'bench',
    traces: [{ workload: 'synthetic-access', set: { events: quick ? 20_000 : 2_000_000, pattern: 'hotcold', footprintBytes: '256MiB' } }],
    systems: ['gmem-linux', 'gmem-paper'],
    profiles: ['a100-pcie4'],
    oversub: [1.25, 1.5, 2, 3],
  };
}

async function timed(workers: number, quick: boolean): Promise<{ wallS: number; runPhaseS: number; table: string }> {
  let firstStartMs: number | undefined;
  let lastDoneMs = 0;
  const t0 = process.hrtime.bigint();
  const out = await sweep(spec(quick), {
    workers,
    onProgress: (p) => {
      if (p.running.length > 0 && firstStartMs === undefined) firstStartMs = p.elapsedMs;
      if (p.finished) lastDoneMs = p.elapsedMs;
    },
  });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (out.simulated !== 8) throw new Error(`expected 8 runs, simulated ${out.simulated}`);
  return { wallS, runPhaseS: (lastDoneMs - (firstStartMs ?? 0)) / 1000, table: JSON.stringify(out.table.objects()) };
}

const bench: Benchmark = {
  name: 'sweep',
  summary: 'a sweep of 8 simulations on 1 vs 2 worker threads (speed-up; identical results required)',
  async run(ctx) {
    process.env.GMEMLAB_DEBUG = '0';
    ctx.log('warm-up (module compile caches)…');
    await timed(1, true);
    ctx.log('1 worker thread…');
    const one = await timed(1, ctx.quick);
    ctx.log('2 worker threads…');
    const two = await timed(2, ctx.quick);
    if (two.table !== one.table) throw new Error('sweep results differ between 1 and 2 worker threads');
    const rows: BenchRow[] = [
      { group: 'sweep (8 runs)', metric: 'wall, 1 worker', value: one.wallS, unit: 's', note: 'baseline; includes generating the trace once' },
      {
        group: 'sweep (8 runs)', metric: 'wall, 2 workers', value: two.wallS, unit: 's', baseline: 'wall, 1 worker', baselineValue: one.wallS,
        ratio: one.wallS / two.wallS, goal: 'speed-up >= 1.8', note: 'ratio = speed-up (1 worker / 2 workers); identical results checked',
      },
      {
        group: 'sweep (8 runs)', metric: 'run phase, 2 workers', value: two.runPhaseS, unit: 's', baseline: 'run phase, 1 worker', baselineValue: one.runPhaseS,
        ratio: one.runPhaseS / two.runPhaseS, note: 'first run started → last finished; ratio = speed-up',
      },
    ];
    return rows;
  },
};
export default bench;
