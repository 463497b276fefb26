import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import {
  chartBundle, chartText, CHART_FONT, compileSpec, FONT_FILES, renderChart, saveChart, svgSize, VEGALITE_MIME,
} from '../../src/analysis/render';
import { tempDir } from '../helpers/temp-dir';

const spec: TopLevelSpec = {
  title: 'Live bytes',
  width: 200,
  height: 100,
  data: { values: [{ t: 0, b: 1 }, { t: 1, b: 3 }, { t: 2, b: 2 }] },
  mark: 'line',
  encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): { w: number; h: number } {
  const b = Buffer.from(png);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG');
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
}

test('the fonts come from Debian fonts-dejavu-core', () => {
  for (const f of FONT_FILES) assert.ok(existsSync(f), f);
});

test('compiling applies the chart font unless the spec sets its own', () => {
  const text = JSON.stringify(compileSpec(spec));
  assert.match(text, new RegExp(`"font":"${CHART_FONT}"`));
  const own = JSON.stringify(compileSpec({ ...spec, config: { font: 'DejaVu Serif' } }));
  assert.doesNotMatch(own, new RegExp(`"font":"${CHART_FONT}"`));
});

test('a chart renders to an SVG and a PNG of scale × the SVG size', async () => {
  const c = await renderChart(spec, { scale: 2 });
  assert.match(c.svg, /^<svg[^>]* width="\d+" height="\d+"/);
  assert.ok(c.widthPx > 200 && c.heightPx > 100, 'axes and title add to the plot size');
  assert.deepEqual(svgSize(c.svg), { widthPx: c.widthPx, heightPx: c.heightPx });
  assert.deepEqual(pngSize(c.png), { w: Math.round(2 * c.widthPx), h: Math.round(2 * c.heightPx) });
  assert.deepEqual(c.warnings, []);
  const one = await renderChart(spec, { scale: 1 });
  assert.deepEqual(pngSize(one.png), { w: Math.round(c.widthPx), h: Math.round(c.heightPx) });
});

test('rendering is deterministic: the same spec gives the same SVG text and PNG bytes', async () => {
  const a = await renderChart(spec);
  const b = await renderChart(spec);
  assert.equal(a.svg, b.svg);
  assert.ok(Buffer.from(a.png).equals(Buffer.from(b.png)));
});

test('vega-lite warnings are collected, not printed', async () => {
  const c = await renderChart({ ...spec, encoding: { ...spec.encoding, x: { field: 't', type: 'quantitative', aggregate: 'nonsense' as never } } });
  assert.ok(c.warnings.some((w) => /nonsense/.test(w)), c.warnings.join('\n'));
});

test('the display bundle holds the spec, a PNG with its CSS size, the SVG when small, and a text fallback', async () => {
  const c = await renderChart(spec);
  const b = chartBundle(c);
  assert.deepEqual(Object.keys(b.data).sort(), [VEGALITE_MIME, 'image/png', 'image/svg+xml', 'text/plain'].sort());
  assert.equal(b.data[VEGALITE_MIME], spec);
  assert.ok(Buffer.from(b.data['image/png'] as string, 'base64').equals(Buffer.from(c.png)));
  assert.equal(b.data['image/svg+xml'], c.svg);
  assert.deepEqual(b.metadata, { 'image/png': { width: Math.round(c.widthPx), height: Math.round(c.heightPx) } });
  assert.equal(b.data['text/plain'], `<vega-lite chart: Live bytes (${Math.round(c.widthPx)}×${Math.round(c.heightPx)} px)>`);
  assert.equal(chartText(c), b.data['text/plain']);
  const big = chartBundle(c, 100);
  assert.equal(big.data['image/svg+xml'], undefined, 'an SVG above the limit is left out');
  assert.ok(big.data['image/png']);
});

test('saveChart writes <stem>.png and .svg and refuses names that could escape the folder', async () => {
  const dir = join(tempDir('fig'), 'figures');
  const c = await renderChart(spec);
  const p = saveChart(c, dir, 'tour-live');
  assert.deepEqual(readdirSync(dir).sort(), ['tour-live.png', 'tour-live.svg']);
  assert.equal(readFileSync(p.svg, 'utf8'), c.svg);
  assert.throws(() => saveChart(c, dir, '../x'), /figure name/);
  assert.throws(() => saveChart(c, dir, '.hidden'), /figure name/);
});
