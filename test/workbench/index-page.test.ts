import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexContent, renderIndexPage, writeIndexPage } from '../../src/workbench/index-page';
import type { NotebookRun } from '../../src/workbench/notebook-runner';
import { tempDir } from '../helpers/temp-dir';

/** An out/ folder as the runner leaves it: two notebooks (one from an earlier run), their figures, a stray figure. */
function fixture(): string {
  const out = tempDir('index');
  mkdirSync(join(out, 'notebooks'), { recursive: true });
  mkdirSync(join(out, 'figures'), { recursive: true });
  for (const f of ['tour.html', 'tour.ipynb', 'game-remapping.ipynb', 'what-if-csv.html', 'what-if-csv.ipynb']) writeFileSync(join(out, 'notebooks', f), 'x');
  for (const f of ['tour-a.png', 'tour-a.svg', 'tour-b.png', 'game-remapping-rate.png', 'what-if-csv-x.png', 'what-if-csv-x.svg', 'script-chart.png']) writeFileSync(join(out, 'figures', f), 'x');
  return out;
}

const run = (name: string, status: NotebookRun['status'], seconds: number): NotebookRun => ({ name, source: `notebooks/${name}.ipynb`, status, seconds, figures: [], failures: [], problems: [] });

test('the index lists every notebook on disk, its HTML and executed copy, this run\'s status, and claims figures by name prefix', () => {
  const out = fixture();
  const c = indexContent(out, [run('tour', 'passed', 12.5), run('game-remapping', 'error', 3)]);
  assert.deepEqual(c.notebooks.map((n) => [n.name, n.html, n.executed, n.status, n.seconds, n.figures.map((f) => f.stem)]), [
    ['game-remapping', null, 'notebooks/game-remapping.ipynb', 'error', 3, ['game-remapping-rate']],
    ['tour', 'notebooks/tour.html', 'notebooks/tour.ipynb', 'passed', 12.5, ['tour-a', 'tour-b']],
    ['what-if-csv', 'notebooks/what-if-csv.html', 'notebooks/what-if-csv.ipynb', null, null, ['what-if-csv-x']],
  ]);
  const tour = c.notebooks.find((n) => n.name === 'tour')!;
  assert.deepEqual(tour.figures, [{ stem: 'tour-a', png: 'figures/tour-a.png', svg: 'figures/tour-a.svg' }, { stem: 'tour-b', png: 'figures/tour-b.png', svg: null }]);
  assert.deepEqual(c.otherFigures.map((f) => f.stem), ['script-chart'], 'a figure no notebook owns is listed apart');
});

test('a figure belongs to the longest notebook name that prefixes it', () => {
  const out = tempDir('index-prefix');
  mkdirSync(join(out, 'figures'), { recursive: true });
  writeFileSync(join(out, 'figures', 'gmem-model-x.png'), 'x');
  writeFileSync(join(out, 'figures', 'gmem-y.png'), 'x');
  const c = indexContent(out, [run('gmem', 'passed', 1), run('gmem-model', 'passed', 1)]);
  assert.deepEqual(c.notebooks.map((n) => [n.name, n.figures.map((f) => f.stem)]), [['gmem', ['gmem-y']], ['gmem-model', ['gmem-model-x']]]);
});

test('the page links each export and figure relatively, marks failures, escapes names, and is written atomically to <out>/index.html', () => {
  const out = fixture();
  const path = writeIndexPage(out, [run('tour', 'passed', 12.5), run('game-remapping', 'failed', 3)], new Date('2026-01-02T03:04:05Z'));
  assert.equal(path, join(out, 'index.html'));
  const html = readFileSync(path, 'utf8');
  assert.match(html, /<a href="notebooks\/tour\.html">tour<\/a><\/td><td>ok, 12\.5 s<\/td><td>2<\/td>/);
  assert.match(html, /<tr class="bad"><td>game-remapping<\/td><td>FAILED, 3\.0 s<\/td>/);
  assert.match(html, /<td>what-if-csv<\/a>|what-if-csv<\/a><\/td><td>earlier run<\/td>/);
  assert.match(html, /<img src="figures\/tour-a\.png"/);
  assert.match(html, /<a href="figures\/tour-a\.svg">SVG<\/a>/);
  assert.match(html, /2026-01-02T03:04:05\.000Z/);
  assert.doesNotMatch(html, /<script|https?:\/\//, 'self-contained: no scripts, no network');
  const weird = renderIndexPage({ notebooks: [{ name: 'a<b>&"', html: null, executed: null, status: null, seconds: null, figures: [] }], otherFigures: [] });
  assert.match(weird, /a&lt;b&gt;&amp;&quot;/);
  assert.match(weird, /No figures\./);
});
