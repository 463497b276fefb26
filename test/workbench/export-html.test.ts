import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VEGALITE_MIME } from '../../src/analysis/render';
import { injectVegaLibs, VEGA_INLINED_MARK, withInteractiveCharts } from '../../src/workbench/export-html';
import { chartHtml, inlineVegaScripts, scriptJson } from '../../src/display/vega-embed';
import type { Notebook } from '../../src/workbench/notebook-json';

const spec = { mark: 'point', title: 'a </script> b' };
const nb: Notebook = {
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [
    { cell_type: 'code', source: 'show()', outputs: [{ output_type: 'display_data', data: { [VEGALITE_MIME]: spec, 'image/png': 'iVBOR\n', 'text/plain': '<chart>' }, metadata: { 'image/png': { width: 320, height: 200 } } }] },
    { cell_type: 'code', source: 'x', outputs: [{ output_type: 'display_data', data: { 'text/html': '<table></table>' }, metadata: {} }] },
  ],
};

test('for the export, each chart output gets an HTML form (PNG fallback + spec + embed script); the notebook itself is unchanged', () => {
  const { notebook, charts } = withInteractiveCharts(nb);
  assert.equal(charts, 1);
  const html = notebook.cells[0]!.outputs![0]!.data!['text/html'] as string;
  assert.match(html, /<img class="gmemlab-chart-png" src="data:image\/png;base64,iVBOR" width="320" height="200" alt="&lt;chart&gt;">/);
  assert.ok(html.includes(scriptJson(spec)) && !html.includes('</script> b'), 'the spec cannot close its script block');
  assert.deepEqual(notebook.cells[1], nb.cells[1], 'other outputs untouched');
  assert.equal(nb.cells[0]!.outputs![0]!.data!['text/html'], undefined, 'input not mutated');
});

test('the libraries are inlined once, before </head>, only into pages with charts, with AMD define hidden while they load', () => {
  const page = `<html><head><title>x</title></head><body>${chartHtml(spec, 'AA', { width: 1, height: 1 }, 'c1', 'alt')}</body></html>`;
  const once = injectVegaLibs(page);
  assert.equal(once.split(VEGA_INLINED_MARK).length, 2);
  assert.ok(once.indexOf(VEGA_INLINED_MARK) < once.indexOf('</head>'));
  assert.equal(injectVegaLibs(once), once, 'idempotent');
  assert.equal(injectVegaLibs('<html><head></head><body>no charts</body></html>'), '<html><head></head><body>no charts</body></html>');
  const libs = inlineVegaScripts();
  for (const name of ['vega', 'vega-lite', 'vega-embed']) assert.ok(libs.includes(`data-gmemlab-lib="${name}"`), name);
  assert.ok(libs.startsWith('<script>window.__gmemlabDefine = window.define; window.define = undefined;</script>'));
  assert.doesNotMatch(libs.replace(/<\/script>(\n|$)/g, ''), /<\/script/i, 'no early end of a script block inside a library');
});
