import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaE, deltaELab } from '../../../src/analysis/charts/colour';
import { checkReadability, readabilityProblems, svgLegends, svgTexts } from '../../../src/analysis/charts/readability';
import { colorScale, EXTRA_COLORS, MIN_SERIES_DELTA_E, PREFERRED_SERIES_DELTA_E, SYSTEM_COLORS, type TopLevelSpec } from '../../../src/analysis/charts/common';

test('CIEDE2000 matches Sharma, Wu & Dalal (2005) test data', () => {
  // pairs 1, 17 and 25 of the paper's supplementary table
  assert.equal(deltaELab([50, 2.6772, -79.7751], [50, 0, -82.7485]).toFixed(4), '2.0425');
  assert.equal(deltaELab([50, 2.5, 0], [73, 25, -18]).toFixed(4), '27.1492');
  assert.equal(deltaELab([60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387]).toFixed(4), '1.2644');
  assert.equal(deltaE('#1f77b4', '#1f77b4'), 0);
});

const base = (extra: Record<string, unknown>): TopLevelSpec => ({
  title: 't', width: 300, height: 200, data: { values: [{ x: 1, y: 1, c: 'a' }, { x: 2, y: 2, c: 'b' }] }, mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } }, ...extra,
}) as unknown as TopLevelSpec;

test('a plain readable chart has no problems', async () => {
  assert.deepEqual(await checkReadability(base({})), []);
});

test('each rule finds its problem: size, cut labels, alike colours, dotted dash legend, zeros on a log axis, duplicate legends', async () => {
  const big = await checkReadability(base({ width: 2000 }));
  assert.ok(big.some((p) => /^too large: \d+×\d+ px/.test(p)), big.join('\n'));
  const cut = await checkReadability(base({ data: { values: [{ x: 1, y: 1, c: 'a rather long legend entry that is cut' }] }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'c', type: 'nominal', legend: { labelLimit: 60 } } } }));
  assert.ok(cut.some((p) => p.startsWith('truncated text: "a rat')), cut.join('\n'));
  const alike = await checkReadability(base({ encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'c', type: 'nominal', scale: { domain: ['a', 'b'], range: ['#f7b6d2', '#c5b0d5'] } } } }));
  assert.ok(alike.some((p) => /#f7b6d2 and #c5b0d5 are too alike \(ΔE 12\.\d/.test(p)), alike.join('\n'));
  const dash = await checkReadability(base({ encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, strokeDash: { field: 'c', type: 'nominal' } } }));
  assert.ok(dash.some((p) => /strokeDash: its legend draws dots/.test(p)), dash.join('\n'));
  // with a colour encoding too and points on the line (the ISCA'19 curves: colour = policy, dash = published/reproduced) vega-lite leaves the dash symbols without a stroke
  const invisible = await checkReadability(base({
    data: { values: [{ x: 1, y: 1, c: 'a', d: 'p' }, { x: 2, y: 2, c: 'a', d: 'p' }, { x: 1, y: 2, c: 'a', d: 'q' }, { x: 2, y: 3, c: 'a', d: 'q' }] },
    mark: { type: 'line', point: true },
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'c', type: 'nominal' }, strokeDash: { field: 'd', type: 'nominal', legend: { symbolType: 'stroke' } } },
  }));
  assert.ok(invisible.includes('dash legend symbols have no stroke colour (invisible)'), invisible.join('\n'));
  const log = await checkReadability(base({ data: { values: [{ x: 1, y: 0 }, { x: 2, y: 5 }] }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative', scale: { type: 'log' } } } }));
  assert.ok(log.some((p) => /log scale but 1 value\(s\) ≤ 0 in 'y'/.test(p)), log.join('\n'));
  // issue 16 (real-traces-overhead): colour (explicit scale) and shape of one field give two legends
  const two = await checkReadability(base({ mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'c', type: 'nominal', title: null, scale: { domain: ['a', 'b'], range: ['#1f77b4', '#2ca02c'] } }, shape: { field: 'c', type: 'nominal', title: null } } }));
  assert.ok(two.some((p) => p.startsWith('two legends list the same entries: ["a","b"]')), two.join('\n'));
});

test('svg helpers read texts and legend labels', () => {
  const svg = '<svg><g class="mark-group role-legend"><g class="mark-text role-legend-label"><text>a&amp;b</text></g><g class="mark-text role-legend-label"><text>c</text></g></g><text>x…</text></svg>';
  assert.deepEqual(svgTexts(svg), ['a&b', 'c', 'x…']);
  assert.deepEqual(svgLegends(svg), [['a&b', 'c']]);
  assert.deepEqual(readabilityProblems(base({}), { svg, widthPx: 300, heightPx: 200 }), ['truncated text: "x…"']);
});

test('system colours and colorScale keep the series of one chart apart (gmem-linux and gmem-paper are not two blues)', () => {
  const presets = Object.values(SYSTEM_COLORS);
  for (let i = 0; i < presets.length; i++) for (let j = i + 1; j < presets.length; j++) assert.ok(deltaE(presets[i]!, presets[j]!) >= MIN_SERIES_DELTA_E, `${presets[i]} vs ${presets[j]}`);
  assert.ok(deltaE(SYSTEM_COLORS['gmem-linux']!, SYSTEM_COLORS['gmem-paper']!) > 40);
  // eight figure names, as in the reproduction scatter: no two colours closer than the threshold
  const names = ['gmem-iommu', 'gtx1080ti-real-oversub', 'gtx1080ti-transfer', 'isca19-oversub', 'isca19-policies-110', 'isca19-prefetchers', 'openeuler-oversub', 'sc21-uvm-costs'];
  const { range } = colorScale(names);
  for (let i = 0; i < range.length; i++) for (let j = i + 1; j < range.length; j++) assert.ok(deltaE(range[i]!, range[j]!) >= MIN_SERIES_DELTA_E, `${range[i]} vs ${range[j]}`);
  // the ISCA'19 curves and the game-remapping variants: presets plus extras stay clearly apart
  const withPresets = colorScale(['gmem-linux', 'gpuvm-sparse:driver=amdgpu', 'gpuvm-sparse:driver=asahi', 'gpuvm-sparse:driver=nouveau', 'gpuvm-sparse:driver=xe']).range;
  for (let i = 1; i < withPresets.length; i++) for (let j = 0; j < i; j++) assert.ok(deltaE(withPresets[i]!, withPresets[j]!) >= PREFERRED_SERIES_DELTA_E, `${withPresets[i]} vs ${withPresets[j]}`);
  assert.ok(range.every((c) => EXTRA_COLORS.includes(c)));
});
