import type { ColumnTable } from 'arquero';
import { formatRatio, formatValue, unitOfColumn, type QuantityUnit } from './format';
import { requireColumns, rowsOf, tableFromRows, type FlatRow, type TableInput } from './table-input';
import { statusOf } from './flatten';
import type { RunStatus } from '../sim/run-status';

/** One compared quantity: a result column, its display label and unit (inferred from the name when omitted). */
export interface ComparisonMetric {
  readonly column: string;
  readonly label?: string;
  readonly unit?: QuantityUnit;
}

/** Options of `comparisonTable` and `comparisonChart`. */
export interface ComparisonOptions {
  /** The column whose values are the compared items (default `system`); one row per value. */
  readonly by?: string;
  /** Default: sim time, device faults, bytes H2D, bytes D2H, evictions, map ops, TLB invalidations. */
  readonly metrics?: readonly (string | ComparisonMetric)[];
  /** A value of `by` to compare against: every cell also shows its ratio to that row (`12 ms (1.45×)`). */
  readonly baseline?: string;
}

/** The default metrics of a per-system comparison. */
export const DEFAULT_COMPARISON_METRICS: readonly ComparisonMetric[] = [
  { column: 'simTimeNs', label: 'sim time' },
  { column: 'deviceFaults', label: 'device faults' },
  { column: 'bytesH2D', label: 'H2D' },
  { column: 'bytesD2H', label: 'D2H' },
  { column: 'evictions', label: 'evictions' },
  { column: 'mapOps', label: 'map ops' },
  { column: 'tlbInvalidations', label: 'TLB invalidations' },
];

/** One cell of a comparison: long form shared by `comparisonTable` and `comparisonChart`. */
export interface ComparisonCell {
  readonly item: string;
  readonly itemIndex: number;
  readonly metric: string;
  readonly metricIndex: number;
  readonly value: number | null;
  readonly ratio: number | null;
  readonly text: string;
  /**
   * The item's run status (`ok` / `oom` / `error`, src/sim/run-status.ts), or null when the input rows are not
   * runs (no `status`/`oomEvents`/`errorEvents` column). A non-`ok` item has no ratio and its text says
   * `not comparable`; charts mark it.
   */
  readonly status: RunStatus | null;
}

/** Whether rows are run rows that carry a status (a `status`, `oomEvents` or `errorEvents` column). */
function hasStatus(rows: readonly Readonly<Record<string, unknown>>[]): boolean {
  return rows.some((r) => 'status' in r || 'oomEvents' in r || 'errorEvents' in r);
}

/** Resolve metric options to full metrics. */
export function resolveMetrics(metrics: readonly (string | ComparisonMetric)[] | undefined): ComparisonMetric[] {
  return (metrics ?? DEFAULT_COMPARISON_METRICS).map((m) => (typeof m === 'string' ? { column: m } : m));
}

/**
 * Long-form comparison cells (one per item per metric), in input row order then metric order. Throws when an
 * item appears in more than one row (filter or aggregate first) or the baseline item is absent.
 */
export function comparisonCells(input: TableInput, opts: ComparisonOptions = {}): ComparisonCell[] {
  const by = opts.by ?? 'system';
  const metrics = resolveMetrics(opts.metrics);
  requireColumns(input, [by, ...metrics.map((m) => m.column)], 'comparisonTable');
  const rows = rowsOf(input);
  const seen = new Set<string>();
  for (const r of rows) {
    const k = String(r[by]);
    if (seen.has(k)) throw new Error(`comparisonTable: '${by}' = ${JSON.stringify(k)} appears in more than one row; filter the table to one configuration or aggregate it (aggregateRuns) first`);
    seen.add(k);
  }
  const base = opts.baseline === undefined ? undefined : rows.find((r) => String(r[by]) === opts.baseline);
  if (opts.baseline !== undefined && !base) throw new Error(`comparisonTable: baseline ${JSON.stringify(opts.baseline)} is not a value of '${by}' (values: ${[...seen].join(', ')})`);
  const withStatus = hasStatus(rows);
  const baseStatus = base && withStatus ? statusOf(base) : 'ok';
  const cells: ComparisonCell[] = [];
  rows.forEach((r, itemIndex) => {
    const status = withStatus ? statusOf(r) : null;
    metrics.forEach((m, metricIndex) => {
      const v = typeof r[m.column] === 'number' ? (r[m.column] as number) : null;
      const b = base && typeof base[m.column] === 'number' ? (base[m.column] as number) : null;
      const comparable = (status ?? 'ok') === 'ok' && baseStatus === 'ok';
      const ratio = comparable && v !== null && b !== null && b !== 0 ? v / b : null;
      const unit = m.unit ?? unitOfColumn(m.column);
      let text = formatValue(v, unit);
      if (status !== null && status !== 'ok') text += ` (${status.toUpperCase()}: not comparable)`;
      else if (base && baseStatus !== 'ok') text += ` (baseline ${baseStatus.toUpperCase()})`;
      else if (base && ratio !== null) text += ` (${formatRatio(ratio)})`;
      cells.push({ item: String(r[by]), itemIndex, metric: m.label ?? m.column, metricIndex, value: v, ratio, text, status });
    });
  });
  return cells;
}

/**
 * Per-system comparison as formatted table data: one row per item (`by` column first), one text column per
 * metric labelled for display (`sim time`, `device faults`, …), values with units (`12.3 ms`, `1.5 GiB`,
 * `12,345`) and, with `baseline`, the ratio to the baseline row. Run rows also get a `status` column (`ok`,
 * `oom`, `error`) after the `by` column; a failed run's cells say `not comparable` and carry no ratio. For
 * display in a notebook (`table.toHTML()`) or as CSV; `comparisonChart` draws the same cells.
 */
export function comparisonTable(input: TableInput, opts: ComparisonOptions = {}): ColumnTable {
  const by = opts.by ?? 'system';
  const metrics = resolveMetrics(opts.metrics);
  const cells = comparisonCells(input, opts);
  const withStatus = cells.some((c) => c.status !== null);
  const rows: FlatRow[] = [];
  for (const c of cells) {
    if (c.metricIndex === 0) rows.push(withStatus ? { [by]: c.item, status: c.status } : { [by]: c.item });
    rows[rows.length - 1]![c.metric] = c.text;
  }
  return tableFromRows(rows, [by, ...(withStatus ? ['status'] : []), ...metrics.map((m) => m.label ?? m.column)]);
}
