import type { TableInput } from '../table-input';
import { rowsOf } from '../table-input';
import { cell, colorScale, distinct, fieldRef, finish, labelOf, spansDecades, type ChartOptions, type Datum, type TopLevelSpec } from './common';
import { maxOf, minOf } from '../../extremes';

/** Options of `dotPlotChart` (`y`, `x` required). */
export interface DotPlotOptions extends ChartOptions {
  /** Category column, one row each (e.g. `sample`), in first-seen order. */
  readonly y: string;
  /** Value column (e.g. overhead in ms). */
  readonly x: string;
  /** One dot colour per value of this column (default `system`). */
  readonly color?: string;
  readonly xTitle?: string;
  /** `'auto'` (default): a symmetric-log axis when the values span two decades (it shows 0 at the origin). */
  readonly log?: boolean | 'auto';
}

/**
 * A dot plot: one row per category, one dot per colour value, the full category names (never cut), ONE
 * legend. Written for per-sample comparisons such as the real-traces overhead chart (issue 16: two legends
 * for one thing, zeros pinned to a log axis edge, a system silently missing for most samples):
 * - values that span two decades get a symmetric-log axis, on which 0 is drawn at the origin (a log axis
 *   cannot show 0);
 * - a colour value with no number for some categories is said in the subtitle ("uvm: no value for 9 of 14").
 *
 * @example dotPlotChart(rows, { y: 'sample', x: 'overheadMs', xTitle: 'overhead (ms)' })
 */
export function dotPlotChart(input: TableInput, opts: DotPlotOptions): TopLevelSpec {
  const rows = rowsOf(input);
  const color = opts.color ?? 'system';
  const categories = distinct(rows, opts.y).map(String);
  const series = distinct(rows, color).map(String);
  const values: Datum[] = [];
  const have = new Map<string, Set<string>>(series.map((s) => [s, new Set<string>()]));
  for (const r of rows) {
    const x = r[opts.x];
    if (typeof x !== 'number' || !Number.isFinite(x) || r[opts.y] == null || r[color] == null) continue;
    values.push({ y: cell(r[opts.y]), x, [color]: cell(r[color]) });
    have.get(String(r[color]))?.add(String(r[opts.y]));
  }
  const xs = values.map((v) => v.x as number);
  const log = opts.log === undefined || opts.log === 'auto' ? spansDecades(xs) : opts.log;
  const positive = xs.filter((v) => v > 0);
  const minPos = positive.length ? minOf(positive) : 1;
  const decades: number[] = [];
  for (let e = Math.floor(Math.log10(minPos)); positive.length && 10 ** e <= maxOf(positive) * 10; e++) decades.push(Number((10 ** e).toPrecision(1)));
  const missing = series.filter((s) => (have.get(s)?.size ?? 0) < categories.length).map((s) => `${s}: no value for ${categories.length - (have.get(s)?.size ?? 0)} of ${categories.length}`);
  const colors = colorScale(series);
  const xTitle = opts.xTitle ?? labelOf(opts.x);
  const spec = finish(
    {
      data: { values },
      width: opts.width ?? 420,
      height: opts.height ?? { step: 20 },
      mark: { type: 'point', filled: true, size: 80, opacity: 0.9 },
      encoding: {
        y: { field: 'y', type: 'nominal', title: null, sort: categories },
        x: {
          field: 'x', type: 'quantitative', title: log ? `${xTitle} (symmetric log)` : xTitle,
          scale: log ? { type: 'symlog', constant: minPos } : { zero: true },
          // vega's own symlog ticks skip the small decades: tick 0 and every power of ten in range
          ...(log ? { axis: { values: [0, ...decades], format: ',.4~g', labelOverlap: true } } : {}),
        },
        color: { field: fieldRef(color), type: 'nominal', title: labelOf(color), scale: colors, sort: colors.domain },
        tooltip: [
          { field: 'y', type: 'nominal', title: labelOf(opts.y) },
          { field: fieldRef(color), type: 'nominal', title: labelOf(color) },
          { field: 'x', type: 'quantitative', title: xTitle, format: ',.4~g' },
        ],
      },
    },
    `${xTitle} per ${labelOf(opts.y)}`,
    opts,
  );
  if (missing.length) (spec as { title?: unknown }).title = { text: (spec as { title?: unknown }).title, subtitle: missing.join('; ') };
  return spec;
}
