import type { RunLike } from '../flatten';
import type { TableInput } from '../table-input';
import { roundSig } from '../format';
import { cell, chartRows, colorScale, distinct, fieldRef, finish, labelOf, requireUnique, scaled, STROKE_LEGEND, titled, unitForColumn, useLog, zoomParams, type ChartOptions, type Datum, type TopLevelSpec } from './common';

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
  /** Zoom and pan in interactive views (default true; `zoomParams`). */
  readonly zoom?: boolean;
}

/** Shape legend entries of failed runs (the `status` column: ok / oom / error). */
const FAILED_LABELS: Readonly<Record<string, string>> = { oom: 'out of memory (not comparable)', error: 'error (not comparable)' };

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
  // failed runs: the `status` column (ok / oom / error) when present, else a positive flag column (oomEvents)
  const hasStatus = opts.flag === undefined && rows.some((r) => typeof r.status === 'string');
  const flagCol = hasStatus ? undefined : opts.flag ?? (rows.some((r) => 'oomEvents' in r) ? 'oomEvents' : undefined);
  const flagLabel = flagCol === 'oomEvents' ? FAILED_LABELS.oom! : `${labelOf(flagCol ?? '')} > 0`;
  const yUnit = unitForColumn(opts.y, rows.map((r) => Number(r[opts.y])));
  const xUnit = opts.xPercent ? undefined : unitForColumn(opts.x, rows.map((r) => Number(r[opts.x])));
  const values: Datum[] = [];
  for (const r of rows) {
    const xv = typeof r[opts.x] === 'number' ? (opts.xPercent ? scaled((r[opts.x] as number) * 100, undefined) : scaled(r[opts.x], xUnit)) : null;
    const yv = scaled(r[opts.y], yUnit);
    const failed = hasStatus && r.status !== 'ok' && typeof r.status === 'string' ? String(r.status) : undefined;
    // a failed run has no comparable y (slowdown is null): it is still drawn, as a cross at the top edge
    if (xv === null || (yv === null && failed === undefined)) continue;
    const d: Datum = { x: xv, y: yv, [color]: cell(r[color]) };
    if (hasStatus) {
      d.status = failed === undefined ? 'ok' : FAILED_LABELS[failed] ?? `${failed} (not comparable)`;
      d.flagged = failed === undefined ? 0 : 1;
    } else if (flagCol) {
      const n = typeof r[flagCol] === 'number' ? (r[flagCol] as number) : 0;
      d.flagged = n;
      d.status = n > 0 ? flagLabel : 'ok';
    }
    for (const f of facets) d[f] = cell(r[f]);
    values.push(d);
  }
  const logX = useLog(values.map((v) => v.x as number), opts.logX) && values.every((v) => (v.x as number) > 0);
  const ys = values.map((v) => v.y).filter((y): y is number => typeof y === 'number');
  const logY = useLog(ys, opts.logY) && ys.every((y) => y > 0);
  // failed runs without a value sit just above the highest comparable point (clear of the curves)
  const top = ys.length ? Math.max(...ys) : 1;
  for (const v of values) if (v.y === null) v.y = roundSig(logY ? top * 1.25 : top * 1.1);
  const xTitle = opts.xTitle ?? titled(labelOf(opts.x), opts.xPercent ? '%' : xUnit?.unit);
  const yTitle = opts.yTitle ?? titled(labelOf(opts.y), opts.y === 'slowdown' || opts.y.endsWith('Ratio') ? '×' : yUnit?.unit);
  const colors = colorScale(distinct(rows, color).map(String));
  const encoding: Record<string, unknown> = {
    // padding: points at the ends of the range (e.g. a failed run's cross) are drawn whole, not cut by the edge
    x: { field: 'x', type: 'quantitative', title: xTitle, scale: logX ? { type: 'log', base: opts.logBaseX ?? 10, padding: 8 } : { zero: false, padding: 8 } },
    y: { field: 'y', type: 'quantitative', title: yTitle, scale: logY ? { type: 'log' } : { zero: false } },
    color: { field: fieldRef(color), type: 'nominal', title: labelOf(color), scale: colors, sort: colors.domain },
    tooltip: [
      { field: fieldRef(color), type: 'nominal', title: labelOf(color) },
      ...facets.map((f) => ({ field: fieldRef(f), type: 'nominal', title: labelOf(f) })),
      { field: 'x', type: 'quantitative', title: xTitle, format: ',.4~g' },
      { field: 'y', type: 'quantitative', title: yTitle, format: ',.4~g' },
    ],
  };
  if (opts.strokeDash) encoding.strokeDash = { field: fieldRef(opts.strokeDash), type: 'nominal', title: labelOf(opts.strokeDash), legend: STROKE_LEGEND };
  const anyFlagged = values.some((v) => typeof v.flagged === 'number' && v.flagged > 0);
  const zoom = opts.zoom ?? true ? { params: zoomParams() } : {};
  const layers: Record<string, unknown>[] = [];
  if (anyFlagged) {
    // points separately: a shape channel on a line mark would split the lines; failed runs are left out of the line
    const { tooltip, ...lineEnc } = encoding;
    const failedLabels = [...new Set(values.filter((v) => v.status !== 'ok').map((v) => String(v.status)))].sort();
    const okOnly = { transform: [{ filter: "datum.status === 'ok'" }] };
    const tip = [...(tooltip as unknown[]), { field: 'status', type: 'nominal', title: 'run' }, ...(flagCol ? [{ field: 'flagged', type: 'quantitative', title: labelOf(flagCol) }] : [])];
    layers.push({ ...okOnly, mark: { type: 'line', strokeWidth: 2 }, encoding: lineEnc, ...zoom });
    layers.push({ ...okOnly, mark: { type: 'point', filled: true, size: 60, opacity: 1 }, encoding: { x: encoding.x, y: encoding.y, color: encoding.color, tooltip: tip } });
    // failed runs: hollow crosses in the system's colour, with their own legend
    layers.push({
      transform: [{ filter: "datum.status !== 'ok'" }],
      mark: { type: 'point', filled: false, size: 110, opacity: 1, strokeWidth: 2 },
      encoding: {
        x: encoding.x,
        y: encoding.y,
        color: encoding.color,
        shape: { field: 'status', type: 'nominal', title: 'failed run', scale: { domain: failedLabels, range: failedLabels.map(() => 'cross') } },
        tooltip: tip,
      },
    });
  } else layers.push({ mark: { type: 'line', point: true, strokeWidth: 2 }, encoding, ...zoom });
  if (opts.yRule !== undefined) layers.unshift({ data: { values: [{}] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { datum: opts.yRule } } });
  const inner = { width: opts.width ?? 320, height: opts.height ?? 220, layer: layers };
  const facet: Record<string, unknown> = {};
  if (opts.column) facet.column = { field: fieldRef(opts.column), type: 'ordinal', title: labelOf(opts.column) };
  if (opts.row) facet.row = { field: fieldRef(opts.row), type: 'ordinal', title: labelOf(opts.row) };
  const title = `${labelOf(opts.y)} vs ${labelOf(opts.x)}`;
  if (opts.column || opts.row) return finish({ data: { values }, facet, spec: inner, resolve: { scale: { y: 'shared' } } }, title, opts);
  return finish({ data: { values }, ...inner }, title, opts);
}
