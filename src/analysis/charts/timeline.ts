import type { RunResult } from '../../sim/run-types';
import { seriesTable } from '../series-table';
import { isColumnTable, rowsOf, type TableInput } from '../table-input';
import { cell, colorScale, distinct, fieldRef, finish, labelOf, scaled, timeUnitFor, titled, useLog, type ChartOptions, type Datum, type DisplayUnit, type TopLevelSpec } from './common';

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
  const tUnit = timeUnitFor(Math.max(0, ...rows.map((r) => Number(r.tNs) || 0)));
  const facets = [opts.column, opts.row].filter((c): c is string => c !== undefined);
  const values: Datum[] = [];
  for (const r of rows) {
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
  const yTitle = titled(yLabel, yUnit?.unit);
  const encoding: Record<string, unknown> = {
    x: { field: 't', type: 'quantitative', title: `simulated time (${tUnit.unit})` },
    y: { field: 'y', type: 'quantitative', title: yTitle, scale: logY ? { type: 'log' } : {} },
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
  if (measures.length > 1) encoding.strokeDash = { field: 'measure', type: 'nominal', title: 'measure', sort: measures.map((m) => m.label) };
  const layers = [{ mark: { type: 'line', strokeWidth: 1.5 }, encoding }, ...extraLayers(colorEnc, ['run', fieldRef(color), ...facets.map(fieldRef)])];
  const inner = { width: opts.width ?? 420, height: opts.height ?? 200, layer: layers };
  if (facets.length) {
    const facet: Record<string, unknown> = {};
    if (opts.column) facet.column = { field: fieldRef(opts.column), type: 'ordinal', title: labelOf(opts.column) };
    if (opts.row) facet.row = { field: fieldRef(opts.row), type: 'ordinal', title: labelOf(opts.row) };
    return finish({ data: { values }, facet, spec: inner }, title, opts);
  }
  return finish({ data: { values }, ...inner }, title, opts);
}
