import { roundSig } from '../format';
import { rowsOf, type TableInput } from '../table-input';
import { cell, colorScale, distinct, fieldRef, finish, labelOf, spansDecades, type ChartOptions, type Datum, type TopLevelSpec } from './common';

/** Options of `publishedVsReproducedChart`. */
export interface PublishedVsReproducedOptions extends ChartOptions {
  /** Column of published values (default `published`). */
  readonly published?: string;
  /** Column of reproduced values (default `reproduced`). */
  readonly reproduced?: string;
  /** Colour column (default `figure` when present). */
  readonly color?: string;
  /** Column naming each point in tooltips (default `series` when present). */
  readonly label?: string;
  /**
   * Relative tolerance: the shaded band is reproduced ∈ [published·(1−t), published·(1+t)] (default 0.25,
   * the ±25 % of issue 8). A `tolerance` column, when present, decides each point's pass/fail instead.
   */
  readonly tolerance?: number;
  /** Log–log axes: `'auto'` (default) = when values span two decades. */
  readonly log?: boolean | 'auto';
  /** Unit of both values for the axis titles, e.g. `×` for slowdowns. */
  readonly unit?: string;
}

/**
 * Published vs reproduced scatter: one point per compared number, the y = x line (perfect reproduction), a
 * shaded tolerance band around it, points coloured by figure and shaped by pass (within tolerance) or miss;
 * log–log when values span two decades. A `pass` column, when present, is used as given.
 *
 * @example publishedVsReproducedChart(summary, { tolerance: 0.25, unit: '×' })
 */
export function publishedVsReproducedChart(input: TableInput, opts: PublishedVsReproducedOptions = {}): TopLevelSpec {
  const rows = rowsOf(input);
  const pub = opts.published ?? 'published';
  const rep = opts.reproduced ?? 'reproduced';
  const color = opts.color ?? (rows.some((r) => r.figure !== undefined) ? 'figure' : undefined);
  const label = opts.label ?? (rows.some((r) => r.series !== undefined) ? 'series' : undefined);
  const tol = opts.tolerance ?? 0.25;
  // rows that carry their own criterion (gmemlab figures' summary: within / factor / direction) are judged by it, not by the band
  const mixed = rows.some((r) => typeof r.criterion === 'string' && r.criterion !== 'within');
  const values: Datum[] = [];
  for (const r of rows) {
    const p = r[pub];
    const q = r[rep];
    if (typeof p !== 'number' || typeof q !== 'number' || !Number.isFinite(p) || !Number.isFinite(q)) continue;
    const t = typeof r.tolerance === 'number' ? r.tolerance : tol;
    const pass = typeof r.pass === 'boolean' ? r.pass : p !== 0 && Math.abs(q / p - 1) <= t;
    const d: Datum = { published: p, reproduced: q, ratio: p !== 0 ? roundSig(q / p) : null, result: pass ? 'within tolerance' : 'outside tolerance' };
    if (color) d[color] = cell(r[color]);
    if (label) d[label] = cell(r[label]);
    values.push(d);
  }
  const all = values.flatMap((v) => [v.published as number, v.reproduced as number]);
  const log = (opts.log === undefined || opts.log === 'auto' ? spansDecades(all) : opts.log) && all.every((v) => v > 0);
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const [x0, x1] = log ? [lo / 1.5, hi * 1.5] : [Math.min(0, lo), hi * 1.1];
  const scale = log ? { type: 'log' } : { zero: true };
  const unit = opts.unit ? ` (${opts.unit})` : '';
  const band = [x0, x1].map((x) => ({ x: roundSig(x), lower: roundSig(x * (1 - tol)), upper: roundSig(x * (1 + tol)) }));
  const pointEnc: Record<string, unknown> = {
    x: { field: 'published', type: 'quantitative', title: `published${unit}`, scale: { ...scale, domain: [x0, x1] } },
    y: { field: 'reproduced', type: 'quantitative', title: `reproduced${unit}`, scale: { ...scale, domain: [x0, x1] } },
    shape: { field: 'result', type: 'nominal', title: mixed ? `band ±${Math.round(tol * 100)} %; points: own criterion` : `±${Math.round(tol * 100)} %`, scale: { domain: ['within tolerance', 'outside tolerance'], range: ['circle', 'cross'] } },
    tooltip: [
      ...(color ? [{ field: fieldRef(color), type: 'nominal', title: labelOf(color) }] : []),
      ...(label ? [{ field: fieldRef(label), type: 'nominal', title: labelOf(label) }] : []),
      { field: 'published', type: 'quantitative', format: ',.4~g' },
      { field: 'reproduced', type: 'quantitative', format: ',.4~g' },
      { field: 'ratio', type: 'quantitative', title: 'reproduced / published', format: '.3~f' },
      { field: 'result', type: 'nominal' },
    ],
  };
  if (color) {
    const colors = colorScale(distinct(values, color).map(String));
    pointEnc.color = { field: fieldRef(color), type: 'nominal', title: labelOf(color), scale: colors, sort: colors.domain };
  }
  const xEnc = { field: 'x', type: 'quantitative', scale: { ...scale, domain: [x0, x1] } };
  const yEnc = { field: 'lower', type: 'quantitative', scale: { ...scale, domain: [x0, x1] } };
  return finish(
    {
      width: opts.width ?? 320,
      height: opts.height ?? 320,
      layer: [
        { data: { values: band }, mark: { type: 'area', opacity: 0.15, color: '#888', clip: true }, encoding: { x: xEnc, y: yEnc, y2: { field: 'upper' } } },
        { data: { values: band }, mark: { type: 'line', color: '#444', strokeDash: [4, 4], clip: true }, encoding: { x: xEnc, y: { field: 'x', type: 'quantitative', scale: { ...scale, domain: [x0, x1] } } } },
        { data: { values }, mark: { type: 'point', filled: true, size: 70, opacity: 0.9 }, encoding: pointEnc },
      ],
    },
    'Published vs reproduced',
    opts,
  );
}
