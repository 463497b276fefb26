/**
 * gmemlab public API: what notebooks import (besides `src/analysis/notebook.ts`). Re-exports only; every
 * module has its own doc comments.
 */
export * from './units';
export * from './trace/event';
export * from './trace/batch';
export * from './trace/strings';
export * from './trace/trace';
export * from './trace/digest';
export * from './trace/footprint';
export { writeCanonicalCsv } from './trace/canonical-csv/write';
export * from './log/diagnostic';
export { DiagnosticLog } from './log/collector';
export * from './sim/run-types';
export { Cause, CAUSE_FIELDS, CAUSE_NAMES } from './sim/clock';
export { COUNTER_FIELDS } from './sim/counters';
export { transferNs, effectiveBytesPerNs } from './model/link';
export { VERSION } from './version';
export * from './analysis/tables';
export { sweep, expandSweep, checkSweepSpec, loadSweepSpec, parseSweepSpec, loadResults, readResultRows, ResultRows } from './analysis/sweep';
export type { SweepSpec, SweepOptions, SweepOutcome, SweepProgress, SweepPoint, SweepRunResult, SweepBackend, TraceSpec } from './analysis/sweep';
export type { MigrationSizes, MigrationSizeBucket } from './sim/migration-sizes';
export * from './analysis/charts/index';
export { formatCount, formatRatio, formatValue, unitOfColumn } from './analysis/format';
