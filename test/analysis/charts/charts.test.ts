import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runsTable } from '../../../src/analysis/tables';
import {
  comparisonChart, faultTimelineChart, mapRateChart, migrationHistogramChart, oversubCurveChart, publishedVsReproducedChart,
  residencyTimelineChart, sensitivityChart, timeBreakdownChart, type TopLevelSpec,
} from '../../../src/analysis/charts/index';
import { assertGolden } from '../../helpers/golden';
import { renderChart } from '../../../src/analysis/render';
import { MS, oversubSweep, result, seriesOf } from '../fixtures';

/** PNG magic bytes. */
const PNG = [0x89, 0x50, 0x4e, 0x47];

function timelineRuns() {
  const uvm = result({ system: 'uvm', times: { compute: 4 * MS } }, seriesOf([[0, 0, 0, 0, 0], [1 * MS, 100, 2 ** 26, 10, 2 ** 30], [2 * MS, 1100, 2 ** 28, 10, 2 ** 31], [4 * MS, 1200, 2 ** 28, 30, 2 ** 31]]));
  const gmem = result({ system: 'gmem-linux', times: { compute: 3 * MS } }, seriesOf([[0, 0, 0, 0, 0], [1 * MS, 20, 2 ** 27, 40, 2 ** 29], [3 * MS, 60, 2 ** 28, 120, 2 ** 30]]));
  return [uvm, gmem];
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
    assert.ok(chart.svg.includes((spec as { title: string }).title), 'the title is drawn');
    assert.deepEqual([...chart.png.subarray(0, 4)], PNG);
    assert.ok(chart.widthPx > 100 && chart.heightPx > 100);
  });
}
