import type { RunResult } from '../../sim/run-types';
import { seriesTable } from '../series-table';
import { isColumnTable, rowsOf, type TableInput } from '../table-input';
import { cell, colorScale, distinct, fieldRef, finish, labelOf, scaled, STROKE_LEGEND, timeUnitFor, titled, useLog, zoomParams, type ChartOptions, type Datum, type DisplayUnit, type TopLevelSpec } from './common';

function formatBin(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/** Input of timeline charts: run results (with series) or a `seriesTable`. */
export type SeriesInput = TableInput | readonly RunResult[];

/** Rows of a series input (results are converted with `seriesTable`). */
export function seriesRows(input: SeriesInput): readonly Readonly<Record<string, unknown>>[] {
  if (!isColumnTable(input) && input.length > 0 && typeof (input[0] as RunResult).series === 'object' && 'summary' in (input[0] as object)) {
    return seriesTable(input as readonly RunResult[]).objects() as Record<string, unknown>[];
  }
  return rowsOf(input as TableInput);
}

/** One plotted quantity of a timeline: a series column and its legend label. */
export interface TimelineMeasure {
  readonly column: string;
  readonly label: string;
}

/** Options shared by the timeline charts (fault rate, residency, map rate). */
export interface TimelineOptions extends ChartOptions {
  /** Line colour column (default `system`). */
  readonly color?: string;
  readonly column?: string;
  readonly row?: string;
  readonly logY?: boolean | 'auto';
  /**
   * Rate timelines: at most this many time bins per run (default 60). A run sampled more finely is re-binned:
   * each bin shows the mean rate over the bin (events in the bin ÷ bin width), so single-sample spikes do not
   * hide the sustained rate; the y title names the bin width. 0 = plot every sample.
   */
  readonly bins?: number;
  /** Zoom and pan along the time axis in interactive views (default true). */
  readonly zoom?: boolean;
}

/** Default number of time bins of a rate timeline (`TimelineOptions.bins`). */
export const DEFAULT_RATE_BINS = 60;

/** One rate sample: the rate held over (t0Ns, t1Ns]. */
interface RateSample { readonly t0Ns: number; readonly t1Ns: number; readonly rate: number }

/**
 * Mean rate per bin of width `binNs` from 0: Σ rate·overlap / binNs, for the bins up to the last sample's end.
 * Pure; exported for its test.
 */
export function rebinRate(samples: readonly RateSample[], binNs: number): { t0Ns: number; t1Ns: number; rate: number }[] {
  const end = Math.max(0, ...samples.map((s) => s.t1Ns));
  const n = Math.max(1, Math.ceil(end / binNs - 1e-9));
  const acc = new Float64Array(n);
  for (const s of samples) {
    if (!(s.t1Ns > s.t0Ns) || !Number.isFinite(s.rate)) continue;
    const first = Math.max(0, Math.floor(s.t0Ns / binNs));
    const last = Math.min(n - 1, Math.floor((s.t1Ns - 1e-9) / binNs));
    for (let b = first; b <= last; b++) {
      const overlap = Math.min(s.t1Ns, (b + 1) * binNs) - Math.max(s.t0Ns, b * binNs);
      if (overlap > 0) acc[b]! += s.rate * overlap;
    }
  }
  return Array.from(acc, (a, b) => ({ t0Ns: b * binNs, t1Ns: (b + 1) * binNs, rate: a / binNs }));
}

/** A round bin width (1, 2 or 5 × 10^k ns) giving at most `bins` bins over `spanNs`. */
export function binWidthNs(spanNs: number, bins: number): number {
  const raw = spanNs / Math.max(1, bins);
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((w) => w >= raw) ?? 10 * p;
}

/**
 * Internal: build a timeline (time on x, one line per run and measure). `rate` measures hold over the
 * sampling interval ending at each sample (drawn as flat steps); `level` measures are values at the sample
 * time (joined by straight lines).
 */
export function timelineSpec(
  rows: readonly Readonly<Record<string, unknown>>[],
  measures: readonly TimelineMeasure[],
  yLabel: string,
  yUnit: DisplayUnit | undefined,
  title: string,
  opts: TimelineOptions,
  kind: 'rate' | 'level',
  extraLayers: (colorEnc: Record<string, unknown>, groupFields: string[]) => Record<string, unknown>[] = () => [],
  decorate?: (d: Datum, row: Readonly<Record<string, unknown>>) => void,
): TopLevelSpec {
  const color = opts.color ?? 'system';
  const tMaxNs = Math.max(0, ...rows.map((r) => Number(r.tNs) || 0));
  const tUnit = timeUnitFor(tMaxNs);
  // several measures: one panel row each (dashes on spiky lines could not be told apart), unless rows are taken
  const measureRow = measures.length > 1 && opts.row === undefined;
  const facets = [opts.column, opts.row].filter((c): c is string => c !== undefined);
  const values: Datum[] = [];
  // rates sampled more finely than `bins` per run are re-binned to mean rates
  const runKey = (r: Readonly<Record<string, unknown>>): string => String(r.run ?? r.specHash);
  const samplesPerRun = new Map<string, number>();
  for (const r of rows) samplesPerRun.set(runKey(r), (samplesPerRun.get(runKey(r)) ?? 0) + 1);
  const bins = opts.bins ?? DEFAULT_RATE_BINS;
  const rebin = kind === 'rate' && bins > 0 && Math.max(0, ...samplesPerRun.values()) > bins && tMaxNs > 0;
  const binNs = rebin ? binWidthNs(tMaxNs, bins) : 0;
  if (rebin) {
    const firstRow = new Map<string, Readonly<Record<string, unknown>>>();
    const samples = new Map<string, RateSample[]>();
    for (const r of rows) {
      const k = runKey(r);
      if (!firstRow.has(k)) firstRow.set(k, r);
      for (const m of measures) {
        const dt = Number(r.dtNs);
        const rate = Number(r[m.column]);
        if (!(dt > 0) || !Number.isFinite(rate)) continue;
        const key = `${k}\u0000${m.label}`;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key)!.push({ t0Ns: Number(r.tNs) - dt, t1Ns: Number(r.tNs), rate });
      }
    }
    for (const [k, r] of firstRow) {
      for (const m of measures) {
        const base: Datum = { run: cell(r.run ?? r.specHash), measure: m.label, [color]: cell(r[color]) };
        for (const f of facets) base[f] = cell(r[f]);
        decorate?.(base, r);
        for (const b of rebinRate(samples.get(`${k}\u0000${m.label}`) ?? [], binNs)) {
          const y = scaled(b.rate, yUnit);
          values.push({ ...base, t: scaled(b.t0Ns, tUnit), y }, { ...base, t: scaled(b.t1Ns, tUnit), y });
        }
      }
    }
  }
  for (const r of rebin ? [] : rows) {
    for (const m of measures) {
      const base: Datum = { run: cell(r.run ?? r.specHash), measure: m.label, [color]: cell(r[color]) };
      for (const f of facets) base[f] = cell(r[f]);
      decorate?.(base, r);
      const y = scaled(r[m.column], yUnit);
      if (kind === 'rate') {
        // a rate holds over its whole interval: draw it flat from the interval start to the sample time
        const dt = Number(r.dtNs);
        if (!(dt > 0)) continue;
        values.push({ ...base, t: scaled(Number(r.tNs) - dt, tUnit), y }, { ...base, t: scaled(r.tNs, tUnit), y });
      } else values.push({ ...base, t: scaled(r.tNs, tUnit), y });
    }
  }
  // 'auto' picks log only when no plotted value is 0: zeros cannot sit on a log axis and would cut lines
  const ys = values.map((v) => v.y as number | null);
  const logY = opts.logY === undefined || opts.logY === 'auto' ? useLog(ys, 'auto') && ys.every((y) => y === null || y > 0) : opts.logY;
  if (logY) for (const v of values) if (typeof v.y === 'number' && v.y <= 0) v.y = null;
  const colors = colorScale(distinct(rows, color).map(String));
  const colorEnc = { field: fieldRef(color), type: 'nominal', title: labelOf(color), scale: colors, sort: colors.domain };
  const binText = rebin ? `mean over ${formatBin(binNs / tUnit.divisor)} ${tUnit.unit} bins` : undefined;
  // one panel row per measure: the row header names the measure, the axis only the quantity (a long title per
  // short panel would overlap its neighbours)
  const yTitle = titled(yLabel, [yUnit?.unit, binText].filter((x) => x !== undefined).join(', ') || undefined);
  const axisTitle = measureRow ? (yUnit?.unit ?? null) : yTitle;
  const encoding: Record<string, unknown> = {
    x: { field: 't', type: 'quantitative', title: `simulated time (${tUnit.unit})` },
    y: { field: 'y', type: 'quantitative', title: axisTitle, scale: logY ? { type: 'log' } : {} },
    color: colorEnc,
    detail: { field: 'run', type: 'nominal' },
    tooltip: [
      { field: fieldRef(color), type: 'nominal', title: labelOf(color) },
      ...(measures.length > 1 ? [{ field: 'measure', type: 'nominal' }] : []),
      ...facets.map((f) => ({ field: fieldRef(f), type: 'nominal', title: labelOf(f) })),
      { field: 't', type: 'quantitative', title: `time (${tUnit.unit})`, format: ',.4~g' },
      { field: 'y', type: 'quantitative', title: yTitle, format: ',.4~g' },
    ],
  };
  if (measures.length > 1 && !measureRow) encoding.strokeDash = { field: 'measure', type: 'nominal', title: 'measure', sort: measures.map((m) => m.label), legend: STROKE_LEGEND };
  const zoom = opts.zoom ?? true ? { params: zoomParams(['x']) } : {};
  const layers = [{ mark: { type: 'line', strokeWidth: 1.5 }, encoding, ...zoom }, ...extraLayers(colorEnc, ['run', fieldRef(color), ...facets.map(fieldRef)])];
  const inner = { width: opts.width ?? 420, height: opts.height ?? (measureRow ? 140 : 200), layer: layers };
  if (facets.length || measureRow) {
    const facet: Record<string, unknown> = {};
    if (opts.column) facet.column = { field: fieldRef(opts.column), type: 'ordinal', title: labelOf(opts.column) };
    if (opts.row) facet.row = { field: fieldRef(opts.row), type: 'ordinal', title: labelOf(opts.row) };
    else if (measureRow) facet.row = { field: 'measure', type: 'nominal', title: yLabel, sort: measures.map((m) => m.label), header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold', titleFontSize: 12 } };
    const spec = finish({ data: { values }, facet, spec: inner }, title, opts);
    if (binText !== undefined) (spec as { title?: unknown }).title = { text: (spec as { title?: unknown }).title, subtitle: `rates are ${binText}` };
    return spec;
  }
  const spec = finish({ data: { values }, ...inner }, title, opts);
  if (binText !== undefined && measureRow) (spec as { title?: unknown }).title = { text: (spec as { title?: unknown }).title, subtitle: `rates are ${binText}` };
  return spec;
}
