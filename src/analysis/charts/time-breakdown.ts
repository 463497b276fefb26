import { CAUSE_NAMES } from '../../sim/clock';
import type { RunLike } from '../flatten';
import { timeBreakdown } from '../time-breakdown';
import type { TableInput } from '../table-input';
import { cell, chartRows, distinct, fieldRef, finish, labelOf, requireUnique, scaled, timeUnitFor, type ChartOptions, type Datum, type TopLevelSpec } from './common';

/** Fixed colour of each time cause (same in every chart). */
export const CAUSE_COLORS: Readonly<Record<string, string>> = {
  compute: '#bab0ac',
  fault: '#e15759',
  transfer: '#4e79a7',
  evict: '#f28e2b',
  invalidate: '#b07aa1',
  map: '#59a14f',
  remote: '#9c755f',
  other: '#edc948',
};

/** Options of `timeBreakdownChart`. */
export interface TimeBreakdownChartOptions extends ChartOptions {
  /** Column of the bars (default `system`). */
  readonly x?: string;
  /** Facet columns, e.g. `oversub` or `profile` (one panel per value). */
  readonly column?: string;
  readonly row?: string;
  /** Show shares of each run's time (100 % bars) instead of absolute time. */
  readonly normalize?: boolean;
}

/**
 * Time breakdown as stacked bars: one bar per `x` value (default per system), stacked by cause (compute,
 * fault, transfer, evict, invalidate, map, remote, other) in that order with fixed colours; time in the
 * largest unit that keeps the longest bar ≥ 1 (ns/µs/ms/s), or shares with `normalize`. Input: runs (results
 * or a `runsTable`). Each bar must be one run: facet (`column`/`row`) by the column that differs otherwise.
 *
 * @example timeBreakdownChart(runsTable(results), { column: 'oversub' })
 */
export function timeBreakdownChart(input: TableInput | readonly RunLike[], opts: TimeBreakdownChartOptions = {}): TopLevelSpec {
  const x = opts.x ?? 'system';
  const runs = chartRows(input);
  const facets = [opts.column, opts.row].filter((c): c is string => c !== undefined);
  requireUnique(runs, [x, ...facets], 'timeBreakdownChart');
  const long = timeBreakdown(runs as Record<string, unknown>[], { keep: [...new Set([x, ...facets, 'simTimeNs'])], dropZero: true }).objects() as Record<string, unknown>[];
  const unit = timeUnitFor(Math.max(0, ...runs.map((r) => Number(r.simTimeNs) || 0)));
  const values: Datum[] = long.map((r) => {
    const d: Datum = { [x]: cell(r[x]), cause: r.cause as string, causeIndex: r.causeIndex as number, time: scaled(r.ns, unit), share: scaled(r.share, undefined) };
    for (const f of facets) d[f] = cell(r[f]);
    return d;
  });
  const causes = CAUSE_NAMES.filter((c) => values.some((v) => v.cause === c));
  const yTitle = opts.normalize ? 'share of simulated time' : `simulated time (${unit.unit})`;
  const encoding: Record<string, unknown> = {
    x: { field: fieldRef(x), type: 'nominal', title: labelOf(x), sort: distinct(runs, x) as (string | number)[], axis: { labelAngle: -30, labelLimit: 0 } },
    y: opts.normalize
      ? { field: 'share', type: 'quantitative', stack: 'normalize', title: yTitle, axis: { format: '%' } }
      : { field: 'time', type: 'quantitative', stack: 'zero', title: yTitle },
    color: { field: 'cause', type: 'nominal', title: 'cause', sort: causes, scale: { domain: causes, range: causes.map((c) => CAUSE_COLORS[c]) } },
    order: { field: 'causeIndex', type: 'quantitative' },
    tooltip: [
      { field: fieldRef(x), type: 'nominal', title: labelOf(x) },
      ...facets.map((f) => ({ field: fieldRef(f), type: 'nominal', title: labelOf(f) })),
      { field: 'cause', type: 'nominal' },
      { field: 'time', type: 'quantitative', title: `time (${unit.unit})`, format: ',.4~g' },
      { field: 'share', type: 'quantitative', format: '.1%' },
    ],
  };
  if (opts.column) encoding.column = { field: fieldRef(opts.column), type: 'ordinal', title: labelOf(opts.column) };
  if (opts.row) encoding.row = { field: fieldRef(opts.row), type: 'ordinal', title: labelOf(opts.row) };
  return finish(
    { data: { values }, width: opts.width ?? { step: 36 }, height: opts.height ?? 220, mark: { type: 'bar' }, encoding },
    opts.normalize ? 'Where the simulated time goes (share by cause)' : 'Where the simulated time goes',
    opts,
  );
}
