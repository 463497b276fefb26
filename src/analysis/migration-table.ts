import type { ColumnTable } from 'arquero';
import type { RunResult } from '../sim/run-types';
import { summaryOf, traceOf, type RunCoordinates } from './flatten';
import { tableFromRows, type FlatRow } from './table-input';

/** Options of `migrationSizeTable`. */
export interface MigrationTableOptions {
  /** Which directions (default both). */
  readonly directions?: readonly ('H2D' | 'D2H')[];
}

/**
 * Migration-size histograms of runs (`RunResult.migrationSizes`, recorded by the engine) as one long table:
 * `run` (input position), `specHash`, `trace`, `system`, `profile`, `oversub`, `direction` (`H2D`/`D2H`),
 * `sizeBytes` (upper bound of the power-of-two bucket) and `count` (migrations in it). The input of
 * `migrationHistogramChart`. Runs without histograms (hand-made or resumed results) contribute no rows.
 *
 * @example migrationHistogramChart(migrationSizeTable(results, { directions: ['H2D'] }))
 */
export function migrationSizeTable(results: readonly (RunResult | (RunResult & { readonly point: RunCoordinates }))[], opts: MigrationTableOptions = {}): ColumnTable {
  const dirs = opts.directions ?? ['H2D', 'D2H'];
  const rows: FlatRow[] = [];
  results.forEach((r, run) => {
    const s = summaryOf(r);
    const ms = r.migrationSizes;
    if (!ms) return;
    for (const d of dirs) {
      for (const b of d === 'H2D' ? ms.h2d : ms.d2h) {
        rows.push({ run, specHash: s.specHash, trace: traceOf(r), system: s.system, profile: s.profile, oversub: s.oversub, direction: d, sizeBytes: b.bytes, count: b.migrations });
      }
    }
  });
  return tableFromRows(rows, ['run', 'specHash', 'trace', 'system', 'profile', 'oversub', 'direction', 'sizeBytes', 'count']);
}
