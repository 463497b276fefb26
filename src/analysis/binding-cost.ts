import type { ColumnTable } from 'arquero';
import { requireColumns, rowsOf, tableFromRows, type Cell, type FlatRow, type TableInput } from './table-input';

/** Options of `bindingCostTable`. */
export interface BindingCostOptions {
  /**
   * Wall-clock span of the recorded program, ns (e.g. `summarizeTrace(trace).timeSpan.durationNs`): the
   * time over which the trace issued its mapping operations. A number for every row, or per `trace` label.
   */
  readonly durationNs: number | Readonly<Record<string, number>>;
  /** Run columns copied to the output (default: those of `trace`, `system`, `profile`, `oversub` present). */
  readonly keep?: readonly string[];
}

/**
 * The cost of mapping operations per run, for binding-heavy traces (game-style sparse binds; docs/systems.md
 * "Comparability with gmem-* on binding traces"). One row per run with the `keep` columns and:
 *
 * - `mapOps`, `unmapOps`, `ops` (= map + unmap), `timeMapNs` (the run's time charged to mapping);
 * - `nsPerOp` = timeMapNs / ops (the per-operation cost both gmem and gpuvm-sparse define this way; null
 *   without operations);
 * - `offeredOpsPerS` = ops / duration: the rate the program asked for;
 * - `sustainableOpsPerS` = 1e9 / nsPerOp: the rate one thread doing nothing but mapping could sustain;
 * - `mapTimeShare` = timeMapNs / duration: the share of the program's wall time spent in mapping calls
 *   (above 1, the mapping path cannot keep up in real time);
 * - `mappingsPeak`: the peak count of mappings the system keeps — gmem's VMAs (`extra.vmaCount`) or
 *   gpuvm's live binds (`extra.gpuvaPeak`); null when the system reports neither;
 * - `flaggedBinds`: binds with attributes an mmap interface cannot express — gmem's
 *   `extra.inexpressibleBinds` (counted, not honoured) or gpuvm's `extra.flaggedBinds` (honoured); null
 *   when the system reports neither.
 * Pure; row order kept.
 */
export function bindingCostTable(input: TableInput, opts: BindingCostOptions): ColumnTable {
  requireColumns(input, ['mapOps', 'unmapOps', 'timeMapNs'], 'bindingCostTable');
  const rows = rowsOf(input);
  const present = new Set(rows.flatMap((r) => Object.keys(r)));
  const keep = opts.keep ?? ['trace', 'system', 'profile', 'oversub'].filter((c) => present.has(c));
  const out: FlatRow[] = rows.map((r) => {
    const duration = typeof opts.durationNs === 'number' ? opts.durationNs : opts.durationNs[String(r.trace)];
    if (!(typeof duration === 'number' && duration > 0)) {
      throw new Error(`bindingCostTable: no positive durationNs for trace ${JSON.stringify(r.trace)} (give a number or a record by trace label)`);
    }
    const mapOps = num(r.mapOps);
    const unmapOps = num(r.unmapOps);
    const timeMapNs = num(r.timeMapNs);
    const ops = mapOps + unmapOps;
    const nsPerOp = ops > 0 ? timeMapNs / ops : null;
    const row: FlatRow = {};
    for (const c of keep) row[c] = (r[c] ?? null) as Cell;
    return {
      ...row,
      mapOps,
      unmapOps,
      ops,
      timeMapNs,
      nsPerOp,
      offeredOpsPerS: (ops * 1e9) / duration,
      sustainableOpsPerS: nsPerOp ? 1e9 / nsPerOp : null,
      mapTimeShare: timeMapNs / duration,
      mappingsPeak: firstNum(r['extra.vmaCount'], r['extra.gpuvaPeak']),
      flaggedBinds: firstNum(r['extra.inexpressibleBinds'], r['extra.flaggedBinds']),
    };
  });
  return tableFromRows(out, [...keep, 'mapOps', 'unmapOps', 'ops', 'timeMapNs', 'nsPerOp', 'offeredOpsPerS', 'sustainableOpsPerS', 'mapTimeShare', 'mappingsPeak', 'flaggedBinds']);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function firstNum(...vs: unknown[]): number | null {
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return null;
}
