import type { ColumnTable } from 'arquero';
import { CAUSE_FIELDS, CAUSE_NAMES } from '../sim/clock';
import { columnsOf, requireColumns, rowsOf, tableFromRows, type FlatRow, type TableInput } from './table-input';

/** Result columns of the time breakdown, in cause order (`timeComputeNs` … `timeOtherNs`). */
export const CAUSE_COLUMNS: readonly string[] = CAUSE_FIELDS;

/** Options of `timeBreakdown`. */
export interface TimeBreakdownOptions {
  /**
   * Run columns copied to every cause row. Default: the identifying columns present — `trace`, `system`,
   * `preset`, `profile`, `oversub`, `capacityBytes`, `seed`, `specHash`, `simTimeNs`, and all `set.*`,
   * `scale.*`, `params.*`.
   */
  readonly keep?: readonly string[];
  /** Drop rows whose time is 0 (default false: every run has one row per cause). */
  readonly dropZero?: boolean;
}

/**
 * Time breakdown in long form: one row per run per cause (docs/cli.md §4/§5: the `time*Ns` fields sum to
 * `simTimeNs`). Columns: the kept run columns, `cause` (`compute`, `fault`, `transfer`, `evict`,
 * `invalidate`, `map`, `remote`, `other`), `causeIndex` (that order, for stacking), `ns`, and `share` =
 * ns / simTimeNs (0 when simTimeNs is 0). Pure.
 */
export function timeBreakdown(input: TableInput, opts: TimeBreakdownOptions = {}): ColumnTable {
  requireColumns(input, [...CAUSE_COLUMNS, 'simTimeNs'], 'timeBreakdown');
  const names = columnsOf(input);
  const keep = opts.keep ?? defaultKeep(names);
  const out: FlatRow[] = [];
  for (const r of rowsOf(input)) {
    const total = Number(r.simTimeNs);
    CAUSE_COLUMNS.forEach((col, k) => {
      const ns = Number(r[col] ?? 0);
      if (opts.dropZero && ns === 0) return;
      const row: FlatRow = {};
      for (const c of keep) row[c] = (r[c] ?? null) as FlatRow[string];
      row.cause = CAUSE_NAMES[k]!;
      row.causeIndex = k;
      row.ns = ns;
      row.share = total > 0 ? ns / total : 0;
      out.push(row);
    });
  }
  return tableFromRows(out, [...keep, 'cause', 'causeIndex', 'ns', 'share']);
}

function defaultKeep(names: readonly string[]): string[] {
  const fixed = ['trace', 'system', 'preset', 'profile', 'oversub', 'capacityBytes', 'seed', 'specHash', 'simTimeNs'];
  return [...fixed.filter((c) => names.includes(c)), ...names.filter((c) => /^(set|scale|params)\./.test(c))];
}
