import { colorScale, finish, spansDecades, type ChartOptions, type Datum, type TopLevelSpec } from '../analysis/charts/common';
import type { ComparedRow } from './types';
import { minOf } from '../extremes';

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
 * Published vs reproduced as a dumbbell plot: per compared number (one row per series, one panel per group,
 * stacked) a grey dot at the published value, a dot at the reproduced value (blue within tolerance, orange
 * for a miss) and a rule between them, so the distance reads as the error on a log axis. Horizontal, so long
 * series names are read whole (issue 16: the vertical layout cut them and grew to 5000 px wide); the value
 * axis is fitted to the data (no "nice" decades of empty axis). When the groups have different units each
 * panel gets its own value scale and its unit in the panel title. Ratio and tolerance in the tooltip. Series
 * keep the order of the rows.
 */
export function publishedVsReproducedBars(rows: readonly ComparedRow[], opts: BarsOptions = {}): TopLevelSpec {
  const values: Datum[] = [];
  const series: string[] = [];
  for (const r of rows) {
    if (!series.includes(r.series)) series.push(r.series);
    const common = { group: r.group, series: r.series, ratio: r.ratio, published: r.published, reproduced: r.reproduced, tolerance: r.tolerance };
    values.push({ ...common, kind: 'published', value: r.published });
    values.push({ ...common, kind: r.pass ? 'reproduced, within tolerance' : 'reproduced, miss', value: r.reproduced });
  }
  const groups = [...new Set(rows.map((r) => r.group))];
  const all = values.map((v) => v.value as number);
  const log = (opts.log === undefined || opts.log === 'auto' ? spansDecades(all) : opts.log) && all.every((v) => v > 0);
  const sameUnit = new Set(rows.map((r) => r.unit ?? '')).size <= 1;
  const unit = sameUnit && rows[0]?.unit ? ` (${rows[0].unit})` : sameUnit ? '' : ' (unit in each panel title)';
  const yTitle = opts.yTitle ?? `${rows[0]?.metric ?? 'value'}${unit}`;
  const facet = opts.facet ?? groups.length > 1;
  const perGroupUnit = !sameUnit;
  const unitOf = new Map(rows.map((r) => [r.group, r.unit ?? '']));
  if (perGroupUnit) for (const v of values) v.panel = `${v.group}${unitOf.get(v.group as string) ? ` (${unitOf.get(v.group as string)})` : ''}`;
  else for (const v of values) v.panel = v.group;
  const x = { field: 'series', type: 'nominal', title: null, sort: series, axis: { labelLimit: 0 } };
  const yScale = log ? { type: 'log', nice: false, padding: 8 } : { zero: false, nice: false, padding: 8 };
  const tooltip = [
    { field: 'group', type: 'nominal' },
    { field: 'series', type: 'nominal' },
    { field: 'published', type: 'quantitative', format: ',.4~g' },
    { field: 'reproduced', type: 'quantitative', format: ',.4~g' },
    { field: 'ratio', type: 'quantitative', title: 'reproduced / published', format: '.3~f' },
    { field: 'tolerance', type: 'quantitative', format: '.3~f' },
  ];
  const inner = {
    width: opts.width ?? 360,
    height: opts.height ?? { step: 18 },
    layer: [
      {
        // drawn from both rows of a compared number (same segment twice): a filter here would give the layer its own
        // data source, which vega-lite cannot size with independent per-panel scales
        mark: { type: 'rule', color: '#bbbbbb', strokeWidth: 2 },
        encoding: { y: x, x: { field: 'published', type: 'quantitative', title: yTitle, scale: yScale }, x2: { field: 'reproduced' } },
      },
      {
        mark: { type: 'point', filled: true, size: 70, opacity: 1 },
        encoding: {
          y: x,
          x: { field: 'value', type: 'quantitative', title: yTitle, scale: yScale },
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: ['published', 'reproduced, within tolerance', 'reproduced, miss'], range: [BAR_COLORS.published, BAR_COLORS.within, BAR_COLORS.miss] },
          },
          tooltip,
        },
      },
    ],
  };
  if (facet) {
    return finish(
      {
        // one panel per group, stacked, each with its own data: vconcat sizes each panel by its own series
        // (a facet with independent y scales over layers cannot be sized by vega-lite without warnings)
        vconcat: [...new Set(values.map((v) => v.panel as string))].map((panel) => ({
          title: { text: panel, anchor: 'start', fontSize: 12 },
          data: { values: values.filter((v) => v.panel === panel) },
          ...inner,
        })),
        resolve: { scale: { x: perGroupUnit ? 'independent' : 'shared' } },
      },
      'Published vs reproduced',
      opts,
    );
  }
  return finish({ data: { values }, ...inner }, 'Published vs reproduced', opts);
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
 * x = `x`, bars side by side per `color` (one bar per x when `color` is `x`), optional facet `column` with
 * its own y scale per panel.
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
  const base = log ? 10 ** Math.floor(Math.log10(minOf(all))) : 0;
  const encoding: Record<string, unknown> = {
    x: { field: 'x', type: 'nominal', title: opts.xTitle ?? opts.x, sort: [...new Set(values.map((v) => v.x as string))] },
    ...(opts.color === opts.x ? {} : { xOffset: { field: 'color', type: 'nominal', sort: colors.domain } }),
    y: { field: 'y', type: 'quantitative', title: opts.yTitle ?? opts.y, scale: log ? { type: 'log', domainMin: base } : { zero: true } },
    ...(log ? { y2: { datum: base } } : {}),
    color: { field: 'color', type: 'nominal', title: opts.color, scale: colors, sort: colors.domain },
    tooltip: [
      { field: 'x', type: 'nominal', title: opts.x },
      { field: 'color', type: 'nominal', title: opts.color },
      { field: 'y', type: 'quantitative', title: opts.y, format: ',.4~g' },
    ],
  };
  if (opts.column) encoding.column = { field: 'column', type: 'nominal', title: null };
  return finish(
    { data: { values }, mark: { type: 'bar' }, width: opts.width ?? 220, height: opts.height ?? 220, encoding, ...(opts.column ? { resolve: { scale: { x: 'independent', xOffset: 'independent', y: 'independent' } } } : {}) },
    opts.title ?? '',
    opts,
  );
}
