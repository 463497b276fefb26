import { comparisonCells, type ComparisonOptions } from '../comparison-table';
import type { RunLike } from '../flatten';
import type { TableInput } from '../table-input';
import { chartRows, finish, labelOf, type ChartOptions, type Datum, type TopLevelSpec } from './common';

/** Options of `comparisonChart`: those of `comparisonTable` plus title and size. */
export interface ComparisonChartOptions extends ComparisonOptions, ChartOptions {}

/**
 * Per-system comparison drawn as a table: one row per system (or `by` value), one column per metric, each
 * cell the value with its unit; with `baseline`, the cell also shows the ratio to the baseline system and is
 * shaded by it (log2 scale: red = more than the baseline, blue = less; for the default metrics less is
 * better). Same cells as `comparisonTable`.
 *
 * @example comparisonChart(runsTable(results), { baseline: 'uvm' })
 */
export function comparisonChart(input: TableInput | readonly RunLike[], opts: ComparisonChartOptions = {}): TopLevelSpec {
  const by = opts.by ?? 'system';
  const cells = comparisonCells(chartRows(input) as Record<string, unknown>[], opts);
  const values: Datum[] = cells.map((c) => ({
    item: c.item,
    metric: c.metric,
    text: c.text,
    log2Ratio: c.ratio !== null && c.ratio > 0 ? Math.max(-4, Math.min(4, Math.round(Math.log2(c.ratio) * 1000) / 1000)) : null,
  }));
  const items = [...new Set(cells.map((c) => c.item))];
  const metrics = [...new Set(cells.map((c) => c.metric))];
  const x = { field: 'metric', type: 'ordinal', sort: metrics, title: null, axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false, labelFontWeight: 'bold' } };
  const y = { field: 'item', type: 'ordinal', sort: items, title: labelOf(by), axis: { domain: false, ticks: false } };
  const layers: Record<string, unknown>[] = [];
  if (opts.baseline !== undefined) {
    layers.push({
      mark: { type: 'rect' },
      encoding: { x, y, color: { field: 'log2Ratio', type: 'quantitative', title: `log2 ratio to ${opts.baseline}`, scale: { scheme: 'redblue', reverse: true, domain: [-4, 4] } } },
    });
  }
  layers.push({ mark: { type: 'text', fontSize: 11 }, encoding: { x, y, text: { field: 'text', type: 'nominal' } } });
  return finish(
    { data: { values }, width: opts.width ?? { step: 120 }, height: opts.height ?? { step: 26 }, layer: layers },
    opts.baseline !== undefined ? `Comparison with ${opts.baseline}` : 'Comparison',
    opts,
  );
}
