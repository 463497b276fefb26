import type { ColumnTable } from 'arquero';
import { columnsOf, requireColumns, rowsOf, tableFromRows, type Cell, type TableInput } from './table-input';

type Row = Readonly<Record<string, unknown>>;

/**
 * Which row of a group is the baseline:
 * - a record of column values, e.g. `{ system: 'uvm' }` or `{ system: 'uvm', oversub: null }` (cells match
 *   with `===`; `null` matches null and missing);
 * - a predicate on the row;
 * - `'lowest-oversub'`: the row with the smallest `oversub` (a `null` oversub, capacity from the profile,
 *   counts as the lowest).
 * Each group must contain exactly one baseline row.
 */
export type BaselineSelector = Readonly<Record<string, Cell>> | ((row: Row) => boolean) | 'lowest-oversub';

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
  for (const [key, idx] of groups) {
    const base = pickBaseline(rows, idx, opts.baseline, by, key, opts.missing ?? 'error');
    if (base === undefined) continue;
    const bv = rows[base]![opts.value];
    for (const i of idx) ratios[i] = ratio(rows[i]![opts.value], bv);
  }
  const out = rows.map((r, i) => ({ ...r, [as]: ratios[i] }));
  return tableFromRows(out, names.includes(as) ? names : [...names, as]);
}

/** Options of `slowdown` (all optional; see the defaults on each field). */
export interface SlowdownOptions {
  /** Default `'lowest-oversub'`: each run against the least oversubscribed run of its group. */
  readonly baseline?: BaselineSelector;
  /** Default: `trace`, `system`, `profile`, `seed`, `scale.*`, `set.*` present in the table (minus selector columns). */
  readonly by?: readonly string[];
  /** Default `simTimeNs`. */
  readonly value?: string;
  /** Default `slowdown`. */
  readonly as?: string;
  readonly missing?: 'error' | 'null';
}

/**
 * Slowdown = simulated time of a run / simulated time of its group's baseline run. The default compares each
 * system with itself at the lowest oversubscription of the sweep (same trace, profile, seed and other
 * coordinates): the oversubscription curve. For "every configuration against the same benchmark's
 * no-oversubscription TBN run" (ISCA'19) pass `{ baseline: { system: 'uvm', oversub: null }, by: ['trace', 'profile'] }`.
 */
export function slowdown(input: TableInput, opts: SlowdownOptions = {}): ColumnTable {
  const names = columnsOf(input);
  const by = opts.by ?? [...['trace', 'system', 'profile', 'seed'].filter((c) => names.includes(c)), ...names.filter((c) => c.startsWith('scale.') || c.startsWith('set.'))];
  return ratioToBaseline(input, {
    value: opts.value ?? 'simTimeNs',
    baseline: opts.baseline ?? 'lowest-oversub',
    by,
    as: opts.as ?? 'slowdown',
    missing: opts.missing ?? 'error',
  });
}

/** Default grouping for comparisons across systems (see `BaselineOptions.by`). */
export function defaultContextColumns(names: readonly string[]): string[] {
  const fixed = ['trace', 'profile', 'oversub', 'seed'].filter((c) => names.includes(c));
  const coords = names.filter((c) => c.startsWith('scale.') || /^set\.(device|link|host)\./.test(c));
  return [...fixed, ...coords];
}

function effectiveGroupColumns(by: readonly string[], sel: BaselineSelector): string[] {
  const drop = new Set<string>(sel === 'lowest-oversub' ? ['oversub'] : typeof sel === 'function' ? [] : Object.keys(sel));
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

function pickBaseline(rows: readonly Row[], idx: readonly number[], sel: BaselineSelector, by: readonly string[], key: string, missing: 'error' | 'null'): number | undefined {
  let hits: number[];
  if (sel === 'lowest-oversub') {
    const rank = (i: number): number => (rows[i]!.oversub == null ? -Infinity : Number(rows[i]!.oversub));
    const lowest = Math.min(...idx.map(rank));
    hits = idx.filter((i) => rank(i) === lowest);
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
  if (typeof sel === 'function') return 'predicate';
  return Object.entries(sel).map(([c, v]) => `${c}=${JSON.stringify(v)}`).join(', ');
}

function ratio(v: unknown, base: unknown): number | null {
  const a = typeof v === 'number' ? v : NaN;
  const b = typeof base === 'number' ? base : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}
