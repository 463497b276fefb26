import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

/** One table cell: what result tables and result files hold. `null` = not applicable / not given. */
export type Cell = number | string | boolean | null;

/** One flat row (column name → cell). Column names may contain dots (`params.prefetch`). */
export type FlatRow = Record<string, Cell>;

/**
 * What analysis helpers and chart builders accept: an arquero table or an array of plain row objects (what
 * `table.objects()` returns). Both are read, never modified.
 */
export type TableInput = ColumnTable | readonly Readonly<Record<string, unknown>>[];

/** True for an arquero table (duck-typed: notebooks may hold tables from another arquero copy). */
export function isColumnTable(x: unknown): x is ColumnTable {
  return typeof x === 'object' && x !== null && typeof (x as ColumnTable).objects === 'function' && typeof (x as ColumnTable).columnNames === 'function';
}

/** Rows of a table input as plain objects (a copy for arquero tables; the array itself otherwise). */
export function rowsOf(input: TableInput): readonly Readonly<Record<string, unknown>>[] {
  return isColumnTable(input) ? (input.objects() as Record<string, unknown>[]) : input;
}

/** Column names of a table input: the table's own order, or the union of row keys in first-seen order. */
export function columnsOf(input: TableInput): string[] {
  if (isColumnTable(input)) return input.columnNames();
  const seen = new Set<string>();
  for (const r of input) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/**
 * Build an arquero table from rows with the given column order; a column missing from a row is `null`
 * (or `fill(name)` when given).
 */
export function tableFromRows(rows: readonly Readonly<Record<string, unknown>>[], names: readonly string[], fill?: (name: string) => Cell): ColumnTable {
  const cols: Record<string, unknown[]> = {};
  for (const n of names) {
    const def = fill ? fill(n) : null;
    const a = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i]![n];
      a[i] = v === undefined ? def : v;
    }
    cols[n] = a;
  }
  return aq.table(cols, [...names]);
}

/** Throw a clear error when `input` lacks one of `required` columns (chart builders and helpers call it). */
export function requireColumns(input: TableInput, required: readonly string[], what: string): void {
  const have = new Set(columnsOf(input));
  const missing = required.filter((c) => !have.has(c));
  if (missing.length > 0 && rowsOf(input).length > 0) {
    throw new Error(`${what}: the table has no column ${missing.map((m) => `'${m}'`).join(', ')} (columns: ${[...have].join(', ')})`);
  }
}
