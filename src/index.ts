/**
 * gmemlab public API: what notebooks import (besides `src/analysis/notebook.ts`). Re-exports only; every
 * module has its own doc comments.
 */
export * from './units';
export * from './trace/event';
export * from './trace/batch';
export * from './trace/strings';
export * from './trace/trace';
export * from './trace/digest';
export * from './trace/footprint';
export { writeCanonicalCsv } from './trace/canonical-csv/write';
export { readCanonicalCsv, type CanonicalCsvReadOptions } from './trace/canonical-csv/read';
export { openTrace, sliceBatch, type OpenTraceOptions, type OpenedTrace, type ImportReader, type TraceSource } from './trace/open';
export { importFile, outputKindOf, type ImportOutputKind } from './trace/import-file';
export { summarizeTrace, TraceSummarizer, type TraceSummary } from './trace/summary';
export { SemanticChecker } from './trace/semantic-check';
export { sourceLineOf, setSourceLines } from './trace/source-lines';
export { sortByTime } from './trace/sort';
export { ArrowTraceWriter } from './trace/arrow/write';
export { readArrowInfo, readArrowBatches, isArrowFile, ArrowTraceError } from './trace/arrow/read';
export type { ArrowTraceInfo } from './trace/arrow/schema';
export { loadMapSpec, validateMapSpec, type MapSpec, type ColumnRule, type ResolvedMapSpec } from './trace/map/spec';
export { cacheRoot, type CacheOptions } from './trace/cache';
export { importers, importerList, knownFormats, getImporter, registerImporter, detectFormat } from './importers/index';
export * from './log/diagnostic';
export { DiagnosticLog } from './log/collector';
export * from './sim/run-types';
export { Cause, CAUSE_FIELDS, CAUSE_NAMES } from './sim/clock';
export { COUNTER_FIELDS } from './sim/counters';
export { transferNs, effectiveBytesPerNs } from './model/link';
export { VERSION } from './version';
export { progress, type Progress, type ProgressOptions } from './progress';
export type { WorkloadDef, WorkloadId } from './workloads/types';
export { workloads, workloadIds, getWorkload } from './workloads/index';
export { workloadTrace } from './workloads/trace';
export { resolveWorkloadParams, type WorkloadParamInput } from './workloads/params';
export { writeWorkloadTrace, type GenerateSummary } from './workloads/write';
export { syntheticAccessTrace, syntheticAccessBatches, type SyntheticAccessParams } from './workloads/synthetic-access';
export { mlTrainFootprint, layersForFootprint } from './workloads/ml-train/model';
export { lineRatePps, wireGbps } from './workloads/nic-rx/index';
export type { ImporterDef, ImportContext, FormatId } from './importers/types';
export { REAL_IMPORTERS, sniffRealFormat } from './importers/real-formats';
export { createImportContext, type CollectingImportContext, type ObservationTables } from './importers/shared/context';
export { readSafePickle, type PickleValue } from './importers/pytorch-snapshot/safe-pickle';
