import type { RunLike } from '../flatten';
import type { TableInput } from '../table-input';
import { chartRows, columnsOfRows, distinct, type ChartOptions, type TopLevelSpec } from './common';
import { responseCurveChart } from './response-curve';

/** Options of `sensitivityChart`. */
export interface SensitivityOptions extends ChartOptions {
  /** The swept profile-field multiplier column, e.g. `scale.link.h2dBytesPerNs` (default: the only `scale.*` column). */
  readonly x?: string;
  /** Response column (default `simTimeNs`). */
  readonly y?: string;
  readonly color?: string;
  readonly logY?: boolean | 'auto';
}

/**
 * Sensitivity of a result to one profile field: `y` (default simulated time) against the field's multiplier
 * (×0.5 … ×4 of the profile value) on a log2 x axis, one line per system, a panel per trace (and profile)
 * when there are several.
 *
 * @example sensitivityChart(table, { x: 'scale.link.h2dBytesPerNs' })
 */
export function sensitivityChart(input: TableInput | readonly RunLike[], opts: SensitivityOptions = {}): TopLevelSpec {
  const rows = chartRows(input);
  let x = opts.x;
  if (x === undefined) {
    const scales = columnsOfRows(rows).filter((c) => c.startsWith('scale.'));
    if (scales.length !== 1) throw new Error(`sensitivityChart: pass the x column; the table has ${scales.length ? `several multiplier columns (${scales.join(', ')})` : 'no scale.* column'}`);
    x = scales[0]!;
  }
  const y = opts.y ?? 'simTimeNs';
  return responseCurveChart(rows, {
    x,
    y,
    color: opts.color ?? 'system',
    logX: true,
    logBaseX: 2,
    logY: opts.logY ?? 'auto',
    ...facetsFor(rows),
    title: opts.title ?? `Sensitivity of ${y === 'simTimeNs' ? 'simulated time' : y} to ${x.replace(/^scale\./, '')}`,
    width: opts.width,
    height: opts.height,
  });
}

/** A column per trace and a row per profile when there are several of each. */
function facetsFor(rows: readonly Readonly<Record<string, unknown>>[]): { column?: string; row?: string } {
  const traces = distinct(rows, 'trace').length > 1;
  const profiles = distinct(rows, 'profile').length > 1;
  if (traces && profiles) return { column: 'trace', row: 'profile' };
  if (traces) return { column: 'trace' };
  if (profiles) return { column: 'profile' };
  return {};
}
