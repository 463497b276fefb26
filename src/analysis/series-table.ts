import type { ColumnTable } from 'arquero';
import type { RunResult, RunSeries } from '../sim/run-types';
import { flattenRun, summaryOf, traceOf, type RunCoordinates } from './flatten';
import { tableFromRows, type FlatRow } from './table-input';

/** Run-identifying columns every series row carries (`run` = position of the run in the input). */
export const SERIES_KEY_COLUMNS = ['run', 'specHash', 'trace', 'system', 'preset', 'profile', 'oversub', 'capacityBytes'] as const;

/** Cumulative counters of a series that get a per-second rate column (`<name>PerS`). */
export const SERIES_COUNTERS = ['events', 'deviceFaults', 'cpuFaults', 'bytesH2D', 'bytesD2H', 'evictions', 'mapOps', 'unmapOps'] as const;

/** Options of `seriesTable`. */
export interface SeriesTableOptions {
  /** Further run-row columns to copy onto every sample (e.g. `['params.prefetch', 'set.uvm.eviction']`). */
  readonly columns?: readonly string[];
}

/**
 * Time series of runs → one long table, one row per sample per run: the key columns
 * (`SERIES_KEY_COLUMNS`), `sample` (0-based), `tNs` (simulated time of the sample), the cumulative
 * counters of `RunSeries` (`events`, `deviceFaults`, …, `residentBytes`), and for each counter in
 * `SERIES_COUNTERS` its rate over the interval ending at this sample, per simulated second
 * (`deviceFaultsPerS` = Δfaults / ΔtNs · 1e9; the first interval starts at t = 0 with all counters 0;
 * `null` when ΔtNs = 0). `dtNs` is that interval.
 *
 * Samples are uniform in simulated time within a run (src/sim/series.ts), so rates are comparable along a
 * line; the interval differs between runs of different lengths.
 */
export function seriesTable(results: readonly (RunResult | (RunResult & { readonly point: RunCoordinates }))[], opts: SeriesTableOptions = {}): ColumnTable {
  const rows: FlatRow[] = [];
  const extraCols = opts.columns ?? [];
  results.forEach((r, run) => {
    const s = summaryOf(r);
    const flat = extraCols.length ? flattenRun(r) : undefined;
    const key: FlatRow = {
      run,
      specHash: s.specHash,
      trace: traceOf(r),
      system: s.system,
      preset: s.preset,
      profile: s.profile,
      oversub: s.oversub,
      capacityBytes: s.capacityBytes,
    };
    for (const c of extraCols) key[c] = flat![c] ?? null;
    appendSamples(rows, key, r.series);
  });
  const names = [...SERIES_KEY_COLUMNS, ...extraCols, 'sample', 'tNs', 'dtNs', ...SERIES_COUNTERS, 'residentBytes', ...SERIES_COUNTERS.map((c) => `${c}PerS`)];
  return tableFromRows(rows, names);
}

function appendSamples(rows: FlatRow[], key: FlatRow, series: RunSeries): void {
  const n = series.tNs.length;
  for (let i = 0; i < n; i++) {
    const t = series.tNs[i]!;
    const tPrev = i > 0 ? series.tNs[i - 1]! : 0;
    const dt = t - tPrev;
    const row: FlatRow = { ...key, sample: i, tNs: t, dtNs: dt, residentBytes: series.residentBytes[i]! };
    for (const c of SERIES_COUNTERS) {
      const v = series[c][i]!;
      row[c] = v;
      const prev = i > 0 ? series[c][i - 1]! : 0;
      row[`${c}PerS`] = dt > 0 ? ((v - prev) / dt) * 1e9 : null;
    }
    rows.push(row);
  }
}
