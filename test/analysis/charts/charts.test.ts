import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runsTable } from '../../../src/analysis/tables';
import {
  comparisonChart, faultTimelineChart, mapRateChart, migrationHistogramChart, oversubCurveChart, publishedVsReproducedChart,
  residencyTimelineChart, sensitivityChart, timeBreakdownChart, dotPlotChart, type TopLevelSpec,
} from '../../../src/analysis/charts/index';
import { assertGolden } from '../../helpers/golden';
import { renderChart } from '../../../src/analysis/render';
import { readabilityProblems } from '../../../src/analysis/charts/readability';
import { groupedBars, publishedVsReproducedBars } from '../../../src/figures/charts';
import type { ComparedRow } from '../../../src/figures/types';
import { MS, oversubSweep, result, seriesOf } from '../fixtures';

/** PNG magic bytes. */
const PNG = [0x89, 0x50, 0x4e, 0x47];

function timelineRuns() {
  const uvm = result({ system: 'uvm', times: { compute: 4 * MS } }, seriesOf([[0, 0, 0, 0, 0], [1 * MS, 100, 2 ** 26, 10, 2 ** 30], [2 * MS, 1100, 2 ** 28, 10, 2 ** 31], [4 * MS, 1200, 2 ** 28, 30, 2 ** 31]]));
  const gmem = result({ system: 'gmem-linux', times: { compute: 3 * MS } }, seriesOf([[0, 0, 0, 0, 0], [1 * MS, 20, 2 ** 27, 40, 2 ** 29], [3 * MS, 60, 2 ** 28, 120, 2 ** 30]]));
  return [uvm, gmem];
}

/** Finely sampled, spiky map-rate runs (issue 16: one-sample spikes hid the sustained rate): 401 samples 10 µs apart. */
function spikyRuns() {
  return ['gmem-linux', 'gpuvm-sparse'].map((system, k) => {
    let maps = 0;
    const rows: number[][] = [];
    for (let i = 0; i <= 400; i++) {
      maps += i === 0 ? 0 : (i % 40 === 0 ? 2000 : 10) * (k + 1);
      rows.push([i * 0.01 * MS, 0, 0, maps, 0]);
    }
    return result({ system, times: { compute: 4 * MS } }, seriesOf(rows));
  });
}

/** ISCA'19-like comparison rows: 4 benchmarks × 12 configurations with long names (issue 16: 5028 px wide, labels cut). */
function isca19LikeRows(): ComparedRow[] {
  const configs = ['LRU-4K, pre-evict at 95 %', 'LRU-4K, pre-evict at 90 %', 'random-4K eviction, on demand after 1st eviction', 'SL-64K eviction, on demand after 1st eviction',
    'TBN eviction, on demand after 1st eviction', 'random-4K + random-4K (after 1st eviction)', 'SL-64K + SL-64K (after 1st eviction)', 'TBN + TBN, 10 % reserved',
    'TBN + TBN, 20 % reserved', 'TBN + TBN pre-eviction', 'LRU-2MB', 'LRU-4K (prefetch off after 1st eviction)'];
  return ['backprop', 'bfs', 'fdtd', 'hotspot'].flatMap((group, g) => configs.map((series, i) => {
    const published = 1 + ((g * 7 + i * 3) % 11) * 9;
    const reproduced = published * (i % 3 === 0 ? 0.5 : 1.1);
    return { figure: 'isca19-policies-110', group, series, metric: 'slowdown vs no-oversubscription TBN', unit: '×', published, reproduced, ratio: reproduced / published, tolerance: 0.25, criterion: 'within', pass: i % 3 !== 0 } as unknown as ComparedRow;
  }));
}

const cases: Record<string, () => TopLevelSpec> = {
  'time-breakdown': () => timeBreakdownChart(oversubSweep(), { column: 'oversub' }),
  'time-breakdown-normalized': () => timeBreakdownChart((runsTable(oversubSweep()).objects() as Record<string, unknown>[]).filter((r) => r.oversub === 2), { normalize: true }),
  'oversub-curve': () => oversubCurveChart(runsTable(oversubSweep())),
  'oversub-curve-two-profiles': () => {
    const a = oversubSweep();
    const b = oversubSweep().map((r) => ({ ...r, summary: { ...r.summary, profile: 'h100-pcie5', specHash: `h-${r.summary.specHash}`, simTimeNs: r.summary.simTimeNs * 0.8 } }));
    return oversubCurveChart([...a, ...b]);
  },
  'oversub-curve-two-traces': () => {
    const b = oversubSweep().map((r) => ({ ...r, run: { ...r.run, traceName: 'traces/other.csv' }, summary: { ...r.summary, specHash: `t-${r.summary.specHash}`, simTimeNs: r.summary.simTimeNs * 1.5 } }));
    return oversubCurveChart([...oversubSweep(), ...b]);
  },
  'oversub-curve-oom': () => {
    const runs = oversubSweep().map((r) => (r.summary.system === 'hmm-svm' && r.summary.oversub === 2 ? { ...r, summary: { ...r.summary, oomEvents: 12 } } : r));
    return oversubCurveChart(runs);
  },
  'oversub-curve-status': () => {
    // helper P's status column: a failed run has no comparable slowdown; it is drawn as a hollow cross at the top
    const rows = (runsTable(oversubSweep()).objects() as Record<string, unknown>[]).map((r) => (r.system === 'uvm' && r.oversub === 2 ? { ...r, status: 'oom', oomEvents: 3 } : { ...r, status: 'ok' }));
    return oversubCurveChart(rows);
  },
  'map-rate-binned': () => mapRateChart(spikyRuns()),
  'figure-bars-long-labels': () => publishedVsReproducedBars(isca19LikeRows(), { title: "ISCA'19-like policies at 110 %", log: true }),
  'figure-bars-mixed-units': () => publishedVsReproducedBars([
    { figure: 'sc21', group: 'first-touch-floor', series: '256 KiB first touch', metric: 'time', unit: 'µs', published: 0.64, reproduced: 0.38, ratio: 0.59, tolerance: 0.25, criterion: 'within', pass: false },
    { figure: 'sc21', group: 'prefetch-batch-rate', series: 'TBN prefetch', metric: 'rate', unit: 'GB/s', published: 7, reproduced: 0.7, ratio: 0.1, tolerance: 0.25, criterion: 'within', pass: false },
  ] as unknown as ComparedRow[], { title: 'Mixed units', yTitle: 'value (unit per group)', log: false }),
  'dot-plot': () => dotPlotChart([
    // the real-traces overhead case: long sample names, zeros, values over five decades, uvm missing for two samples
    { sample: 'df_index_resolver.json.gz (pytorch memory snapshot)', system: 'gmem-linux', ms: 1290 },
    { sample: 'df_index_resolver.json.gz (pytorch memory snapshot)', system: 'uvm', ms: 61000 },
    { sample: 'memory_copy_trace.csv', system: 'gmem-linux', ms: 0 },
    { sample: 'vma_replay.csv', system: 'gmem-linux', ms: 0.02 },
    { sample: 'abc_1', system: 'gmem-linux', ms: 0.15 },
    { sample: 'abc_1', system: 'uvm', ms: 0.52 },
  ], { y: 'sample', x: 'ms', xTitle: 'simulated time beyond the recording’s compute (ms)', title: 'Overhead per sample' }),
  'grouped-bars': () => groupedBars([{ m: 'a', c: 'x', v: 1 }, { m: 'a', c: 'y', v: 3 }, { m: 'b', c: 'x', v: 2 }, { m: 'b', c: 'y', v: 5 }], { x: 'm', y: 'v', color: 'c', title: 'Grouped bars' }),
  sensitivity: () =>
    sensitivityChart(
      [0.5, 1, 2, 4].flatMap((m) => [
        { system: 'uvm', profile: 'a100-pcie4', 'scale.link.h2dBytesPerNs': m, simTimeNs: (10 + 40 / m) * MS },
        { system: 'gmem-linux', profile: 'a100-pcie4', 'scale.link.h2dBytesPerNs': m, simTimeNs: (10 + 20 / m) * MS },
      ]),
    ),
  'fault-timeline': () => faultTimelineChart(timelineRuns()),
  'residency-timeline': () => residencyTimelineChart(timelineRuns()),
  'map-rate': () => mapRateChart(timelineRuns()),
  'migration-histogram': () =>
    migrationHistogramChart([
      { system: 'uvm', sizeBytes: 4096, count: 900 },
      { system: 'uvm', sizeBytes: 65536, count: 300 },
      { system: 'uvm', sizeBytes: 60000, count: 20 },
      { system: 'uvm', sizeBytes: 2 ** 21, count: 12 },
      { system: 'gmem-linux', sizeBytes: 2 ** 21, count: 400 },
    ]),
  comparison: () => comparisonChart((runsTable(oversubSweep()).objects() as Record<string, unknown>[]).filter((r) => r.oversub === 1.5), { baseline: 'uvm' }),
  'published-vs-reproduced-log': () =>
    publishedVsReproducedChart(
      [
        { figure: 'isca19-prefetch', series: 'bfs on-demand', published: 30.41, reproduced: 26.0 },
        { figure: 'isca19-prefetch', series: 'bfs SL-64K', published: 2.32, reproduced: 3.1 },
        { figure: 'isca19-oversub', series: 'bfs 150% TBN', published: 4.44, reproduced: 4.0 },
        { figure: 'isca19-oversub', series: 'hotspot 150% TBN', published: 2.7, reproduced: 2.5 },
        { figure: 'real-1080ti', series: 'bfs 150%', published: 15.4, reproduced: 9.0 },
      ],
      { unit: '×' },
    ),
  'published-vs-reproduced-linear': () =>
    publishedVsReproducedChart(
      [
        { series: '4K', published: 1.18, reproduced: 1.5 },
        { series: '64K', published: 7.2, reproduced: 6.9 },
        { series: '1M', published: 87.01, reproduced: 87.3 },
      ],
      { log: false, tolerance: 0.1, unit: 'µs' },
    ),
};

for (const [name, build] of Object.entries(cases)) {
  test(`chart spec '${name}' matches its golden file, compiles without warnings and renders to SVG and PNG`, async () => {
    const spec = build();
    assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec, 'a spec is plain JSON');
    assertGolden(__dirname, name, spec);
    const chart = await renderChart(spec, { scale: 1 });
    assert.deepEqual(chart.warnings, [], 'vega-lite and vega report no warnings');
    assert.match(chart.svg, /^<svg /);
    const title = (spec as { title: string | { text: string } }).title;
    assert.ok(chart.svg.includes(typeof title === 'string' ? title : title.text), 'the title is drawn');
    // the shared readability check (src/analysis/charts/readability.ts): size, no cut labels, distinguishable series
    assert.deepEqual(readabilityProblems(spec, chart), [], 'readable');
    assert.deepEqual([...chart.png.subarray(0, 4)], PNG);
    assert.ok(chart.widthPx > 100 && chart.heightPx > 100);
  });
}

test('the dot plot says which system has no value for which share of the samples, and shows 0 on a symmetric-log axis', () => {
  const spec = cases['dot-plot']!() as unknown as { title: { subtitle: string }; encoding: { x: { scale: { type: string } } } };
  assert.equal(spec.title.subtitle, 'uvm: no value for 2 of 4');
  assert.equal(spec.encoding.x.scale.type, 'symlog');
});
