import { bytesUnitFor, scaled, type ChartOptions, type TopLevelSpec } from './common';
import { seriesRows, timelineSpec, type SeriesInput, type TimelineOptions } from './timeline';

/** Options of `residencyTimelineChart`. */
export interface ResidencyTimelineOptions extends TimelineOptions, ChartOptions {
  /** Draw each run's device capacity as a dashed rule (default true). */
  readonly showCapacity?: boolean;
}

/**
 * Device-resident memory over simulated time, one line per run coloured by system, with each run's device
 * capacity as a dashed horizontal rule in the same colour (oversubscribed runs sit on it). Bytes in the
 * binary unit that suits the largest value. Input: run results or a `seriesTable`.
 *
 * @example residencyTimelineChart(results, { column: 'oversub' })
 */
export function residencyTimelineChart(input: SeriesInput, opts: ResidencyTimelineOptions = {}): TopLevelSpec {
  const rows = seriesRows(input);
  const max = Math.max(0, ...rows.map((r) => Math.max(Number(r.residentBytes) || 0, Number(r.capacityBytes) || 0)));
  const unit = bytesUnitFor(max);
  const showCap = opts.showCapacity ?? true;
  return timelineSpec(rows, [{ column: 'residentBytes', label: 'resident' }], 'device-resident memory', unit, 'Device residency over time', { ...opts, logY: opts.logY ?? false }, 'level', (colorEnc, groupFields) => {
    if (!showCap) return [];
    return [
      {
        transform: [{ aggregate: [{ op: 'max', field: 'capacity', as: 'capacity' }], groupby: groupFields }],
        mark: { type: 'rule', strokeDash: [6, 3], opacity: 0.7 },
        encoding: { y: { field: 'capacity', type: 'quantitative' }, color: colorEnc, tooltip: [{ field: 'capacity', type: 'quantitative', title: `capacity (${unit.unit})`, format: ',.4~g' }] },
      },
    ];
  }, (d, r) => {
    d.capacity = scaled(r.capacityBytes, unit);
  });
}
