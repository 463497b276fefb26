import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';

/**
 * Offline chart rendering (phase 7 of docs/architecture.md): vega-lite spec → vega spec (vega-lite `compile`) →
 * SVG (a headless vega `View`, `toSVG()`) → PNG (resvg). No browser, no network, no canvas package.
 *
 * Determinism: text is drawn with the DejaVu fonts of Debian's `fonts-dejavu-core` only (system fonts are
 * not loaded), so the same spec gives the same pixels on every machine with that package.
 */

/** MIME type of a vega-lite v5 spec in a Jupyter display bundle (JupyterLab and VS Code render it). */
export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

/** Folder of Debian's fonts-dejavu-core. */
export const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
/** Font files loaded into resvg (all shipped by fonts-dejavu-core). */
export const FONT_FILES: readonly string[] = [
  'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf', 'DejaVuSansMono-Bold.ttf', 'DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf',
].map((f) => join(FONT_DIR, f));
/** The font family charts use (vega-lite `config.font` default). */
export const CHART_FONT = 'DejaVu Sans';

/** Default PNG pixel density (device pixels per CSS pixel): 2 keeps charts sharp on high-DPI screens. */
export const DEFAULT_PNG_SCALE = 2;
/** Default size limit (UTF-8 bytes) above which the SVG is left out of a display bundle. */
export const DEFAULT_MAX_SVG_BYTES = 200_000;

/** Options of `renderChart`. */
export interface RenderOptions {
  /** PNG device pixels per CSS pixel (default `DEFAULT_PNG_SCALE`). */
  readonly scale?: number;
  /** Base folder for relative data URLs in the spec (default: the current folder). */
  readonly baseURL?: string;
}

/** A rendered chart. */
export interface RenderedChart {
  /** The vega-lite spec as given. */
  readonly spec: TopLevelSpec;
  /** SVG text; its width and height are CSS pixels. */
  readonly svg: string;
  /** PNG bytes at `scale` device pixels per CSS pixel. */
  readonly png: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly scale: number;
  /** Warnings vega-lite and vega reported while compiling and rendering (e.g. a field not in the data). */
  readonly warnings: readonly string[];
}

/** What vega logs when a headless view meets an event stream on `window` (interaction bindings). */
const HEADLESS_WINDOW_WARNING = 'Can not resolve event source: window';

/** Collects vega/vega-lite log output instead of letting it reach the console. */
function collectingLogger(warnings: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...args: readonly unknown[]) => {
      warnings.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn: (...args: readonly unknown[]) => {
      const text = args.map(String).join(' ');
      // a headless view has no browser window: zoom/pan bindings (charts/common.ts zoomParams) listen on it only
      // in interactive views, so this is expected here, not a chart problem
      if (text !== HEADLESS_WINDOW_WARNING) warnings.push(text);
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger as unknown as vega.LoggerInterface;
}

/** Compile a vega-lite spec to a vega spec with gmemlab's chart defaults (spec `config` wins). */
export function compileSpec(spec: TopLevelSpec, warnings: string[] = []): vega.Spec {
  const logger = collectingLogger(warnings);
  return vl.compile(spec, { config: { font: CHART_FONT }, logger: logger as never }).spec as vega.Spec;
}

/** Render a vega spec to SVG text with a headless view. */
export async function vegaToSvg(vgSpec: vega.Spec, opts: { baseURL?: string; warnings?: string[] } = {}): Promise<string> {
  const warnings = opts.warnings ?? [];
  const view = new vega.View(vega.parse(vgSpec), {
    renderer: 'none',
    loader: vega.loader({ baseURL: opts.baseURL ?? process.cwd(), mode: 'file' }),
    logger: collectingLogger(warnings),
    logLevel: vega.Warn,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Width and height (CSS px) from an SVG root element. */
export function svgSize(svg: string): { widthPx: number; heightPx: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const w = /\swidth="([\d.]+)"/.exec(root);
  const h = /\sheight="([\d.]+)"/.exec(root);
  if (!w || !h) throw new Error('SVG root has no numeric width/height');
  return { widthPx: Number(w[1]), heightPx: Number(h[1]) };
}

/** Rasterise SVG to PNG with the bundled DejaVu fonts only. Throws when the fonts are missing. */
export function svgToPng(svg: string, scale: number = DEFAULT_PNG_SCALE): Uint8Array {
  const missing = FONT_FILES.filter((f) => !existsSync(f));
  if (missing.length === FONT_FILES.length) {
    throw new Error(`chart fonts not found in ${FONT_DIR}; install the Debian package fonts-dejavu-core`);
  }
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES.filter((f) => existsSync(f)),
      defaultFontFamily: CHART_FONT,
      sansSerifFamily: CHART_FONT,
      serifFamily: 'DejaVu Serif',
      monospaceFamily: 'DejaVu Sans Mono',
    },
    logLevel: 'off',
  });
  return r.render().asPng();
}

/** Render a vega-lite spec to SVG and PNG. */
export async function renderChart(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<RenderedChart> {
  const scale = opts.scale ?? DEFAULT_PNG_SCALE;
  if (!(scale > 0 && scale <= 8)) throw new RangeError(`scale must be in (0, 8], got ${scale}`);
  const warnings: string[] = [];
  const vgSpec = compileSpec(spec, warnings);
  const svg = await vegaToSvg(vgSpec, { ...(opts.baseURL !== undefined ? { baseURL: opts.baseURL } : {}), warnings });
  const { widthPx, heightPx } = svgSize(svg);
  const png = svgToPng(svg, scale);
  return { spec, svg, png, widthPx, heightPx, scale, warnings };
}

/** A Jupyter display bundle (`display_data` content without the transient part). */
export interface DisplayBundle {
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Short text describing a chart, used as the bundle's `text/plain` fallback. */
export function chartText(chart: RenderedChart): string {
  const s = chart.spec as { title?: unknown; description?: unknown };
  const title = typeof s.title === 'string' ? s.title : typeof (s.title as { text?: unknown })?.text === 'string' ? (s.title as { text: string }).text : s.description;
  const what = typeof title === 'string' && title ? `: ${title}` : '';
  return `<vega-lite chart${what} (${Math.round(chart.widthPx)}×${Math.round(chart.heightPx)} px)>`;
}

/**
 * The ONE display bundle for a chart: the vega-lite spec (JupyterLab, VS Code), a PNG (classic Jupyter,
 * nbconvert HTML — Debian's nbconvert drops SVG), the SVG when at most `maxSvgBytes` (sharp in classic
 * Jupyter), and a text fallback. PNG metadata gives its CSS size, so a 2× PNG is not shown twice as large.
 */
export function chartBundle(chart: RenderedChart, maxSvgBytes: number = DEFAULT_MAX_SVG_BYTES): DisplayBundle {
  const data: Record<string, unknown> = {
    [VEGALITE_MIME]: chart.spec,
    'image/png': Buffer.from(chart.png).toString('base64'),
  };
  if (Buffer.byteLength(chart.svg) <= maxSvgBytes) data['image/svg+xml'] = chart.svg;
  data['text/plain'] = chartText(chart);
  const size = { width: Math.round(chart.widthPx), height: Math.round(chart.heightPx) };
  return { data, metadata: { 'image/png': size } };
}

/** Throw unless `stem` is a safe figure file stem (letters, digits, `.`, `_`, `-`; not starting with `.`). */
export function checkFigureName(stem: string): void {
  if (!/^[\w-][\w.-]*$/.test(stem)) throw new Error(`figure name must use letters, digits, '.', '_' or '-': ${JSON.stringify(stem)}`);
}

/** Write `<dir>/<stem>.png` and `.svg` atomically; returns both paths. */
export function saveChart(chart: RenderedChart, dir: string, stem: string): { png: string; svg: string } {
  checkFigureName(stem);
  mkdirSync(dir, { recursive: true });
  const png = join(dir, `${stem}.png`);
  const svg = join(dir, `${stem}.svg`);
  writeFileAtomic(png, chart.png);
  writeFileAtomic(svg, chart.svg);
  return { png, svg };
}
