import type { ChartOptions, TopLevelSpec } from './common';
import { seriesRows, timelineSpec, type SeriesInput, type TimelineOptions } from './timeline';

/** Options of `faultTimelineChart`. */
export interface FaultTimelineOptions extends TimelineOptions, ChartOptions {
  /** Which faults (default both; CPU faults are drawn only when some run has any). */
  readonly kinds?: readonly ('device' | 'cpu')[];
  /** Plot cumulative fault counts instead of rates. */
  readonly cumulative?: boolean;
}

/**
 * Fault rate over simulated time: device (and CPU) faults per simulated second in each sampling interval,
 * one line per run coloured by system (dashed for CPU faults), log y when rates span two decades. Input: run
 * results or a `seriesTable`.
 *
 * @example faultTimelineChart([uvmResult, gmemResult])
 */
export function faultTimelineChart(input: SeriesInput, opts: FaultTimelineOptions = {}): TopLevelSpec {
  const rows = seriesRows(input);
  let kinds = opts.kinds ?? ['device', 'cpu'];
  if (!opts.kinds && !rows.some((r) => Number(r.cpuFaults) > 0)) kinds = ['device'];
  const suffix = opts.cumulative ? '' : 'PerS';
  const measures = kinds.map((k) => ({ column: `${k === 'device' ? 'deviceFaults' : 'cpuFaults'}${suffix}`, label: `${k === 'device' ? 'device' : 'CPU'} faults` }));
  return timelineSpec(rows, measures, opts.cumulative ? 'faults (cumulative)' : 'faults per simulated second', undefined, 'Fault rate over time', opts, opts.cumulative ? 'level' : 'rate');
}
