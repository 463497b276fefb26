import { describeSlowdownBaseline, slowdown, type SlowdownOptions } from '../baseline';
import type { RunLike } from '../flatten';
import type { TableInput } from '../table-input';
import { chartRows, distinct, type ChartOptions, type TopLevelSpec } from './common';
import { responseCurveChart } from './response-curve';

/** Options of `oversubCurveChart`. */
export interface OversubCurveOptions extends ChartOptions {
  /** Column plotted (default `slowdown`; computed with `slowdown(table, slowdownOptions)` when absent). */
  readonly y?: string;
  /**
   * How to compute the slowdown when the table has no `y` column (default: one shared baseline, the fastest
   * `ok` system at the lowest oversubscription; src/analysis/baseline.ts `slowdown`). The chart's subtitle
   * names the baseline.
   */
  readonly slowdown?: SlowdownOptions;
  /** Line colour column (default `system`). */
  readonly color?: string;
  /** When several profiles are present: one panel per profile (`'column'`, default) or one dash per profile (`'strokeDash'`). */
  readonly profiles?: 'column' | 'strokeDash';
  /** Facets (default: a column per trace when there are several, profiles as above, in rows if both). */
  readonly column?: string;
  readonly row?: string;
  readonly logY?: boolean | 'auto';
}

/**
 * Oversubscription curves: slowdown against device memory demand (oversub × 100 % of capacity), one line
 * per system with deterministic colours, a dashed line at 1× (no slowdown), log y when slowdowns span two
 * decades, a panel per trace (and per profile) when there are several. Input: runs of an oversubscription
 * sweep (results or a `runsTable`).
 *
 * @example oversubCurveChart(sweepResult.table) // slowdown vs each system's lowest oversubscription
 */
export function oversubCurveChart(input: TableInput | readonly RunLike[], opts: OversubCurveOptions = {}): TopLevelSpec {
  let rows = chartRows(input);
  const y = opts.y ?? 'slowdown';
  let baseline: string | undefined;
  if (rows.length > 0 && !(y in rows[0]!) && y === 'slowdown') {
    rows = slowdown(rows, opts.slowdown).objects() as Record<string, unknown>[];
    baseline = describeSlowdownBaseline(rows, opts.slowdown?.normalize !== undefined ? { normalize: opts.slowdown.normalize } : {});
  } else if (y === 'slowdown' && rows.some((r) => r.slowdownBaseline !== undefined)) baseline = describeSlowdownBaseline(rows);
  const manyTraces = distinct(rows, 'trace').length > 1;
  const manyProfiles = distinct(rows, 'profile').length > 1;
  const byProfile = manyProfiles ? (opts.profiles ?? 'column') : undefined;
  let column = opts.column;
  let row = opts.row;
  let strokeDash: string | undefined;
  if (column === undefined && row === undefined) {
    if (manyTraces) column = 'trace';
    if (byProfile === 'column') {
      if (column === undefined) column = 'profile';
      else row = 'profile';
    }
  }
  if (byProfile === 'strokeDash') strokeDash = 'profile';
  const spec = responseCurveChart(rows, {
    x: 'oversub',
    y,
    color: opts.color ?? 'system',
    xPercent: true,
    xTitle: 'device memory demand (% of capacity)',
    yRule: y === 'slowdown' ? 1 : undefined,
    logY: opts.logY ?? 'auto',
    logX: false,
    ...(column !== undefined ? { column } : {}),
    ...(row !== undefined ? { row } : {}),
    ...(strokeDash !== undefined ? { strokeDash } : {}),
    title: opts.title ?? (y === 'slowdown' ? 'Slowdown under device memory oversubscription' : undefined),
    width: opts.width,
    height: opts.height,
  });
  // name the baseline on the chart (issue 16): which run every slowdown is divided by
  if (baseline !== undefined) (spec as { title?: unknown }).title = { text: (spec as { title?: unknown }).title, subtitle: baseline };
  return spec;
}
