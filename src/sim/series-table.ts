import * as aq from 'arquero';
import { flattenRun } from '../analysis/flatten';
import type { RunResult } from './run-types';

/**
 * The sampled time series of several runs as one long arquero table, one row per (run, sample): `system`,
 * `profile`, `tNs`, the cumulative counters of `RunSeries`, and per-interval derived columns
 * `faultsPerMs` (device + CPU faults per simulated ms since the previous sample), `h2dBytes`, `d2hBytes`
 * (bytes moved in the interval) and `residentBytes`.
 */
export function seriesTable(results: readonly RunResult[]): aq.ColumnTable {
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
 * One row per run: the cli.md §4 summary with `params.*`, `extra.*` and `warnings.*` flattened (for arquero /
 * CSV), in the run-row layout of `flattenRun` (src/analysis/flatten.ts; adds the `trace` column).
 */
export function summaryRows(results: readonly RunResult[]): Record<string, unknown>[] {
  return results.map(flattenRun);
}

/**
 * Flatten the nested objects of any record one level deep as `<key>.<inner key>`, keys in their own order.
 * For a run result prefer `flattenRun` (src/analysis/flatten.ts): the contract layout shared by
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
