import type { ColumnTable } from 'arquero';
import { columnsOf, rowsOf, tableFromRows, type Cell, type FlatRow, type TableInput } from './table-input';

/** Options of `counterFamilyTable`. */
export interface CounterFamilyOptions {
  /**
   * Column prefix of the family, e.g. `extra.inexpressible` (gmem's `extra.inexpressibleNull`,
   * `…Compressed`, …) or `extra.honoured` (gpuvm-sparse's).
   */
  readonly prefix: string;
  /** Family columns to leave out, by full name (e.g. the family's total `extra.inexpressibleBinds`). */
  readonly exclude?: readonly string[];
  /** Run columns copied to each output row (default: those of `trace`, `system`, `profile` present). */
  readonly keep?: readonly string[];
  /** Name of the output column holding the member name (default `name`). */
  readonly nameAs?: string;
  /** Name of the output column holding the count (default `value`). */
  readonly valueAs?: string;
}

/**
 * A family of per-run counters sharing a column prefix, in long form: one row per run per member, with the
 * `keep` columns, the member's name (the column name after the prefix, first letter lower-cased:
 * `extra.inexpressibleNull` → `null`) and its value. Runs whose value is null (the system has no such
 * counter) are left out, so two systems with differently named families can be stacked and charted together.
 * Members are in column order. Pure.
 */
export function counterFamilyTable(input: TableInput, opts: CounterFamilyOptions): ColumnTable {
  const exclude = new Set(opts.exclude ?? []);
  const names = columnsOf(input);
  const members = names.filter((c) => c.startsWith(opts.prefix) && c.length > opts.prefix.length && !exclude.has(c));
  const keep = opts.keep ?? ['trace', 'system', 'profile'].filter((c) => names.includes(c));
  const nameAs = opts.nameAs ?? 'name';
  const valueAs = opts.valueAs ?? 'value';
  const out: FlatRow[] = [];
  for (const r of rowsOf(input)) {
    for (const m of members) {
      const v = r[m];
      if (v === null || v === undefined) continue;
      const row: FlatRow = {};
      for (const c of keep) row[c] = (r[c] ?? null) as Cell;
      const suffix = m.slice(opts.prefix.length);
      row[nameAs] = suffix[0]!.toLowerCase() + suffix.slice(1);
      row[valueAs] = v as Cell;
      out.push(row);
    }
  }
  return tableFromRows(out, [...keep, nameAs, valueAs]);
}
