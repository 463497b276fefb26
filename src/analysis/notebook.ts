import { basename, extname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { PROJECT_ROOT } from '../version';
import { kernelDisplayWriter } from '../display/kernel-display';
import { chartBundle, checkFigureName, DEFAULT_MAX_SVG_BYTES, renderChart, saveChart } from './render';

/**
 * Notebook display helper: `await show(spec)` renders a vega-lite spec on the server side (render.ts) and
 *
 * - inside a notebook (tslab kernel) emits ONE display output holding the spec
 *   (`application/vnd.vegalite.v5+json`, drawn by JupyterLab and VS Code), a PNG (classic Jupyter, nbconvert
 *   HTML), the SVG when it is small, and a `text/plain` fallback;
 * - writes `<prefix>-<name>.png` and `.svg` to a figures folder when called outside a kernel (CLI, scripts,
 *   tests) or when `GMEMLAB_FIGURES_DIR` is set (the notebook runner sets it, and `GMEMLAB_NOTEBOOK` to the
 *   notebook's name, which becomes the prefix).
 *
 * Chart warnings from vega-lite/vega are printed on stderr: a notebook run treats stderr output as a failure,
 * so a broken chart cannot pass unnoticed.
 */

export interface ShowOptions {
  /** Figure file stem after the prefix (`[A-Za-z0-9_.-]+`); default `fig<N>`, N counting `show` calls. */
  readonly name?: string;
  /** Figure file prefix; default env `GMEMLAB_NOTEBOOK`, else the running script's name. */
  readonly prefix?: string;
  /** Folder for figure files; default env `GMEMLAB_FIGURES_DIR`, else `out/figures` outside a kernel. */
  readonly figuresDir?: string;
  /** PNG device pixels per CSS pixel (default 2). */
  readonly scale?: number;
  /** Leave the SVG out of the notebook output above this many bytes (default 200 000). */
  readonly maxSvgBytes?: number;
}

let shown = 0;

function defaultPrefix(): string {
  const env = process.env.GMEMLAB_NOTEBOOK;
  if (env) return env;
  const script = process.argv[1];
  return script ? basename(script, extname(script)).replace(/[^\w.-]/g, '_') : 'figure';
}

/**
 * Show a vega-lite chart (see the module comment). Resolves when the output is sent and files are written.
 * Returns nothing on purpose: a notebook cell ending in `await show(spec)` then prints nothing extra.
 */
export async function show(spec: TopLevelSpec, opts: ShowOptions = {}): Promise<void> {
  const n = ++shown;
  if (opts.name !== undefined) checkFigureName(opts.name);
  const chart = await renderChart(spec, opts.scale !== undefined ? { scale: opts.scale } : {});
  for (const w of chart.warnings) process.stderr.write(`chart warning: ${w}\n`);
  const write = kernelDisplayWriter();
  if (write) {
    write({ ...chartBundle(chart, opts.maxSvgBytes ?? DEFAULT_MAX_SVG_BYTES), transient: {} }, false);
  }
  const dir = opts.figuresDir ?? process.env.GMEMLAB_FIGURES_DIR ?? (write ? undefined : join(PROJECT_ROOT, 'out', 'figures'));
  if (dir !== undefined) saveChart(chart, dir, `${opts.prefix ?? defaultPrefix()}-${opts.name ?? `fig${n}`}`);
}

/**
 * True when notebooks should run at full scale: `npm start -- --full` sets `GMEMLAB_FULL=1` for the kernels.
 * Notebooks default to scaled-down inputs so `npm start` and `npm test` stay fast; use this to choose
 * the larger input, e.g. `const rows = fullScale() ? 50_000_000 : 1_000_000`.
 */
export function fullScale(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GMEMLAB_FULL === '1' || env.GMEMLAB_FULL === 'true';
}
