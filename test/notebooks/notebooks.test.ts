import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VEGALITE_MIME } from '../../src/analysis/render';
import { elementPixelStats, openChromium, openOffline } from '../../src/workbench/browser';
import { displayBundles, parseNotebook } from '../../src/workbench/notebook-json';
import { failureReport, listNotebooks, runNotebooks, type NotebookRun } from '../../src/workbench/notebook-runner';
import { writeIndexPage } from '../../src/workbench/index-page';
import { DEFAULT_JOBS } from '../../src/workbench/start';
import { PROJECT_ROOT } from '../../src/version';
import { toolPaths } from '../../src/workbench/tool-env';
import { tempDir } from '../helpers/temp-dir';

/**
 * The notebook test: executes every notebook in notebooks/ exactly as `npm start` does (into out/, two at a
 * time), then checks the outputs, opens the HTML exports in headless Chromium, and checks nothing was
 * written to HOME (a private one: see below). The notebooks run once; every test below reads what that run left.
 */

// Homes of our own, so that no other program on the machine can change what this test sees (issue 18: a
// Chromium elsewhere touching ~/.config/chromium failed the run). `privateHome` is this process's HOME and
// XDG folders: anything started without gmemlab's tool environment would write there. `toolHome` is the
// HOME, XDG folders and Chromium profile (--user-data-dir) gmemlab gives Jupyter and Chromium here.
const privateHome = tempDir('home');
const toolHome = tempDir('tool-home');
const XDG = { XDG_CONFIG_HOME: '.config', XDG_CACHE_HOME: '.cache', XDG_DATA_HOME: '.local/share', XDG_STATE_HOME: '.local/state' } as const;
const savedEnv: Record<string, string | undefined> = {};
let runs: NotebookRun[] = [];
let indexPath = '';

before(async () => {
  for (const k of ['HOME', 'GMEMLAB_DEBUG', ...Object.keys(XDG)]) savedEnv[k] = process.env[k];
  // notebooks run as `npm start` runs them: the debug invariants (checked by the model tests) are far too slow on
  // the notebooks' paper-sized inputs
  delete process.env.GMEMLAB_DEBUG;
  process.env.HOME = privateHome; // anything that uses $HOME without our tool environment would write here
  for (const [k, v] of Object.entries(XDG)) process.env[k] = join(privateHome, v);
  process.env.GMEMLAB_PROGRESS = 'line'; // a terminal progress mode inherited by Jupyter must not reach stderr in cells
  const notebooks = listNotebooks(join(PROJECT_ROOT, 'notebooks')).map((p) => relative(PROJECT_ROOT, p));
  // Two at a time, as `npm start` does (DEFAULT_JOBS): one notebook's single-threaded waits (Jupyter and
  // kernel start, HTML export) overlap the other's work on this 2-core machine.
  runs = await runNotebooks(notebooks, { projectRoot: PROJECT_ROOT, concurrency: DEFAULT_JOBS, toolHome });
  indexPath = writeIndexPage(join(PROJECT_ROOT, 'out'), runs); // as npm start does after the runs
});

after(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  delete process.env.GMEMLAB_PROGRESS;
});

test('every notebook in notebooks/ runs headlessly without a cell error or stderr output', () => {
  assert.ok(runs.length >= 1, 'notebooks/ holds at least the tour');
  for (const r of runs) assert.equal(r.status, 'passed', `${r.name}.ipynb:\n${failureReport(r)}`);
});

test('each chart is ONE output with the vega-lite spec, a PNG with its CSS size, and text; its figure files are written', () => {
  for (const r of runs) {
    assert.ok(r.executedPath && r.htmlPath, `${r.name}: executed copy and HTML export written`);
    const nb = parseNotebook(readFileSync(r.executedPath, 'utf8'), r.executedPath);
    const charts = displayBundles(nb).filter((b) => b.mimeTypes.includes(VEGALITE_MIME));
    for (const c of charts) {
      assert.ok(c.mimeTypes.includes('image/png') && c.mimeTypes.includes('text/plain'), `${r.name} cell ${c.cell}: ${c.mimeTypes.join(', ')}`);
      const size = c.metadata['image/png'] as { width?: number } | undefined;
      assert.ok(size?.width && size.width > 0, `${r.name} cell ${c.cell}: PNG metadata gives the display width`);
    }
    assert.equal(r.figures.length, charts.length, `${r.name}: one PNG figure per chart`);
    for (const f of r.figures) assert.ok(existsSync(join(PROJECT_ROOT, 'out', 'figures', f.replace(/\.png$/, '.svg'))), `${f} has its SVG`);
  }
  const tour = runs.find((r) => r.name === 'tour');
  assert.ok(tour && tour.figures.length >= 1, 'the tour shows at least one chart');
});

test('progress lines in notebooks are one output updated in place, left in their final state', () => {
  let seen = 0;
  for (const r of runs) {
    const nb = parseNotebook(readFileSync(r.executedPath!, 'utf8'), r.executedPath!);
    for (const cell of nb.cells) {
      for (const o of cell.outputs ?? []) {
        const html = o.data?.['text/html'];
        if (!(typeof html === 'string' ? html : (html as string[] | undefined)?.join(''))?.includes('gmemlab-progress')) continue;
        seen++;
        const text = o.data?.['text/plain'];
        assert.match(typeof text === 'string' ? text : (text as string[]).join(''), / done in /, `${r.name}: progress output not finished`);
      }
    }
  }
  assert.ok(seen >= 1, 'the tour demonstrates progress (keep one progress line in a notebook so this path stays tested)');
});

test('browser: in the HTML exports every chart is a loaded, non-blank image (headless Chromium, offline)', async () => {
  const withCharts = runs.filter((r) => r.figures.length > 0 && r.htmlPath);
  assert.ok(withCharts.length >= 1);
  const context = await openChromium(PROJECT_ROOT, { home: toolHome });
  try {
    for (const r of withCharts) {
      const page = await openOffline(context, pathToFileURL(r.htmlPath!).href);
      // issue 16: each chart turns interactive (vega-embed inlined) and hides its PNG; show the PNGs again to measure them
      await page.waitForFunction(`document.querySelectorAll('.gmemlab-chart').length === document.querySelectorAll('.gmemlab-chart[data-interactive="true"]').length`);
      assert.equal(await page.evaluate(`document.querySelectorAll('.gmemlab-chart[data-interactive="true"] .gmemlab-chart-view svg').length`), r.figures.length, `${r.name}: every chart interactive`);
      await page.evaluate(`document.querySelectorAll('.gmemlab-chart-png').forEach((i) => { i.style.display = ''; })`);
      const images = await page.$$('img[src^="data:image/png"]');
      assert.equal(images.length, r.figures.length, `${r.name}: one PNG image per chart in the HTML`);
      for (const [i, img] of images.entries()) {
        const natural = await (await img.getProperty('naturalWidth')).jsonValue();
        assert.ok(Number(natural) > 0, `${r.name} image ${i + 1} decoded`);
        const s = await elementPixelStats(context, img);
        assert.ok(s.width > 100 && s.height > 50, `${r.name} image ${i + 1} is ${s.width}×${s.height} on screen`);
        assert.ok(s.distinctColours >= 16, `${r.name} image ${i + 1}: only ${s.distinctColours} colours (blank?)`);
        assert.ok(s.inkFraction > 0.01 && s.inkFraction < 0.9, `${r.name} image ${i + 1}: ink ${(s.inkFraction * 100).toFixed(1)}%`);
      }
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test('browser: out/index.html links every notebook\'s HTML export and shows every figure it wrote', async () => {
  const context = await openChromium(PROJECT_ROOT, { home: toolHome });
  try {
    const page = await openOffline(context, pathToFileURL(indexPath).href);
    const links = await page.$$eval('a[href$=".html"]', (as) => as.map((a) => (a as unknown as { href: string }).href));
    for (const r of runs) assert.ok(links.includes(pathToFileURL(r.htmlPath!).href), `${r.name}: its HTML export is linked`);
    const imgs = await page.$$eval('img', (els) => els.map((e) => ({ src: (e as unknown as { src: string }).src })));
    for (const f of runs.flatMap((r) => r.figures)) {
      const img = imgs.find((i) => i.src.endsWith(`/figures/${f}`));
      assert.ok(img, `${f} is shown`);
      assert.ok(existsSync(new URL(img.src)), `${f}: the image the page shows exists`);
    }
    await page.close();
  } finally {
    await context.close();
  }
});

test('nothing was written to HOME; Jupyter\'s state stays in the project and Chromium\'s in the home it was given', () => {
  assert.deepEqual(readdirSync(privateHome), [], 'a process used $HOME or an XDG folder instead of the tool environment');
  // Jupyter is pointed at the project's folders by JUPYTER_*_DIR: nothing of it in the home it runs with
  for (const p of ['.jupyter', '.local/share/jupyter']) assert.ok(!existsSync(join(toolHome, p)), `${p} written to the tools' HOME`);
  assert.ok(existsSync(join(toolHome, 'chromium-profile')), 'Chromium ran with the test\'s own profile');
  assert.ok(existsSync(join(toolPaths(PROJECT_ROOT).kernelDir, 'kernel.json')), 'the kernel is registered in the project');
});
