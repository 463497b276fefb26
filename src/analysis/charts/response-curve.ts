import type { RunLike } from '../flatten';
import type { TableInput } from '../table-input';
import { cell, chartRows, colorScale, distinct, fieldRef, finish, labelOf, requireUnique, scaled, titled, unitForColumn, useLog, type ChartOptions, type Datum, type TopLevelSpec } from './common';

/** Options of `responseCurveChart` (`x` and `y` are required). */
export interface ResponseCurveOptions extends ChartOptions {
  /** Column on the x axis, e.g. `oversub` or `scale.link.h2dBytesPerNs`. */
  readonly x: string;
  /** Column on the y axis, e.g. `slowdown` or `simTimeNs` (time and byte columns get display units). */
  readonly y: string;
  /** One line per value of this column (default `system`), with deterministic colours. */
  readonly color?: string;
  /** Dash pattern per value of this column (e.g. `profile`). */
  readonly strokeDash?: string;
  /** Facet columns. */
  readonly column?: string;
  readonly row?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** Log scales: `'auto'` (default) = log when the values span 2 decades. */
  readonly logX?: boolean | 'auto';
  readonly logY?: boolean | 'auto';
  /** Log base when a log scale is used (default 10; 2 suits multipliers ×0.5…×4). */
  readonly logBaseX?: number;
  /** Show x as a percentage (x·100), e.g. oversubscription 1.5 → 150 %. */
  readonly xPercent?: boolean;
  /** A horizontal reference line at this y (e.g. 1 for slowdown = no slowdown). */
  readonly yRule?: number;
  /**
   * Column whose positive values flag a point as suspect (default `oomEvents` when the table has it): such
   * points are drawn as crosses, with the count in the tooltip, since a run that hit out-of-memory did not do
   * the work the others did (its time is not comparable).
   */
  readonly flag?: string;
}

/**
 * A response curve: `y` against `x`, one line with points per `color` value (default per system), optional
 * dash per `strokeDash` value and facets. Points of one line must have distinct x. The generic builder
 * behind `oversubCurveChart` and `sensitivityChart`; use it for any sweep coordinate.
 *
 * @example responseCurveChart(table, { x: 'set.device.fault.serviceNs', y: 'simTimeNs' })
 */
export function responseCurveChart(input: TableInput | readonly RunLike[], opts: ResponseCurveOptions): TopLevelSpec {
  const rows = chartRows(input);
  const color = opts.color ?? 'system';
  const facets = [opts.strokeDash, opts.column, opts.row].filter((c): c is string => c !== undefined);
  requireUnique(rows, [color, ...facets, opts.x], 'responseCurveChart');
  const flagCol = opts.flag ?? (rows.some((r) => 'oomEvents' in r) ? 'oomEvents' : undefined);
  const flagLabel = flagCol === 'oomEvents' ? 'run hit OOM' : `${labelOf(flagCol ?? '')} > 0`;
  const yUnit = unitForColumn(opts.y, rows.map((r) => Number(r[opts.y])));
  const xUnit = opts.xPercent ? undefined : unitForColumn(opts.x, rows.map((r) => Number(r[opts.x])));
  const values: Datum[] = [];
  for (const r of rows) {
    const xv = typeof r[opts.x] === 'number' ? (opts.xPercent ? scaled((r[opts.x] as number) * 100, undefined) : scaled(r[opts.x], xUnit)) : null;
    const yv = scaled(r[opts.y], yUnit);
    if (xv === null || yv === null) continue;
    const d: Datum = { x: xv, y: yv, [color]: cell(r[color]) };
    if (flagCol) {
      const n = typeof r[flagCol] === 'number' ? (r[flagCol] as number) : 0;
      d.flagged = n;
      d.status = n > 0 ? flagLabel : 'ok';
    }
    for (const f of facets) d[f] = cell(r[f]);
    values.push(d);
  }
  const logX = useLog(values.map((v) => v.x as number), opts.logX) && values.every((v) => (v.x as number) > 0);
  const logY = useLog(values.map((v) => v.y as number), opts.logY) && values.every((v) => (v.y as number) > 0);
  const xTitle = opts.xTitle ?? titled(labelOf(opts.x), opts.xPercent ? '%' : xUnit?.unit);
  const yTitle = opts.yTitle ?? titled(labelOf(opts.y), opts.y === 'slowdown' || opts.y.endsWith('Ratio') ? '×' : yUnit?.unit);
  const colors = colorScale(distinct(rows, color).map(String));
  const encoding: Record<string, unknown> = {
    x: { field: 'x', type: 'quantitative', title: xTitle, scale: logX ? { type: 'log', base: opts.logBaseX ?? 10 } : { zero: false } },
    y: { field: 'y', type: 'quantitative', title: yTitle, scale: logY ? { type: 'log' } : { zero: false } },
    color: { field: fieldRef(color), type: 'nominal', title: labelOf(color), scale: colors, sort: colors.domain },
    tooltip: [
      { field: fieldRef(color), type: 'nominal', title: labelOf(color) },
      ...facets.map((f) => ({ field: fieldRef(f), type: 'nominal', title: labelOf(f) })),
      { field: 'x', type: 'quantitative', title: xTitle, format: ',.4~g' },
      { field: 'y', type: 'quantitative', title: yTitle, format: ',.4~g' },
    ],
  };
  if (opts.strokeDash) encoding.strokeDash = { field: fieldRef(opts.strokeDash), type: 'nominal', title: labelOf(opts.strokeDash) };
  const anyFlagged = values.some((v) => typeof v.flagged === 'number' && v.flagged > 0);
  const layers: Record<string, unknown>[] = [];
  if (anyFlagged) {
    // points separately: a shape channel on a line mark would split the lines
    const { tooltip, ...lineEnc } = encoding;
    layers.push({ mark: { type: 'line', strokeWidth: 2 }, encoding: lineEnc });
    layers.push({
      mark: { type: 'point', filled: true, size: 60, opacity: 1 },
      encoding: {
        x: encoding.x,
        y: encoding.y,
        color: encoding.color,
        shape: { field: 'status', type: 'nominal', title: null, scale: { domain: ['ok', flagLabel], range: ['circle', 'cross'] } },
        tooltip: [...(tooltip as unknown[]), { field: 'flagged', type: 'quantitative', title: labelOf(flagCol!) }],
      },
    });
  } else layers.push({ mark: { type: 'line', point: true, strokeWidth: 2 }, encoding });
  if (opts.yRule !== undefined) layers.unshift({ data: { values: [{}] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { datum: opts.yRule } } });
  const inner = { width: opts.width ?? 320, height: opts.height ?? 220, layer: layers };
  const facet: Record<string, unknown> = {};
  if (opts.column) facet.column = { field: fieldRef(opts.column), type: 'ordinal', title: labelOf(opts.column) };
  if (opts.row) facet.row = { field: fieldRef(opts.row), type: 'ordinal', title: labelOf(opts.row) };
  const title = `${labelOf(opts.y)} vs ${labelOf(opts.x)}`;
  if (opts.column || opts.row) return finish({ data: { values }, facet, spec: inner, resolve: { scale: { y: 'shared' } } }, title, opts);
  return finish({ data: { values }, ...inner }, title, opts);
}
