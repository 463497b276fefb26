import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { VERSION } from '../version';
import type { NotebookRun } from './notebook-runner';

/**
 * `out/index.html`: one page linking every executed notebook's HTML export and every figure, written by
 * `npm start` after the notebooks ran. Built from what is on disk (`<out>/notebooks/*.html`,
 * `<out>/figures/*.png|svg`), so notebooks run by an earlier `npm start -- <name>` stay listed; the runs of
 * this invocation add their status and seconds. Figures are grouped under the notebook whose name prefixes
 * theirs (`<notebook>-<name>.png`, the runner's naming), longest name first. Self-contained: relative links,
 * no scripts, no network; opens from the file system.
 */

/** What the page lists for one notebook. */
export interface IndexNotebook {
  readonly name: string;
  /** Relative to the index page; null when no HTML export exists (e.g. Jupyter itself failed). */
  readonly html: string | null;
  readonly executed: string | null;
  /** From this invocation's run, else null ("earlier run"). */
  readonly status: NotebookRun['status'] | null;
  readonly seconds: number | null;
  /** Figure stems (`tour-time-breakdown`), each with a `.png` and usually an `.svg`. */
  readonly figures: readonly IndexFigure[];
}

/** One figure: paths relative to the index page. */
export interface IndexFigure {
  readonly stem: string;
  readonly png: string;
  readonly svg: string | null;
}

/** The page's content, before rendering (what tests check). */
export interface IndexContent {
  readonly notebooks: readonly IndexNotebook[];
  /** Figures no listed notebook claims (e.g. written by `show()` from a script). */
  readonly otherFigures: readonly IndexFigure[];
}

/** Collect what `<outBase>/index.html` lists (pure apart from reading the folders). */
export function indexContent(outBase: string, runs: readonly NotebookRun[] = []): IndexContent {
  const nbDir = join(outBase, 'notebooks');
  const figDir = join(outBase, 'figures');
  const rel = (p: string) => relative(outBase, p).split(sep).join('/');
  const names = new Set<string>(runs.map((r) => r.name));
  if (existsSync(nbDir)) {
    for (const f of readdirSync(nbDir)) if (f.endsWith('.html') || f.endsWith('.ipynb')) names.add(f.replace(/\.(html|ipynb)$/, ''));
  }
  const pngs = existsSync(figDir) ? readdirSync(figDir).filter((f) => f.endsWith('.png')).sort() : [];
  const figure = (png: string): IndexFigure => {
    const stem = png.replace(/\.png$/, '');
    const svg = join(figDir, `${stem}.svg`);
    return { stem, png: rel(join(figDir, png)), svg: existsSync(svg) ? rel(svg) : null };
  };
  const byLength = [...names].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const claimed = new Map<string, IndexFigure[]>();
  const other: IndexFigure[] = [];
  for (const png of pngs) {
    const owner = byLength.find((n) => png.startsWith(`${n}-`));
    if (owner === undefined) other.push(figure(png));
    else claimed.set(owner, [...(claimed.get(owner) ?? []), figure(png)]);
  }
  const notebooks = [...names].sort().map((name): IndexNotebook => {
    const run = runs.find((r) => r.name === name);
    const html = join(nbDir, `${name}.html`);
    const executed = join(nbDir, `${name}.ipynb`);
    return {
      name,
      html: existsSync(html) ? rel(html) : null,
      executed: existsSync(executed) ? rel(executed) : null,
      status: run?.status ?? null,
      seconds: run?.seconds ?? null,
      figures: claimed.get(name) ?? [],
    };
  });
  return { notebooks, otherFigures: other };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function statusText(n: IndexNotebook): string {
  if (n.status === null) return 'earlier run';
  if (n.status === 'passed') return `ok, ${n.seconds!.toFixed(1)} s`;
  return `${n.status === 'failed' ? 'FAILED' : 'ERROR'}, ${n.seconds!.toFixed(1)} s`;
}

function figureHtml(f: IndexFigure): string {
  const svg = f.svg ? ` · <a href="${esc(f.svg)}">SVG</a>` : '';
  return `<figure><a href="${esc(f.png)}"><img src="${esc(f.png)}" alt="${esc(f.stem)}" loading="lazy"></a><figcaption>${esc(f.stem)}: <a href="${esc(f.png)}">PNG</a>${svg}</figcaption></figure>`;
}

/** Render the page. `generated` is shown as the time of writing. */
export function renderIndexPage(content: IndexContent, generated: Date = new Date()): string {
  const rows = content.notebooks.map((n) => {
    const name = n.html ? `<a href="${esc(n.html)}">${esc(n.name)}</a>` : esc(n.name);
    const executed = n.executed ? `<a href="${esc(n.executed)}">.ipynb</a>` : '—';
    const bad = n.status === 'failed' || n.status === 'error' ? ' class="bad"' : '';
    return `<tr${bad}><td>${name}</td><td>${esc(statusText(n))}</td><td>${n.figures.length}</td><td>${executed}</td></tr>`;
  });
  const sections = content.notebooks
    .filter((n) => n.figures.length > 0)
    .map((n) => `<section><h3>${n.html ? `<a href="${esc(n.html)}">${esc(n.name)}</a>` : esc(n.name)}</h3><div class="figs">${n.figures.map(figureHtml).join('')}</div></section>`);
  if (content.otherFigures.length > 0) sections.push(`<section><h3>other figures</h3><div class="figs">${content.otherFigures.map(figureHtml).join('')}</div></section>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>gmemlab results</title>
<style>
body { font-family: 'DejaVu Sans', sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } td, th { border-bottom: 1px solid #ddd; padding: 0.3em 1em 0.3em 0; text-align: left; }
tr.bad td { color: #b00; }
.figs { display: flex; flex-wrap: wrap; gap: 1em; }
figure { margin: 0; width: 320px; } figure img { width: 320px; border: 1px solid #eee; } figcaption { font-size: 0.8em; }
</style></head>
<body>
<h1>gmemlab results</h1>
<p>Executed notebooks and their figures, written by <code>npm start</code> (gmemlab ${esc(VERSION)}, ${esc(generated.toISOString())}).</p>
<h2>Notebooks</h2>
<table><thead><tr><th>notebook (HTML export)</th><th>this run</th><th>figures</th><th>executed copy</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
<h2>Figures</h2>
${sections.join('\n') || '<p>No figures.</p>'}
</body></html>
`;
}

/** Write `<outBase>/index.html` atomically; returns its path. */
export function writeIndexPage(outBase: string, runs: readonly NotebookRun[] = [], generated: Date = new Date()): string {
  const path = join(outBase, 'index.html');
  writeFileAtomic(path, renderIndexPage(indexContent(outBase, runs), generated));
  return path;
}
