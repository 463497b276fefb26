import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openChromium } from '../../src/workbench/browser';
import { PROJECT_ROOT } from '../../src/version';
import { tempDir } from '../helpers/temp-dir';

/**
 * The classic Jupyter UI driven by headless Chromium (used by jupyter-ui.test.ts on a server it started):
 * a new notebook runs a cell whose last value is an arquero table and a cell that shows a chart — both must
 * render (HTML table; interactive vega view with a tooltip) — and is saved; then Run All on the working copy
 * of the tour, saved. Requests may go to the local server only. Waits are hang guards, not speed checks.
 */

const HANG_GUARD_MS = 600_000;

const TABLE_CELL = `import * as aq from 'arquero';
aq.table({ system: ['gmem-linux', 'uvm'], timeMs: [370.1, 1234.56789] })`;

const CHART_CELL = `import { show } from './src/analysis/notebook';
await show({
  width: 300, height: 200,
  data: { values: [{ x: 1, y: 2, system: 'gmem-linux' }, { x: 2, y: 5, system: 'uvm' }, { x: 3, y: 3, system: 'gmem-linux' }] },
  mark: { type: 'point', filled: true, size: 400 },
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'system', type: 'nominal' },
    tooltip: [{ field: 'system', type: 'nominal' }, { field: 'y', type: 'quantitative' }] },
}, { name: 'live', figuresDir: ${JSON.stringify(tempDir('live-figures'))} });`;

async function openNotebook(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction('window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()', undefined, { timeout: HANG_GUARD_MS });
}

async function save(page: Page): Promise<void> {
  await page.evaluate('Jupyter.notebook.save_notebook().then(() => true)');
}

/** Run the browser part; throws (assert) on the first thing that does not render. */
export async function liveUiInBrowser(base: string, token: string, ws: string): Promise<void> {
  const context = await openChromium(PROJECT_ROOT, { home: tempDir('ui-browser-home') });
  try {
    const page = await context.newPage();
    await page.route('**/*', (route) => {
      const url = route.request().url();
      return url.startsWith(base) || url.startsWith('data:') ? route.continue() : route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // a new notebook, as the New menu creates it: an empty Untitled.ipynb in the folder shown, no kernel metadata
    const created = await fetch(`${base}/api/contents?token=${token}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'notebook' }) });
    assert.equal(created.status, 201);
    const { name } = (await created.json()) as { name: string };
    await openNotebook(page, `${base}/notebooks/${encodeURIComponent(name)}?token=${token}`);
    assert.equal(await page.evaluate('Jupyter.notebook.kernel.name'), 'tslab', 'a new notebook opens on the TypeScript kernel');
    await page.evaluate(`(() => {
      const nb = Jupyter.notebook;
      nb.get_cell(0).set_text(${JSON.stringify(TABLE_CELL)});
      nb.insert_cell_below('code', 0).set_text(${JSON.stringify(CHART_CELL)});
      nb.execute_all_cells();
    })()`);
    // the table: formatted HTML, not the arquero object's internals
    const table = await page.waitForSelector('.output_area .gmemlab-table table', { timeout: HANG_GUARD_MS });
    const text = (await table.textContent()) ?? '';
    assert.match(text, /370\.1/);
    assert.match(text, /1,234\.6/);
    assert.doesNotMatch(text, /ColumnTable|_names/);
    // the chart: drawn by vega-embed from the local server (custom.js), with its tooltip on hover
    await page.waitForSelector('.output_gmemlab_vega[data-interactive="true"] svg', { timeout: HANG_GUARD_MS });
    const points = await page.$$('.output_gmemlab_vega svg g.mark-symbol.role-mark path');
    assert.equal(points.length, 3, 'three points drawn');
    await points[1]!.hover();
    await page.waitForSelector('#vg-tooltip-element.visible', { timeout: HANG_GUARD_MS });
    assert.match((await page.textContent('#vg-tooltip-element')) ?? '', /uvm/);
    await save(page);
    const saved = JSON.parse(readFileSync(join(ws, name), 'utf8')) as { metadata: { kernelspec?: { name?: string } }; cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
    assert.equal(saved.metadata.kernelspec?.name, 'tslab', 'saved with the TypeScript kernel');
    assert.ok(saved.cells[1]?.outputs?.some((o) => o.data?.['application/vnd.vegalite.v5+json'] !== undefined), 'the saved chart output keeps its spec');

    // Run All on the working copy of the tour, then save
    await openNotebook(page, `${base}/notebooks/tour.ipynb?token=${token}`);
    await page.evaluate('Jupyter.notebook.execute_all_cells()');
    await page.waitForFunction(`Jupyter.notebook.get_cells().every((c) => c.cell_type !== 'code' || c.input_prompt_number !== '*')`, undefined, { timeout: HANG_GUARD_MS, polling: 500 });
    await save(page);
    const tour = JSON.parse(readFileSync(join(ws, 'tour.ipynb'), 'utf8')) as { cells: Array<{ outputs?: unknown[] }> };
    assert.ok(tour.cells.some((c) => (c.outputs ?? []).length > 0), 'the working copy holds the outputs');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}
