import { colorScale, finish, spansDecades, type ChartOptions, type Datum, type TopLevelSpec } from '../analysis/charts/common';
import type { ComparedRow } from './types';

/** Colours of the three bar kinds of `publishedVsReproducedBars`. */
export const BAR_COLORS = { published: '#9e9e9e', within: '#1f77b4', miss: '#ff7f0e' } as const;

/** Options of `publishedVsReproducedBars`. */
export interface BarsOptions extends ChartOptions {
  /** Axis title of the value (default: the rows' metric and unit). */
  readonly yTitle?: string;
  /** Log y axis: `'auto'` (default) = when values span two decades. */
  readonly log?: boolean | 'auto';
  /** Facet by group (default true when there is more than one group). */
  readonly facet?: boolean;
}

/**
 * Published vs reproduced as bars side by side: one pair per compared number (x = series, facet = group),
 * the published bar grey, the reproduced bar blue when within its tolerance and orange when it misses; the
 * ratio and tolerance in the tooltip. Series keep the order of the rows.
 */
export function publishedVsReproducedBars(rows: readonly ComparedRow[], opts: BarsOptions = {}): TopLevelSpec {
  const values: Datum[] = [];
  const series: string[] = [];
  for (const r of rows) {
    if (!series.includes(r.series)) series.push(r.series);
    const common = { group: r.group, series: r.series, ratio: r.ratio, published: r.published, reproduced: r.reproduced, tolerance: r.tolerance };
    values.push({ ...common, source: 'published', bar: 'published', value: r.published });
    values.push({ ...common, source: 'reproduced', bar: r.pass ? 'reproduced, within tolerance' : 'reproduced, miss', value: r.reproduced });
  }
  const groups = [...new Set(rows.map((r) => r.group))];
  const all = values.map((v) => v.value as number);
  const log = (opts.log === undefined || opts.log === 'auto' ? spansDecades(all) : opts.log) && all.every((v) => v > 0);
  const unit = rows[0]?.unit ? ` (${rows[0].unit})` : '';
  const yTitle = opts.yTitle ?? `${rows[0]?.metric ?? 'value'}${unit}`;
  const facet = opts.facet ?? groups.length > 1;
  const encoding: Record<string, unknown> = {
    x: { field: 'series', type: 'nominal', title: null, sort: series, axis: { labelAngle: -35, labelLimit: 200 } },
    xOffset: { field: 'source', type: 'nominal', sort: ['published', 'reproduced'] },
    y: { field: 'value', type: 'quantitative', title: yTitle, scale: log ? { type: 'log' } : { zero: true } },
    color: {
      field: 'bar',
      type: 'nominal',
      title: null,
      scale: { domain: ['published', 'reproduced, within tolerance', 'reproduced, miss'], range: [BAR_COLORS.published, BAR_COLORS.within, BAR_COLORS.miss] },
    },
    tooltip: [
      { field: 'group', type: 'nominal' },
      { field: 'series', type: 'nominal' },
      { field: 'published', type: 'quantitative', format: ',.4~g' },
      { field: 'reproduced', type: 'quantitative', format: ',.4~g' },
      { field: 'ratio', type: 'quantitative', title: 'reproduced / published', format: '.3~f' },
      { field: 'tolerance', type: 'quantitative', format: '.3~f' },
    ],
  };
  if (facet) encoding.column = { field: 'group', type: 'nominal', title: null, sort: groups };
  return finish(
    {
      data: { values },
      mark: { type: 'bar' },
      width: opts.width ?? Math.max(120, series.length * 36),
      height: opts.height ?? 220,
      encoding,
      ...(facet ? { resolve: { scale: { x: 'independent' } } } : {}),
    },
    'Published vs reproduced',
    opts,
  );
}

/** Options of `groupedBars`. */
export interface GroupedBarsOptions extends ChartOptions {
  readonly x: string;
  readonly y: string;
  readonly color: string;
  readonly column?: string;
  readonly yTitle?: string;
  readonly xTitle?: string;
  readonly log?: boolean | 'auto';
}

/**
 * Plain grouped bars of reproduced data (figures without published numbers, e.g. the x97 fault counts):
 * x = `x`, bars side by side per `color`, optional facet `column`.
 */
export function groupedBars(rows: readonly Readonly<Record<string, unknown>>[], opts: GroupedBarsOptions): TopLevelSpec {
  const values: Datum[] = rows.map((r) => {
    const d: Datum = { x: String(r[opts.x]), y: Number(r[opts.y]), color: String(r[opts.color]) };
    if (opts.column) d.column = String(r[opts.column]);
    return d;
  });
  const all = values.map((v) => v.y as number);
  const log = (opts.log === undefined || opts.log === 'auto' ? spansDecades(all) : opts.log) && all.every((v) => v > 0);
  const colors = colorScale(values.map((v) => v.color as string));
  const encoding: Record<string, unknown> = {
    x: { field: 'x', type: 'nominal', title: opts.xTitle ?? opts.x, sort: [...new Set(values.map((v) => v.x as string))] },
    xOffset: { field: 'color', type: 'nominal', sort: colors.domain },
    y: { field: 'y', type: 'quantitative', title: opts.yTitle ?? opts.y, scale: log ? { type: 'log' } : { zero: true } },
    color: { field: 'color', type: 'nominal', title: opts.color, scale: colors, sort: colors.domain },
    tooltip: [
      { field: 'x', type: 'nominal', title: opts.x },
      { field: 'color', type: 'nominal', title: opts.color },
      { field: 'y', type: 'quantitative', title: opts.y, format: ',.4~g' },
    ],
  };
  if (opts.column) encoding.column = { field: 'column', type: 'nominal', title: null };
  return finish(
    { data: { values }, mark: { type: 'bar' }, width: opts.width ?? 220, height: opts.height ?? 220, encoding, ...(opts.column ? { resolve: { scale: { x: 'independent' } } } : {}) },
    opts.title ?? '',
    opts,
  );
}
