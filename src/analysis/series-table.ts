import * as aq from 'arquero';
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

/**
 * The sampled time series of several runs as one long arquero table in the simulator's compact layout (public
 * as `simSeriesTable`; `seriesTable` above is the analysis layout), one row per (run, sample): `system`,
 * `profile`, `tNs`, the cumulative counters of `RunSeries`, and per-interval derived columns
 * `faultsPerMs` (device + CPU faults per simulated ms since the previous sample), `h2dBytes`, `d2hBytes`
 * (bytes moved in the interval) and `residentBytes`.
 */
export function simSeriesTable(results: readonly RunResult[]): ColumnTable {
  const cols: Record<string, unknown[]> = {
    system: [], profile: [], tNs: [], events: [], deviceFaults: [], cpuFaults: [], bytesH2D: [], bytesD2H: [], evictions: [],
    residentBytes: [], faultsPerMs: [], h2dBytes: [], d2hBytes: [],
  };
  for (const r of results) {
    const s = r.series;
    for (let i = 0; i < s.tNs.length; i++) {
      const dt = i > 0 ? s.tNs[i]! - s.tNs[i - 1]! : 0;
      const df = i > 0 ? s.deviceFaults[i]! + s.cpuFaults[i]! - s.deviceFaults[i - 1]! - s.cpuFaults[i - 1]! : 0;
      cols.system!.push(r.summary.system);
      cols.profile!.push(r.summary.profile);
      cols.tNs!.push(s.tNs[i]);
      cols.events!.push(s.events[i]);
      cols.deviceFaults!.push(s.deviceFaults[i]);
      cols.cpuFaults!.push(s.cpuFaults[i]);
      cols.bytesH2D!.push(s.bytesH2D[i]);
      cols.bytesD2H!.push(s.bytesD2H[i]);
      cols.evictions!.push(s.evictions[i]);
      cols.residentBytes!.push(s.residentBytes[i]);
      cols.faultsPerMs!.push(dt > 0 ? (df / dt) * 1e6 : 0);
      cols.h2dBytes!.push(i > 0 ? s.bytesH2D[i]! - s.bytesH2D[i - 1]! : s.bytesH2D[i]);
      cols.d2hBytes!.push(i > 0 ? s.bytesD2H[i]! - s.bytesD2H[i - 1]! : s.bytesD2H[i]);
    }
  }
  return aq.table(cols);
}

/**
 * One row per run: the docs/cli.md §4 summary with `params.*`, `extra.*` and `warnings.*` flattened (for arquero /
 * CSV), in the run-row layout of `flattenRun` (./flatten.ts; adds the `trace` column).
 */
export function summaryRows(results: readonly RunResult[]): Record<string, unknown>[] {
  return results.map(flattenRun);
}

/**
 * Flatten the nested objects of any record one level deep as `<key>.<inner key>`, keys in their own order.
 * For a run result prefer `flattenRun` (./flatten.ts): the contract layout shared by
 * `gmemlab run --format csv`, `runsTable` and sweep result files.
 */
export function flattenSummary(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2;
    else out[k] = v;
  }
  return out;
}
