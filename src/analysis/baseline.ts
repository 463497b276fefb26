import type { ColumnTable } from 'arquero';
import { columnsOf, requireColumns, rowsOf, tableFromRows, type Cell, type TableInput } from './table-input';
import { statusOf } from './flatten';

type Row = Readonly<Record<string, unknown>>;

/**
 * Which row of a group is the baseline:
 * - a record of column values, e.g. `{ system: 'uvm' }` or `{ system: 'uvm', oversub: null }` (cells match
 *   with `===`; `null` matches null and missing);
 * - a predicate on the row;
 * - `'lowest-oversub'`: the row with the smallest `oversub` (a `null` oversub, capacity from the profile,
 *   counts as the lowest);
 * - `'best-lowest-oversub'`: among the rows at the group's smallest `oversub`, the fastest run whose status is
 *   `ok` (smallest `value`; ties: first row). The one shared baseline of a comparison across systems.
 * Each group must contain exactly one baseline row.
 */
export type BaselineSelector = Readonly<Record<string, Cell>> | ((row: Row) => boolean) | 'lowest-oversub' | 'best-lowest-oversub';

/** Options of `ratioToBaseline`. */
export interface BaselineOptions {
  /** Column compared, e.g. `simTimeNs`, `bytesH2D`. */
  readonly value: string;
  readonly baseline: BaselineSelector;
  /**
   * Grouping columns: each row is compared with the baseline row of its group. Default: the context columns
   * present in the table — `trace`, `profile`, `oversub`, `seed`, every `scale.*` and every profile
   * override `set.device.*`/`set.link.*`/`set.host.*` (not system-parameter overrides, which differ between
   * systems by design). Columns named by a record selector (and `oversub` for `'lowest-oversub'`) are removed
   * from the grouping, since the baseline differs from its group in exactly those.
   */
  readonly by?: readonly string[];
  /** Output column (default `<value>Ratio`); replaced if present. */
  readonly as?: string;
  /** A group without a baseline row: `'error'` (default) throws naming the group; `'null'` gives null ratios. */
  readonly missing?: 'error' | 'null';
  /**
   * Runs whose status is not `ok` (OOM or error events; `statusOf`, src/analysis/flatten.ts): `'null'` (default)
   * gives them a null ratio, and a whole group null when its baseline failed — a failed run's time is not a
   * comparable result; `'keep'` computes their ratios anyway.
   */
  readonly failed?: 'null' | 'keep';
  /** Also add a column of that name holding the baseline row's `system` (e.g. to name it on a chart). */
  readonly baselineColumn?: string;
}

/**
 * Ratio of every row's `value` to the baseline row of its group (`row.value / baseline.value`): e.g. the
 * time of each system relative to `uvm` on the same trace, profile and oversubscription. Returns a new table
 * with the input's columns plus the ratio column (null where the baseline value is 0 or either value is not a
 * finite number). Row order is kept. Pure.
 */
export function ratioToBaseline(input: TableInput, opts: BaselineOptions): ColumnTable {
  const rows = rowsOf(input);
  const names = columnsOf(input);
  const as = opts.as ?? `${opts.value}Ratio`;
  requireColumns(input, [opts.value], 'ratioToBaseline');
  const by = effectiveGroupColumns(opts.by ?? defaultContextColumns(names), opts.baseline);
  requireColumns(input, by, 'ratioToBaseline');
  const groups = groupRows(rows, by);
  const ratios = new Array<number | null>(rows.length).fill(null);
  const bases = new Array<Cell>(rows.length).fill(null);
  const dropFailed = (opts.failed ?? 'null') === 'null';
  const ok = (i: number): boolean => !dropFailed || statusOf(rows[i]!) === 'ok';
  for (const [key, idx] of groups) {
    const base = pickBaseline(rows, idx, opts.baseline, by, key, opts.missing ?? 'error', opts.value);
    if (base === undefined) continue;
    for (const i of idx) bases[i] = (rows[base]!.system ?? null) as Cell;
    if (!ok(base)) continue;
    const bv = rows[base]![opts.value];
    for (const i of idx) ratios[i] = ok(i) ? ratio(rows[i]![opts.value], bv) : null;
  }
  const bc = opts.baselineColumn;
  const out = rows.map((r, i) => (bc === undefined ? { ...r, [as]: ratios[i] } : { ...r, [as]: ratios[i], [bc]: bases[i] }));
  const cols = names.includes(as) ? names : [...names, as];
  return tableFromRows(out, bc === undefined || cols.includes(bc) ? cols : [...cols, bc]);
}

/** How `slowdown` normalises: one baseline for all systems (default) or each system against itself. */
export type SlowdownNormalization = 'shared' | 'per-system';

/** Options of `slowdown` (all optional; see the defaults on each field). */
export interface SlowdownOptions {
  /**
   * `'shared'` (default): every run against ONE baseline per trace/profile/seed/coordinates — the fastest `ok`
   * run at the lowest oversubscription (`'best-lowest-oversub'`), so the gaps between systems stay visible on
   * one scale. `'per-system'`: each system against itself at its lowest oversubscription (the shape of each
   * curve; hides the gaps between systems). Ignored when `baseline` or `by` is given.
   */
  readonly normalize?: SlowdownNormalization;
  /** Default: from `normalize`. */
  readonly baseline?: BaselineSelector;
  /** Default: `trace`, `profile`, `seed`, `scale.*`, `set.*` present in the table, plus `system` for `'per-system'` (minus selector columns). */
  readonly by?: readonly string[];
  /** Default `simTimeNs`. */
  readonly value?: string;
  /** Default `slowdown`. */
  readonly as?: string;
  readonly missing?: 'error' | 'null';
  /** See `BaselineOptions.failed` (default `'null'`: failed runs get no slowdown). */
  readonly failed?: 'null' | 'keep';
}

/**
 * Slowdown = simulated time of a run / simulated time of its group's baseline run, plus a column
 * `<as>Baseline` (default `slowdownBaseline`) naming the baseline's system, for the chart title. The default
 * (`normalize: 'shared'`) divides every system by the same run: the fastest `ok` system at the lowest
 * oversubscription of its trace, profile, seed and other coordinates — so uvm at 40× gmem-linux shows as 40×,
 * not as 1.00×. `normalize: 'per-system'` compares each system with itself at its lowest oversubscription (the
 * curve's shape only). Runs with OOM or error events get null (`failed`). For "every configuration against the
 * same benchmark's no-oversubscription TBN run" (ISCA'19) pass
 * `{ baseline: { system: 'uvm', oversub: null }, by: ['trace', 'profile'] }`.
 */
export function slowdown(input: TableInput, opts: SlowdownOptions = {}): ColumnTable {
  const names = columnsOf(input);
  const perSystem = opts.normalize === 'per-system';
  const context = ['trace', ...(perSystem ? ['system'] : []), 'profile', 'seed'];
  const by = opts.by ?? [...context.filter((c) => names.includes(c)), ...names.filter((c) => c.startsWith('scale.') || (perSystem ? c.startsWith('set.') : /^set\.(device|link|host)\./.test(c)))];
  const as = opts.as ?? 'slowdown';
  return ratioToBaseline(input, {
    value: opts.value ?? 'simTimeNs',
    baseline: opts.baseline ?? (perSystem ? 'lowest-oversub' : 'best-lowest-oversub'),
    by,
    as,
    missing: opts.missing ?? 'error',
    failed: opts.failed ?? 'null',
    baselineColumn: `${as}Baseline`,
  });
}

/** The one-line statement of a slowdown table's baseline, e.g. `slowdown vs gmem-linux at the lowest oversubscription (shared baseline)`. */
export function describeSlowdownBaseline(input: TableInput, opts: Pick<SlowdownOptions, 'normalize' | 'as'> = {}): string {
  if (opts.normalize === 'per-system') return 'slowdown of each system vs itself at its lowest oversubscription (per-system normalisation: gaps between systems not shown)';
  const col = `${opts.as ?? 'slowdown'}Baseline`;
  const names = [...new Set(rowsOf(input).map((r) => r[col]).filter((v) => v !== null && v !== undefined).map(String))];
  return `slowdown vs ${names.length ? names.join(' / ') : 'the fastest ok system'} at the lowest oversubscription (one shared baseline for all systems)`;
}

/** Default grouping for comparisons across systems (see `BaselineOptions.by`). */
export function defaultContextColumns(names: readonly string[]): string[] {
  const fixed = ['trace', 'profile', 'oversub', 'seed'].filter((c) => names.includes(c));
  const coords = names.filter((c) => c.startsWith('scale.') || /^set\.(device|link|host)\./.test(c));
  return [...fixed, ...coords];
}

function effectiveGroupColumns(by: readonly string[], sel: BaselineSelector): string[] {
  const drop = new Set<string>(sel === 'lowest-oversub' || sel === 'best-lowest-oversub' ? ['oversub'] : typeof sel === 'function' ? [] : Object.keys(sel));
  return by.filter((c) => !drop.has(c));
}

function groupRows(rows: readonly Row[], by: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = JSON.stringify(by.map((c) => r[c] ?? null));
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  return groups;
}

function pickBaseline(rows: readonly Row[], idx: readonly number[], sel: BaselineSelector, by: readonly string[], key: string, missing: 'error' | 'null', value: string): number | undefined {
  let hits: number[];
  if (sel === 'lowest-oversub' || sel === 'best-lowest-oversub') {
    const rank = (i: number): number => (rows[i]!.oversub == null ? -Infinity : Number(rows[i]!.oversub));
    const lowest = Math.min(...idx.map(rank));
    hits = idx.filter((i) => rank(i) === lowest);
    if (sel === 'best-lowest-oversub') {
      const v = (i: number): number => (typeof rows[i]![value] === 'number' ? (rows[i]![value] as number) : NaN);
      const okRows = hits.filter((i) => statusOf(rows[i]!) === 'ok' && Number.isFinite(v(i)));
      hits = okRows.length === 0 ? [] : [okRows.reduce((a, b) => (v(b) < v(a) ? b : a))];
    }
  } else if (typeof sel === 'function') hits = idx.filter((i) => sel(rows[i]!));
  else hits = idx.filter((i) => Object.entries(sel).every(([c, v]) => (rows[i]![c] ?? null) === v));
  const where = by.length ? `group ${describeGroup(by, key)}` : 'the table';
  if (hits.length > 1) throw new Error(`baseline: ${hits.length} baseline rows (${describeSelector(sel)}) in ${where}; add the column that tells them apart to 'by' or narrow the selector`);
  if (hits.length === 0) {
    if (missing === 'null') return undefined;
    throw new Error(`baseline: no baseline row (${describeSelector(sel)}) in ${where}; run the baseline for that group or pass missing: 'null'`);
  }
  return hits[0];
}

function describeGroup(by: readonly string[], key: string): string {
  const vals = JSON.parse(key) as unknown[];
  return by.map((c, i) => `${c}=${JSON.stringify(vals[i])}`).join(', ');
}

function describeSelector(sel: BaselineSelector): string {
  if (sel === 'lowest-oversub') return 'lowest oversub';
  if (sel === 'best-lowest-oversub') return 'fastest ok run at the lowest oversub';
  if (typeof sel === 'function') return 'predicate';
  return Object.entries(sel).map(([c, v]) => `${c}=${JSON.stringify(v)}`).join(', ');
}

function ratio(v: unknown, base: unknown): number | null {
  const a = typeof v === 'number' ? v : NaN;
  const b = typeof base === 'number' ? base : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}
