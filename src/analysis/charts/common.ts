import type { TopLevelSpec } from 'vega-lite';
import { runsTable } from '../tables';
import type { RunLike } from '../flatten';
import { roundSig } from '../format';
import { isColumnTable, rowsOf, type TableInput } from '../table-input';

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

/** Colours of the system presets (Tableau 10 hues), fixed so a system looks the same in every chart. */
export const SYSTEM_COLORS: Readonly<Record<string, string>> = {
  'gmem-linux': '#1f77b4',
  'gmem-paper': '#17becf',
  uvm: '#2ca02c',
  'hmm-svm': '#d62728',
  'explicit-copy': '#7f7f7f',
  'gpuvm-sparse': '#9467bd',
  'iommu-dma': '#8c564b',
};

/** Colours for everything else (variants such as `uvm:prefetch=none`, profiles, figures): Tableau 20 minus the preset hues. */
export const EXTRA_COLORS: readonly string[] = [
  '#ff7f0e', '#bcbd22', '#e377c2', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2',
  '#dbdb8d', '#9edae5', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354',
];

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
  for (const n of domain) {
    if (colors.has(n)) continue;
    let i = fnv1a(n) % EXTRA_COLORS.length;
    for (let k = 0; k < EXTRA_COLORS.length && used.has(EXTRA_COLORS[i]!); k++) i = (i + 1) % EXTRA_COLORS.length;
    colors.set(n, EXTRA_COLORS[i]!);
    used.add(EXTRA_COLORS[i]!);
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
    config: { view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 } },
  } as unknown as TopLevelSpec;
}

/** Union of the keys of plain rows, first-seen order. */
export function columnsOfRows(rows: readonly Readonly<Record<string, unknown>>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
