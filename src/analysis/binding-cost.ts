import type { ColumnTable } from 'arquero';
import { requireColumns, rowsOf, tableFromRows, type Cell, type FlatRow, type TableInput } from './table-input';

/** Options of `bindingCostTable`. */
export interface BindingCostOptions {
  /**
   * Wall-clock span of the recorded program, ns (e.g. `summarizeTrace(trace).timeSpan.durationNs`): the
   * time over which the trace issued its mapping operations. A number for every row, or per `trace` label.
   */
  readonly durationNs: number | Readonly<Record<string, number>>;
  /**
   * Mapping calls the program made: the trace's `map` + `unmap` rows (`summarizeTrace(trace).eventsByOp`).
   * Systems count their own operations differently (gmem counts units it peer-unmaps, gpuvm splits partial
   * unbinds), so rates the program asks for are per trace row. A number, or per `trace` label.
   */
  readonly traceOps: number | Readonly<Record<string, number>>;
  /** Run columns copied to the output (default: those of `trace`, `system`, `profile`, `oversub` present). */
  readonly keep?: readonly string[];
}

/**
 * The cost of mapping operations per run, for binding-heavy traces (game-style sparse binds; docs/systems.md
 * "Comparability with gmem-* on binding traces"). One row per run with the `keep` columns and:
 *
 * - `mapOps`, `unmapOps`, `systemOps` (= map + unmap operations as the system counts them) and
 *   `nsPerSystemOp` = bindingNs / systemOps: the per-operation cost as both gmem and gpuvm-sparse define it
 *   (null without operations);
 * - `timeMapNs`: all time the run charged to mapping (for gmem this includes the peer_map of device faults);
 *   `timeInvalidateNs`: the TLB invalidations the run charged (0 when the run has no such column);
 *   `bindingNs`: what mapping costs all in, wherever it ran — timeMapNs + timeInvalidateNs, plus the work a
 *   sparse-binding queue did beside rendering (gpuvm-sparse `extra.bindQueueNs`) minus its exposed stall
 *   (`extra.bindExposedNs`, already inside timeMapNs); an unbind is not done before the device TLB forgets
 *   the old translation;
 * - `hiddenBindingNs`: the part of bindingNs that overlapped rendering on the sparse-binding queue
 *   (`extra.bindHiddenNs`; 0 without a queue), `exposedBindingNs` = bindingNs − hiddenBindingNs: what
 *   mapping added to the run's time;
 * - `traceOps` (the program's map + unmap calls), `nsPerTraceOp` = bindingNs / traceOps: what one mapping
 *   call of the program costs, all in — comparable across systems on the same trace;
 * - `offeredOpsPerS` = traceOps / duration: the call rate the program asked for;
 * - `sustainableOpsPerS` = 1e9 / nsPerTraceOp: the call rate one thread doing nothing but mapping could
 *   sustain at that cost;
 * - `mapTimeShare` = bindingNs / duration: the share of the program's wall time spent mapping (above 1 the
 *   mapping path cannot keep up in real time);
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
    const duration = perTrace(opts.durationNs, r.trace, 'durationNs');
    const traceOps = perTrace(opts.traceOps, r.trace, 'traceOps', true);
    const mapOps = num(r.mapOps);
    const unmapOps = num(r.unmapOps);
    const timeMapNs = num(r.timeMapNs);
    const timeInvalidateNs = num(r.timeInvalidateNs);
    const hiddenBindingNs = num(r['extra.bindHiddenNs']);
    const bindingNs = timeMapNs + timeInvalidateNs + num(r['extra.bindQueueNs']) - num(r['extra.bindExposedNs']);
    const systemOps = mapOps + unmapOps;
    const nsPerTraceOp = traceOps > 0 ? bindingNs / traceOps : null;
    const row: FlatRow = {};
    for (const c of keep) row[c] = (r[c] ?? null) as Cell;
    return {
      ...row,
      mapOps,
      unmapOps,
      systemOps,
      nsPerSystemOp: systemOps > 0 ? bindingNs / systemOps : null,
      timeMapNs,
      timeInvalidateNs,
      bindingNs,
      hiddenBindingNs,
      exposedBindingNs: bindingNs - hiddenBindingNs,
      traceOps,
      nsPerTraceOp,
      offeredOpsPerS: (traceOps * 1e9) / duration,
      sustainableOpsPerS: nsPerTraceOp ? 1e9 / nsPerTraceOp : null,
      mapTimeShare: bindingNs / duration,
      mappingsPeak: firstNum(r['extra.vmaCount'], r['extra.gpuvaPeak']),
      flaggedBinds: firstNum(r['extra.inexpressibleBinds'], r['extra.flaggedBinds']),
    };
  });
  return tableFromRows(out, [
    ...keep, 'mapOps', 'unmapOps', 'systemOps', 'nsPerSystemOp', 'timeMapNs', 'timeInvalidateNs', 'bindingNs', 'hiddenBindingNs', 'exposedBindingNs', 'traceOps', 'nsPerTraceOp', 'offeredOpsPerS', 'sustainableOpsPerS', 'mapTimeShare', 'mappingsPeak', 'flaggedBinds',
  ]);
}

function perTrace(v: number | Readonly<Record<string, number>>, trace: unknown, what: string, zeroOk = false): number {
  const x = typeof v === 'number' ? v : v[String(trace)];
  if (!(typeof x === 'number' && Number.isFinite(x) && (x > 0 || (zeroOk && x === 0)))) {
    throw new Error(`bindingCostTable: no ${zeroOk ? 'non-negative' : 'positive'} ${what} for trace ${JSON.stringify(trace)} (give a number or a record by trace label)`);
  }
  return x;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function firstNum(...vs: unknown[]): number | null {
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return null;
}
