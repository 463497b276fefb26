import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VEGALITE_MIME } from '../../src/analysis/render';
import { openChromium, openOffline } from '../../src/workbench/browser';
import { VEGA_INLINED_MARK } from '../../src/workbench/export-html';
import { parseNotebook, type Notebook } from '../../src/workbench/notebook-json';
import { PROJECT_ROOT } from '../../src/version';
import { tempDir } from '../helpers/temp-dir';

/**
 * What a notebook user sees (issue 16): test/workbench/fixtures/display.ipynb runs through `npm start`
 * (scripts/start.mjs) once — a table as a cell's last value, a chart with tooltips, a gmemlab error — and
 * the tests read the executed copy, the console report and the HTML export (in headless Chromium, offline).
 */

const FIXTURE = join('test', 'workbench', 'fixtures', 'display.ipynb');
const out = tempDir('nb-display');
const toolHome = tempDir('nb-display-home');
let r: SpawnSyncReturns<string>;
let nb: Notebook;
let html = '';

before(() => {
  // GMEMLAB_DEBUG empty: the user's default (the test runner sets it to 1, which would add stack frames)
  r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'start.mjs'), FIXTURE, '--out-dir', out], {
    cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, GMEMLAB_DEBUG: '' },
  });
  const executed = join(out, 'notebooks', 'display.ipynb');
  nb = parseNotebook(readFileSync(executed, 'utf8'), executed);
  html = readFileSync(join(out, 'notebooks', 'display.html'), 'utf8');
});

test('a gmemlab error in a cell is one clean line with its code, reported by npm start as an exception', () => {
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /display\.ipynb: cell 5 raised an exception/);
  assert.doesNotMatch(r.stderr, /wrote to stderr/);
  const cell = nb.cells[4]!;
  const text = (cell.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '')).join('');
  assert.equal(text, 'Uncaught GmemlabError [io.not-found]: traces/no-such-trace.csv: file not found\n');
  assert.doesNotMatch(text, /\n\s+at |diagnostic: \{/, 'no Node stack, no dumped diagnostic object');
});

test('an arquero table as a cell\'s last value is ONE formatted HTML table output (plus text), floats readable', () => {
  const outputs = nb.cells[1]!.outputs ?? [];
  assert.equal(outputs.length, 1);
  const data = outputs[0]!.data as Record<string, string | string[]>;
  const htmlTable = ([] as string[]).concat(data['text/html']!).join('');
  assert.match(htmlTable, /<th style="text-align:right">timeMs<\/th>/);
  assert.match(htmlTable, />370\.1<\/td>/);
  assert.match(htmlTable, /title="1234\.56789">1,234\.6<\/td>/);
  assert.match(htmlTable, /title="12345">12,345<\/td>/);
  assert.doesNotMatch(htmlTable + ([] as string[]).concat(data['text/plain']!).join(''), /ColumnTable|_names|_data|370\.100000/);
});

test('executed cells carry their execution counts, in the notebook and as In [n] in the HTML export', () => {
  const counts = nb.cells.filter((c) => c.cell_type === 'code').map((c) => (c as { execution_count?: number | null }).execution_count ?? null);
  assert.deepEqual(counts, [1, 2, null, 3], 'the blank cell is not executed');
  for (const n of [1, 2, 3]) assert.ok(html.includes(`In&nbsp;[${n}]:`), `In [${n}]:`);
});

test('the chart output keeps the vega-lite spec and PNG; the export inlines vega once and loads nothing remote', () => {
  const chart = (nb.cells[2]!.outputs ?? [])[0]!;
  assert.ok(chart.data?.[VEGALITE_MIME] !== undefined && typeof chart.data?.['image/png'] === 'string');
  assert.equal(chart.data?.['text/html'], undefined, 'the executed copy stays a plain bundle (JupyterLab draws the spec)');
  assert.equal(html.split(VEGA_INLINED_MARK).length, 2, 'libraries inlined exactly once');
  assert.equal(html.split('class="gmemlab-chart-spec"').length, 2, 'one interactive chart');
  const remote = [...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="(https?:[^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(remote.filter((u) => /vega/.test(u!)), [], 'no vega library from a CDN');
});

test('browser: in the HTML export (offline) the chart becomes interactive and hovering a point shows its tooltip', async () => {
  const context = await openChromium(PROJECT_ROOT, { home: toolHome });
  try {
    const page = await openOffline(context, pathToFileURL(join(out, 'notebooks', 'display.html')).href);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.waitForSelector('.gmemlab-chart[data-interactive="true"] .gmemlab-chart-view svg');
    assert.equal(await page.$eval('.gmemlab-chart-png', (e) => (e as unknown as { style: { display: string } }).style.display), 'none', 'the PNG fallback gives way');
    const points = await page.$$('.gmemlab-chart-view svg g.mark-symbol.role-mark path');
    assert.equal(points.length, 3, 'the three data points are drawn');
    await points[1]!.hover();
    await page.waitForSelector('#vg-tooltip-element.visible');
    const tip = (await page.textContent('#vg-tooltip-element')) ?? '';
    assert.match(tip, /system\s*uvm/);
    assert.match(tip, /value\s*5/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
