import type { TopLevelSpec } from 'vega-lite';
import type { Benchmark, BenchRow } from '../../src/bench/types';
import { chartBundle, compileSpec, svgToPng, vegaToSvg } from '../../src/analysis/render';
import { Rng } from '../../src/sim/rng';

/**
 * Chart rendering cost (what `show()` spends per chart): a scatter plot of N points through vega-lite
 * compile → vega SVG → resvg PNG → display bundle, against vega-lite compile alone (baseline) on the same
 * spec. Median of several repetitions after one warm-up.
 */
function scatterSpec(points: number, seed: number): TopLevelSpec {
  const rng = new Rng(seed);
  const values = Array.from({ length: points }, (_, i) => ({ tUs: i, liveMiB: 64 + 32 * Math.sin(i / 500) + 8 * rng.next() }));
  return {
    width: 560,
    height: 240,
    data: { values },
    mark: { type: 'point', size: 4 },
    encoding: { x: { field: 'tUs', type: 'quantitative' }, y: { field: 'liveMiB', type: 'quantitative' } },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const bench: Benchmark = {
  name: 'render',
  summary: 'show() cost: 10k-point vega-lite chart to SVG + PNG bundle, vs vega-lite compile only',
  async run(ctx) {
    const points = ctx.quick ? 300 : 10_000;
    const reps = ctx.quick ? 1 : 5;
    const spec = scatterSpec(points, 1);
    const compileMs: number[] = [];
    const svgMs: number[] = [];
    const pngMs: number[] = [];
    const totalMs: number[] = [];
    let pngBytes = 0;
    for (let r = 0; r <= reps; r++) {
      const t0 = performance.now();
      const vg = compileSpec(spec);
      const t1 = performance.now();
      const svg = await vegaToSvg(vg);
      const t2 = performance.now();
      const png = svgToPng(svg);
      const t3 = performance.now();
      chartBundle({ spec, svg, png, widthPx: 0, heightPx: 0, scale: 2, warnings: [] });
      const t4 = performance.now();
      if (r === 0) continue; // warm-up
      compileMs.push(t1 - t0);
      svgMs.push(t2 - t1);
      pngMs.push(t3 - t2);
      totalMs.push(t4 - t0);
      pngBytes = png.length;
      ctx.log(`rep ${r}/${reps}: ${(t4 - t0).toFixed(0)} ms`);
    }
    const group = `render ${points.toLocaleString('en-US')} points`;
    const base = median(compileMs);
    const rows: BenchRow[] = [
      { group, metric: 'vega-lite compile', value: base, unit: 'ms', note: 'baseline' },
      { group, metric: 'vega SVG', value: median(svgMs), unit: 'ms', baseline: 'vega-lite compile', baselineValue: base },
      { group, metric: 'resvg PNG (2x)', value: median(pngMs), unit: 'ms', baseline: 'vega-lite compile', baselineValue: base },
      { group, metric: 'show() total', value: median(totalMs), unit: 'ms', baseline: 'vega-lite compile', baselineValue: base, goal: '< 2000 ms', note: 'lower is better' },
      { group, metric: 'PNG size', value: pngBytes / 1024, unit: 'KiB' },
    ];
    return rows;
  },
};
export default bench;
