import type { ColumnTable } from 'arquero';
import { flattenRun, missingCell, orderColumns, type RunLike } from './flatten';
import { tableFromRows } from './table-input';

/**
 * Phase 5 (docs/architecture.md §2): results of one or many runs → one tidy arquero table, one row per run.
 *
 * Columns (see docs/analysis.md): `trace`, `system`, `preset`, `profile`, sweep coordinates `set.*` and
 * `scale.*`, resolved system parameters `params.*`, `capacityBytes`, `footprintBytes`, `oversub`, every
 * docs/cli.md §4 counter, `simTimeNs` and its breakdown `time*Ns`, system-specific counters `extra.*`,
 * provenance (`specHash`, `traceDigest`, `seed`, `version`) and warning counts `warnings.*`.
 *
 * Runs of different systems have different `params.*`/`extra.*` keys: the table holds the union, with
 * `null` where a run has no such parameter or counter (it does not exist there; it is not zero) and 0 for
 * absent warning counts. Row order = input order. Pure: inputs are not modified.
 */
export function runsTable(results: readonly RunLike[]): ColumnTable {
  const rows = results.map(flattenRun);
  const names = orderColumns(rows.flatMap((r) => Object.keys(r)));
  return tableFromRows(rows, names, missingCell);
}

export { flattenRun, orderColumns, runRowsCsv, summaryOf, traceOf } from './flatten';
export type { RunCoordinates, RunLike } from './flatten';
export type { Cell, FlatRow, TableInput } from './table-input';
export { seriesTable, SERIES_KEY_COLUMNS, SERIES_COUNTERS } from './series-table';
export { ratioToBaseline, slowdown, describeSlowdownBaseline, type BaselineOptions, type BaselineSelector, type SlowdownOptions, type SlowdownNormalization } from './baseline';
export { statusOf } from './flatten';
export { timeBreakdown, CAUSE_COLUMNS } from './time-breakdown';
export { aggregateRuns, type AggregateOptions, type Stat } from './aggregate';
export { migrationSizeTable, type MigrationTableOptions } from './migration-table';
export { comparisonTable, type ComparisonOptions, type ComparisonMetric } from './comparison-table';
