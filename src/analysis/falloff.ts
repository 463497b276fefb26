import { statusOf } from './flatten';
import type { ColumnTable } from 'arquero';
import { requireColumns, rowsOf, tableFromRows, type Cell, type FlatRow, type TableInput } from './table-input';
import { minOf } from '../extremes';

/** Options of `falloffTable`. */
export interface FalloffOptions {
  /** The response must exceed this to count as fallen off (default 2: slowdown above 2×). */
  readonly threshold?: number;
  /** The swept column (default `oversub`); rows with a non-numeric value here are ignored. */
  readonly x?: string;
  /** The response column (default `slowdown`, as added by `slowdown()`). */
  readonly y?: string;
  /**
   * One curve per combination of these columns (default: those of `trace`, `system`, `profile`, `seed`
   * present in the table). Groups appear in order of first occurrence.
   */
  readonly by?: readonly string[];
}

/**
 * Where each curve of a sweep falls off: for every group (e.g. system × profile of an oversubscription
 * sweep), the first swept value at which the response exceeds a threshold — "the first oversubscription
 * ratio at which the slowdown exceeds 2×".
 *
 * One row per group, columns: the `by` columns, then
 * - `points`: rows of the group with a numeric x and y;
 * - `firstX`: the smallest x whose y is strictly above `threshold`, or `null` when no point is (the curve
 *   never falls off within the swept range);
 * - `yAtFirst`: y at `firstX` (null with it);
 * - `crossingX`: where the straight line between the last point at or below the threshold before `firstX`
 *   and `firstX` crosses the threshold (an estimate between sweep points; equals `firstX` when the first
 *   point is already above; null when there is no `firstX`);
 * - `maxX`, `yAtMaxX`: the largest x swept with a y (to read "stays below 2× up to 300 %");
 * - `firstFailedX`: the smallest x whose run did not finish ok (status `oom`/`error`, `statusOf`; such runs have
 *   no comparable y and are not points), or null — "never above 2×" means nothing past a failed run.
 * Points are ordered by x inside a group; a repeated x is an error (facet or filter first). Pure.
 */
export function falloffTable(input: TableInput, opts: FalloffOptions = {}): ColumnTable {
  const x = opts.x ?? 'oversub';
  const y = opts.y ?? 'slowdown';
  const threshold = opts.threshold ?? 2;
  const rows = rowsOf(input);
  const present = new Set(rows.flatMap((r) => Object.keys(r)));
  const by = opts.by ?? ['trace', 'system', 'profile', 'seed'].filter((c) => present.has(c));
  requireColumns(input, [x, y, ...by], 'falloffTable');
  const groups = new Map<string, Array<Readonly<Record<string, unknown>>>>();
  for (const r of rows) {
    const key = JSON.stringify(by.map((c) => r[c] ?? null));
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: FlatRow[] = [];
  for (const g of groups.values()) {
    const pts = g
      .filter((r) => isNum(r[x]) && isNum(r[y]))
      .map((r) => ({ x: r[x] as number, y: r[y] as number }))
      .sort((a, b) => a.x - b.x);
    for (let i = 1; i < pts.length; i++) {
      if (pts[i]!.x === pts[i - 1]!.x) {
        throw new Error(`falloffTable: two rows at ${x} = ${pts[i]!.x} in group ${by.map((c) => `${c}=${String(g[0]![c])}`).join(', ')}; add the column that tells them apart to 'by', or filter`);
      }
    }
    const row: FlatRow = {};
    for (const c of by) row[c] = (g[0]![c] ?? null) as Cell;
    row.points = pts.length;
    const k = pts.findIndex((p) => p.y > threshold);
    if (k < 0) {
      row.firstX = null;
      row.yAtFirst = null;
      row.crossingX = null;
    } else {
      const p = pts[k]!;
      row.firstX = p.x;
      row.yAtFirst = p.y;
      const q = k > 0 ? pts[k - 1]! : undefined;
      row.crossingX = q === undefined || p.y === q.y ? p.x : q.x + ((threshold - q.y) * (p.x - q.x)) / (p.y - q.y);
    }
    const last = pts[pts.length - 1];
    row.maxX = last?.x ?? null;
    row.yAtMaxX = last?.y ?? null;
    const failedX = g.filter((r) => isNum(r[x]) && ('status' in r || 'oomEvents' in r) && statusOf(r) !== 'ok').map((r) => r[x] as number);
    row.firstFailedX = failedX.length ? minOf(failedX) : null;
    out.push(row);
  }
  return tableFromRows(out, [...by, 'points', 'firstX', 'yAtFirst', 'crossingX', 'maxX', 'yAtMaxX', 'firstFailedX']);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
