import type { ChartOptions, TopLevelSpec } from './common';
import { seriesRows, timelineSpec, type SeriesInput, type TimelineOptions } from './timeline';

/** Options of `mapRateChart`. */
export interface MapRateOptions extends TimelineOptions, ChartOptions {
  /** Which operations (default map and unmap). */
  readonly ops?: readonly ('map' | 'unmap')[];
}

/**
 * Device mapping operations (`mapOps`/`unmapOps`: GMEM peer_map/peer_unmap, binds/unbinds, DMA map/unmap)
 * per simulated second over time, one line per run and operation (solid map, dashed unmap), coloured by
 * system. What the game-remapping study reads "sustained binds per second" from. Input: run results or a
 * `seriesTable`.
 *
 * @example mapRateChart([gpuvmResult, gmemResult])
 */
export function mapRateChart(input: SeriesInput, opts: MapRateOptions = {}): TopLevelSpec {
  const ops = opts.ops ?? ['map', 'unmap'];
  const measures = ops.map((o) => ({ column: `${o}OpsPerS`, label: `${o} ops` }));
  return timelineSpec(seriesRows(input), measures, 'operations per simulated second', undefined, 'Map and unmap operation rate', opts, 'rate');
}
