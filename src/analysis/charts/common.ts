import type { TopLevelSpec } from 'vega-lite';
import { runsTable } from '../tables';
import type { RunLike } from '../flatten';
import { roundSig } from '../format';
import { isColumnTable, rowsOf, type TableInput } from '../table-input';
import { deltaE } from './colour';

/** The vega-lite schema every builder declares (vega-lite 5; v6 crashes under tslab). */
export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export type { TopLevelSpec };

/** Options every chart builder takes. Sizes are pixels of one panel (per facet cell when faceted). */
export interface ChartOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
}

/** A row of embedded chart data. */
export type Datum = Record<string, string | number | boolean | null>;

/**
 * A column name as a vega-lite field reference: dots and brackets are escaped, since vega-lite reads
 * `params.prefetch` as the nested path params → prefetch, while result tables use flat dotted names.
 */
export function fieldRef(column: string): string {
  return column.replace(/([\\.[\]])/g, '\\$1');
}

/** Rows of a chart input: a table, plain rows, or run results (flattened with `runsTable`). */
export function chartRows(input: TableInput | readonly RunLike[]): readonly Readonly<Record<string, unknown>>[] {
  if (!isColumnTable(input) && input.length > 0 && isRunLike(input[0])) return runsTable(input as readonly RunLike[]).objects() as Record<string, unknown>[];
  return rowsOf(input as TableInput);
}

function isRunLike(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return ('summary' in o && typeof o.summary === 'object') || (typeof o.params === 'object' && o.params !== null && 'specHash' in o);
}

/** A display unit: values are divided by `divisor` and the axis says `unit`. */
export interface DisplayUnit {
  readonly unit: string;
  readonly divisor: number;
}

/** The largest time unit in which `maxNs` is ≥ 1 (ns, µs, ms, s). */
export function timeUnitFor(maxNs: number): DisplayUnit {
  if (maxNs >= 1e9) return { unit: 's', divisor: 1e9 };
  if (maxNs >= 1e6) return { unit: 'ms', divisor: 1e6 };
  if (maxNs >= 1e3) return { unit: 'µs', divisor: 1e3 };
  return { unit: 'ns', divisor: 1 };
}

/** The largest binary byte unit in which `maxBytes` is ≥ 1 (B, KiB, MiB, GiB, TiB). */
export function bytesUnitFor(maxBytes: number): DisplayUnit {
  const units: [string, number][] = [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]];
  for (const [unit, divisor] of units) if (maxBytes >= divisor) return { unit, divisor };
  return { unit: 'B', divisor: 1 };
}

/** Display unit of a result column from its name (`…Ns` → time, `…Bytes`/`bytes…` → bytes, else none). */
export function unitForColumn(column: string, values: readonly number[]): DisplayUnit | undefined {
  const base = column.slice(column.lastIndexOf('.') + 1);
  const max = Math.max(0, ...values.filter(Number.isFinite).map(Math.abs));
  if (/Ns$/.test(base)) return timeUnitFor(max);
  if (/Bytes$/.test(base) || /^bytes/.test(base)) return bytesUnitFor(max);
  return undefined;
}

/** Scale `x` by a display unit and round to 6 significant digits (stable specs); non-numbers → null. */
export function scaled(x: unknown, u: DisplayUnit | undefined): number | null {
  if (typeof x !== 'number' || !Number.isFinite(x)) return null;
  return roundSig(u ? x / u.divisor : x);
}

/** True when the positive values span at least `decades` powers of ten (then a log scale reads better). */
export function spansDecades(values: readonly (number | null)[], decades = 2): boolean {
  const pos = values.filter((v): v is number => typeof v === 'number' && v > 0 && Number.isFinite(v));
  if (pos.length < 2) return false;
  return Math.log10(Math.max(...pos) / Math.min(...pos)) >= decades;
}

/** Resolve a `log` option: `true`/`false` as given, `'auto'` (default) = log when values span 2 decades. */
export function useLog(values: readonly (number | null)[], opt: boolean | 'auto' | undefined): boolean {
  return opt === undefined || opt === 'auto' ? spansDecades(values) : opt;
}

/**
 * Colours of the system presets (Tableau 10 hues), fixed so a system looks the same in every chart.
 * gmem-paper is orange, not Tableau's cyan: next to gmem-linux's blue, cyan read as a second blue (issue 16).
 */
export const SYSTEM_COLORS: Readonly<Record<string, string>> = {
  'gmem-linux': '#1f77b4',
  'gmem-paper': '#ff7f0e',
  uvm: '#2ca02c',
  'hmm-svm': '#d62728',
  'explicit-copy': '#7f7f7f',
  'gpuvm-sparse': '#9467bd',
  'iommu-dma': '#8c564b',
};

/**
 * Colours for everything else (variants such as `uvm:prefetch=none`, profiles, figures): the remaining
 * Tableau 10 hues and the saturated Tableau 20b/20c shades — no pastels, which faded into each other
 * (issue 16). `colorScale` also skips a colour too close to one already used in the same chart.
 */
export const EXTRA_COLORS: readonly string[] = [
  '#17becf', '#bcbd22', '#e377c2', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d',
  '#31a354', '#756bb1', '#636363', '#fd8d3c', '#6baed6', '#74c476', '#9e9ac8', '#bd9e39', '#ad494a', '#a55194',
];

/**
 * Least CIEDE2000 difference between two series colours of one chart: the readability check's limit, which
 * the preset colours meet (closest pair: hmm-svm red and iommu-dma brown, 16).
 */
export const MIN_SERIES_DELTA_E = 15;
/** The difference `colorScale` aims for when choosing extra colours (thin lines need more than the minimum). */
export const PREFERRED_SERIES_DELTA_E = 25;

/** FNV-1a 32-bit hash of a string (colour choice must not depend on anything but the name). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Deterministic colour scale for a set of names (systems, or any category): presets get their fixed colour;
 * other names a colour chosen by a hash of the name from `EXTRA_COLORS`, moving to the next free colour only
 * when two names of the same chart collide (resolved in sorted name order). The domain is sorted, so legends
 * list the same names in the same order everywhere.
 */
export function colorScale(names: Iterable<string>): { domain: string[]; range: string[] } {
  const domain = [...new Set(names)].sort();
  const used = new Set<string>();
  const colors = new Map<string, string>();
  for (const n of domain) {
    const c = SYSTEM_COLORS[n];
    if (c) {
      colors.set(n, c);
      used.add(c);
    }
  }
  const far = (c: string, min: number): boolean => [...used].every((u) => deltaE(u, c) >= min);
  for (const n of domain) {
    if (colors.has(n)) continue;
    const start = fnv1a(n) % EXTRA_COLORS.length;
    const order = EXTRA_COLORS.map((_, k) => EXTRA_COLORS[(start + k) % EXTRA_COLORS.length]!);
    // first choice: unused and clearly different from every colour taken; then merely distinguishable; then any
    // unused; else the hash's
    const c = order.find((x) => !used.has(x) && far(x, PREFERRED_SERIES_DELTA_E)) ?? order.find((x) => !used.has(x) && far(x, MIN_SERIES_DELTA_E))
      ?? order.find((x) => !used.has(x)) ?? order[0]!;
    colors.set(n, c);
    used.add(c);
  }
  return { domain, range: domain.map((n) => colors.get(n)!) };
}

/** Human labels of well-known result columns (axis titles add the unit). */
const LABELS: Readonly<Record<string, string>> = {
  simTimeNs: 'simulated time',
  slowdown: 'slowdown',
  oversub: 'oversubscription',
  deviceFaults: 'device faults',
  cpuFaults: 'CPU faults',
  bytesH2D: 'bytes host→device',
  bytesD2H: 'bytes device→host',
  migrationsH2D: 'migrations host→device',
  migrationsD2H: 'migrations device→host',
  evictions: 'evictions',
  mapOps: 'map operations',
  unmapOps: 'unmap operations',
  tlbInvalidations: 'TLB invalidations',
  residentBytes: 'device-resident memory',
  capacityBytes: 'device capacity',
  footprintBytes: 'footprint',
  tNs: 'simulated time',
  system: 'system',
  profile: 'profile',
};

/** Display label of a column: a known label, `scale.x` → `x (× profile value)`, else the name itself. */
export function labelOf(column: string): string {
  if (LABELS[column]) return LABELS[column]!;
  if (column.startsWith('scale.')) return `${column.slice(6)} (× profile value)`;
  if (column.startsWith('set.')) return column.slice(4);
  if (column.startsWith('params.')) return column.slice(7);
  return column;
}

/** `label (unit)` or just `label`. */
export function titled(label: string, unit: string | undefined): string {
  return unit ? `${label} (${unit})` : label;
}

/** Distinct non-null values of a column, in first-seen order. */
export function distinct(rows: readonly Readonly<Record<string, unknown>>[], column: string): unknown[] {
  const seen = new Set<unknown>();
  for (const r of rows) {
    const v = r[column];
    if (v !== undefined && v !== null) seen.add(v);
  }
  return [...seen];
}

/** A cell as a chart datum value (objects become JSON text; undefined → null). */
export function cell(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** Throw when the chart would draw two rows in one place (the caller must facet, filter or aggregate). */
export function requireUnique(rows: readonly Readonly<Record<string, unknown>>[], keys: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((c) => r[c] ?? null));
    if (seen.has(k)) {
      throw new Error(`${what}: more than one row for ${keys.map((c) => `${c}=${JSON.stringify(r[c] ?? null)}`).join(', ')}; facet by the column that differs (options column/row), or filter or aggregate the table first`);
    }
    seen.add(k);
  }
}

/** Finish a spec: schema, title, and common config (readable fonts, no chart border). */
export function finish(spec: Record<string, unknown>, title: string, opts: ChartOptions): TopLevelSpec {
  return {
    $schema: VL_SCHEMA,
    title: opts.title ?? title,
    ...spec,
    // label limits 0 = never cut a label with "…" (issue 16); the readability check bounds the size instead
    config: { view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0, titleLimit: 0 }, header: { labelLimit: 0 } },
  } as unknown as TopLevelSpec;
}

/**
 * Zoom and pan for a chart layer (drag to pan, wheel to zoom, double-click to reset) — vega-lite's interval
 * selection bound to the scales. Interactive views only (classic UI, HTML exports, JupyterLab); the PNG shows
 * the full range. `encodings` limits it to one axis (e.g. time on x).
 */
export function zoomParams(encodings: readonly ('x' | 'y')[] = ['x', 'y']): Record<string, unknown>[] {
  return [{ name: 'zoom', select: { type: 'interval', encodings: [...encodings] }, bind: 'scales' }];
}

/** A legend that draws line segments (with their dash pattern), not dots: for `strokeDash` encodings. */
export const STROKE_LEGEND = {
  symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300, symbolStrokeColor: '#444444',
  // vega-lite leaves the stroke of a strokeDash legend's symbols unset (invisible): set it explicitly
  encode: { symbols: { update: { stroke: { value: '#444444' }, fill: { value: 'transparent' } } } },
} as const;

/** Union of the keys of plain rows, first-seen order. */
export function columnsOfRows(rows: readonly Readonly<Record<string, unknown>>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
