/**
 * Chart builders (phase 6, docs/architecture.md §2): result tables → vega-lite v5 specs as plain JSON. They never
 * render; `show()` (src/analysis/notebook.ts) does. One builder per file; docs/analysis.md has an example
 * of each.
 */
export { timeBreakdownChart, CAUSE_COLORS, type TimeBreakdownChartOptions } from './time-breakdown';
export { responseCurveChart, type ResponseCurveOptions } from './response-curve';
export { oversubCurveChart, type OversubCurveOptions } from './oversub-curve';
export { sensitivityChart, type SensitivityOptions } from './sensitivity';
export { faultTimelineChart, type FaultTimelineOptions } from './fault-timeline';
export { residencyTimelineChart, type ResidencyTimelineOptions } from './residency-timeline';
export { mapRateChart, type MapRateOptions } from './map-rate';
export { migrationHistogramChart, sizeBucket, type MigrationHistogramOptions } from './migration-histogram';
export { comparisonChart, type ComparisonChartOptions } from './comparison';
export { publishedVsReproducedChart, type PublishedVsReproducedOptions } from './published-vs-reproduced';
export { dotPlotChart, type DotPlotOptions } from './dot-plot';
export { colorScale, SYSTEM_COLORS, EXTRA_COLORS, fieldRef, timeUnitFor, bytesUnitFor, spansDecades, VL_SCHEMA, type ChartOptions, type TopLevelSpec } from './common';
export { seriesRows, type SeriesInput, type TimelineOptions } from './timeline';
export { checkReadability, readabilityProblems, DEFAULT_READABILITY, type ReadabilityLimits } from './readability';
export { zoomParams, STROKE_LEGEND } from './common';
