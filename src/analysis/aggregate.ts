import type { ColumnTable } from 'arquero';
import { requireColumns, rowsOf, tableFromRows, type FlatRow, type TableInput } from './table-input';
import { maxOf, minOf } from '../extremes';

/** Statistics `aggregateRuns` can compute. `stdev` is the sample standard deviation (n − 1; null for n < 2). */
export type Stat = 'count' | 'mean' | 'median' | 'min' | 'max' | 'stdev' | 'sum';

/** Options of `aggregateRuns`. */
export interface AggregateOptions {
  /** Grouping columns, e.g. `['system', 'oversub']` (groups appear in order of first occurrence). */
  readonly by: readonly string[];
  /** Numeric columns to summarise, e.g. `['simTimeNs', 'deviceFaults']`. */
  readonly values: readonly string[];
  /** Default `['mean', 'min', 'max', 'count']`. */
  readonly stats?: readonly Stat[];
}

/**
 * Group runs (e.g. several seeds of one configuration) and summarise numeric columns: one row per group with
 * the `by` columns, then `<value>_<stat>` for each value and stat (`count` once, as `count`). Non-numeric and
 * null cells are ignored (count counts rows). Pure; deterministic order.
 */
export function aggregateRuns(input: TableInput, opts: AggregateOptions): ColumnTable {
  requireColumns(input, [...opts.by, ...opts.values], 'aggregateRuns');
  const stats = opts.stats ?? ['mean', 'min', 'max', 'count'];
  const groups = new Map<string, Readonly<Record<string, unknown>>[]>();
  for (const r of rowsOf(input)) {
    const key = JSON.stringify(opts.by.map((c) => r[c] ?? null));
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const names = [...opts.by];
  if (stats.includes('count')) names.push('count');
  for (const v of opts.values) for (const s of stats) if (s !== 'count') names.push(`${v}_${s}`);
  const out: FlatRow[] = [];
  for (const rows of groups.values()) {
    const row: FlatRow = {};
    for (const c of opts.by) row[c] = (rows[0]![c] ?? null) as FlatRow[string];
    if (stats.includes('count')) row.count = rows.length;
    for (const v of opts.values) {
      const xs = rows.map((r) => r[v]).filter((x): x is number => typeof x === 'number' && !Number.isNaN(x));
      for (const s of stats) if (s !== 'count') row[`${v}_${s}`] = stat(xs, s);
    }
    out.push(row);
  }
  return tableFromRows(out, names);
}

function stat(xs: readonly number[], s: Exclude<Stat, 'count'>): number | null {
  if (xs.length === 0) return null;
  switch (s) {
    case 'sum':
      return xs.reduce((a, b) => a + b, 0);
    case 'mean':
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'min':
      return minOf(xs);
    case 'max':
      return maxOf(xs);
    case 'median': {
      const a = [...xs].sort((p, q) => p - q);
      const m = a.length >> 1;
      return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
    }
    case 'stdev': {
      if (xs.length < 2) return null;
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    }
  }
}
