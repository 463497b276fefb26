/**
 * Logical-table lookup structures (docs/architecture.md §8 rule 4): the open-addressing hash vs the two-level
 * radix index, on the lookups the simulator does (unit numbers of 4 KiB pages in a few large allocations far
 * apart in the address space): a local pattern (95 % from a hot set, as in sim.bench.ts) and a scattered
 * one (uniform over 8 allocations 1 TiB apart). Baseline: a JS Map.
 */
import type { Benchmark, BenchRow } from '../../src/bench/types';
import { HashUnitIndex, RadixUnitIndex, type UnitIndex } from '../../src/model/unit-index';
import { Rng } from '../../src/sim/rng';

function keys(pattern: 'local' | 'scattered', n: number): Float64Array {
  const rng = new Rng(3);
  const out = new Float64Array(n);
  const base = 2 ** 40 / 4096;
  for (let i = 0; i < n; i++) {
    if (pattern === 'local') out[i] = base + (rng.next() < 0.95 ? rng.int(20_000) : rng.int(32_768));
    else out[i] = base + rng.int(8) * (2 ** 40 / 4096) + rng.int(65_536);
  }
  return out;
}

function run(idx: UnitIndex | Map<number, number>, ks: Float64Array): number {
  const isMap = idx instanceof Map;
  let hits = 0;
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i]!;
    const s = isMap ? ((idx as Map<number, number>).get(k) ?? -1) : (idx as UnitIndex).get(k);
    if (s >= 0) hits++;
    else (idx as { set(k: number, v: number): unknown }).set(k, i);
  }
  return hits;
}

const bench: Benchmark = {
  name: 'unit-index',
  summary: 'logical-table lookups: open-addressing hash vs radix index (Map baseline)',
  async run(ctx) {
    const n = ctx.quick ? 200_000 : 10_000_000;
    const rows: BenchRow[] = [];
    for (const pattern of ['local', 'scattered'] as const) {
      const ks = keys(pattern, n);
      const time = (make: () => UnitIndex | Map<number, number>): number => {
        run(make(), ks.subarray(0, Math.min(n, 100_000))); // warm-up
        const t0 = process.hrtime.bigint();
        run(make(), ks);
        return n / (Number(process.hrtime.bigint() - t0) / 1e9);
      };
      const map = time(() => new Map());
      const hash = time(() => new HashUnitIndex(1024));
      const radix = time(() => new RadixUnitIndex());
      const group = `unit-index ${pattern}`;
      rows.push({ group, metric: 'Map', value: map, unit: 'lookups/s' });
      rows.push({ group, metric: 'hash (open addressing)', value: hash, unit: 'lookups/s', baseline: 'Map', baselineValue: map, ratio: hash / map });
      rows.push({ group, metric: 'radix (2-level)', value: radix, unit: 'lookups/s', baseline: 'Map', baselineValue: map, ratio: radix / map });
    }
    return rows;
  },
};

export default bench;
