import { VEGALITE_MIME } from '../analysis/render';
import { chartHtml, inlineVegaScripts } from '../display/vega-embed';
import type { Notebook, NotebookOutput } from './notebook-json';

/**
 * Interactive charts in the HTML exports (`npm start`), offline. nbconvert knows nothing of the vega-lite
 * MIME type, so before exporting, the runner gives every chart output a `text/html` form (the PNG as
 * fallback, the spec, and a script that draws it with vega-embed; src/display/vega-embed.ts) in a copy of
 * the executed notebook — the executed `.ipynb` itself keeps the plain bundle, so JupyterLab and VS Code
 * still draw the spec natively. After the export, the libraries are inlined once into the page head.
 */

/** Marker in an export whose libraries are inlined (so a second pass changes nothing). */
export const VEGA_INLINED_MARK = '<!-- gmemlab: vega, vega-lite, vega-embed inlined -->';

function pngSize(o: NotebookOutput): { width: number; height: number } {
  const md = (o.metadata?.['image/png'] ?? {}) as { width?: unknown; height?: unknown };
  return { width: typeof md.width === 'number' ? md.width : 640, height: typeof md.height === 'number' ? md.height : 400 };
}

/**
 * A copy of `nb` in which every display output carrying a vega-lite spec and a PNG also carries the
 * interactive `text/html` form. Returns the copy and the number of charts changed. Pure.
 */
export function withInteractiveCharts(nb: Notebook, idPrefix = 'gmemlab-chart'): { notebook: Notebook; charts: number } {
  let charts = 0;
  const cells = nb.cells.map((cell) => {
    if (!cell.outputs) return cell;
    const outputs = cell.outputs.map((o): NotebookOutput => {
      const data = o.data;
      if (!data || data[VEGALITE_MIME] === undefined || typeof data['image/png'] !== 'string' || data['text/html'] !== undefined) return o;
      charts++;
      const text = typeof data['text/plain'] === 'string' ? data['text/plain'] : Array.isArray(data['text/plain']) ? (data['text/plain'] as string[]).join('') : 'chart';
      const html = chartHtml(data[VEGALITE_MIME], (data['image/png'] as string).trim(), pngSize(o), `${idPrefix}-${charts}`, text);
      return { ...o, data: { ...data, 'text/html': html } };
    });
    return { ...cell, outputs };
  });
  return { notebook: { ...nb, cells }, charts };
}

/** Insert the vega libraries before `</head>` (once). Pages without charts are returned unchanged. */
export function injectVegaLibs(html: string, root?: string): string {
  if (html.includes(VEGA_INLINED_MARK) || !html.includes('gmemlab-chart-spec')) return html;
  const at = html.search(/<\/head>/i);
  const scripts = `${VEGA_INLINED_MARK}\n${inlineVegaScripts(root)}\n`;
  return at < 0 ? scripts + html : html.slice(0, at) + scripts + html.slice(at);
}
