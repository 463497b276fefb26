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
export { openTrace, sliceBatch, type OpenTraceOptions, type OpenedTrace, type ImportReader, type TraceSource } from './importers/open';
export { importFile, outputKindOf, type ImportOutputKind } from './importers/import-file';
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
export type { WorkloadDef, WorkloadId } from './workloads/types';
export { workloads, workloadIds, getWorkload } from './workloads/index';
export { workloadTrace } from './workloads/trace';
export { resolveWorkloadParams, type WorkloadParamInput } from './workloads/params';
export { writeWorkloadTrace, type GenerateSummary } from './workloads/write';
export { DEFAULT_INSTANCE_PARAMS, defaultInstanceParams, defaultTracePath, GENERATED_INSTANCE_PARAMS, generatedInstanceParams } from './workloads/defaults';
export { defaultInstanceTrace } from './analysis/default-trace';
export { syntheticAccessTrace, syntheticAccessBatches, type SyntheticAccessParams } from './workloads/synthetic-access';
export { mlTrainFootprint, layersForFootprint } from './workloads/ml-train/model';
export { lineRatePps, wireGbps } from './workloads/nic-rx/index';
// ---- gmem engineer: profiles, run specs, run/compare, systems, policies, model mechanics
export * from './profiles/types';
export type { DevicePreset, LinkPreset, HostPreset, PlatformPreset, PresetData } from './profiles/preset-types';
export { FIELDS, FIELD_KEYS, type FieldSpec, type FieldKind } from './profiles/fields';
export {
  BUILTIN_DEVICES, BUILTIN_LINKS, BUILTIN_HOSTS, BUILTIN_PLATFORMS, listPlatforms, listDevices, listLinks, listHosts,
  platformPreset, platformParts, registerDevice, registerLink, registerHost, registerPlatform,
} from './profiles/index';
export { resolvePlatform, parseFieldValue, fieldValue, placeholderFields, isProfileKey, type ProfileOverrides, type FieldValue } from './profiles/resolve';
export { type RunSpec, type SystemItem, parseSystemItems, OVERSUB_BASES } from './run/run-spec';
export { TouchedPages, TOUCHED_PAGE_BYTES } from './run/touched-pages';
export { runStatus, RUN_STATUSES, type RunStatus } from './sim/run-status';
export { normalize, type TraceFacts } from './run/normalize';
export { run, compare, scanTrace, planRuns, type TraceScan } from './run/run';
export { simulate, type SimulateOptions } from './sim/engine';
export { simSeriesTable, summaryRows, flattenSummary } from './analysis/series-table';
export { formatResults, resultsSummary, topCostCause, describeCapacity, type ResultFormat, type FormatResultsOptions } from './analysis/format-results';
export { robustness, formatRobustness, conclusionOf, sameConclusion, MODELLING_PARAMS, type RobustnessOptions, type RobustnessReport, type RobustnessInput, type Conclusion } from './analysis/robustness';
export { SYSTEM_PRESETS, systemPreset, listSystemPresets, registerSystemPreset } from './systems/index';
export type { SystemDef, SystemModel, SystemEnv, SystemPreset, RowHook } from './sim/system';
export type { ParamDoc, ParamValue } from './params';
export { EVICTION_POLICIES, EVICTION_POLICY_NAMES, evictionPolicy } from './policies/index';
export { unitCosts, remoteAccessNs, deviceCopyNs, type UnitCosts } from './model/cost';
export { progress, type Progress, type ProgressOptions } from './display/progress';
export { showTable } from './display/show-table';
export { tableBundle, formatNumber, type HtmlTableOptions } from './display/html-table';
export { x97Case, X97_MODES, X97_WORKLOADS, type X97CaseRow } from './figures/x97-case';
export { gmem, gmemLinux, gmemPaper } from './systems/gmem/index';
export type { GmemParams } from './systems/gmem/params';
export type { ImporterDef, ImportContext, FormatId } from './importers/types';
export { REAL_IMPORTERS, sniffRealFormat } from './importers/real-formats';
export { createImportContext, type CollectingImportContext, type ObservationTables } from './importers/shared/context';
export { readSafePickle, type PickleValue } from './importers/pytorch-snapshot/safe-pickle';
// ---- systems engineer: comparison systems, the ISCA'19 policy family, shared mechanics
export { uvmSystem, uvmPreset, type UvmParams } from './systems/uvm/index';
export { hmmSvmSystem, hmmSvmPreset, type HmmSvmParams } from './systems/hmm-svm/index';
export { explicitCopySystem, explicitCopyPreset, type ExplicitCopyParams } from './systems/explicit-copy/index';
export { gpuvmSparseSystem, gpuvmSparsePreset, type GpuvmSparseParams } from './systems/gpuvm-sparse/index';
export { iommuDmaSystem, iommuDmaPreset, type IommuDmaParams } from './systems/iommu-dma/index';
export { PREFETCH_POLICIES, PREFETCH_POLICY_IDS, type PrefetchPolicyId } from './policies/prefetch/index';
export type { BlockFaultView, PrefetchEnv, PrefetchPolicy, PrefetchPolicyDef } from './policies/prefetch/types';
export type { EvictionPolicy, EvictionPolicyDef, PolicyEnv } from './policies/types';
export { LinkTimeline } from './model/link-timeline';
// ---- analysis engineer: result tables, chart builders, sweeps
export * from './analysis/tables';
export { sweep, expandSweep, checkSweepSpec, loadSweepSpec, parseSweepSpec, loadResults, readResultRows, ResultRows } from './analysis/sweep';
export type { SweepSpec, SweepOptions, SweepOutcome, SweepProgress, SweepPoint, SweepRunResult, SweepBackend, TraceSpec } from './analysis/sweep';
export { slurmSweep, prepareSlurmSweep, type SlurmSweepOptions, type SlurmSweepOutcome } from './analysis/sweep/slurm/submit';
export { sweepStatus as slurmSweepStatus, collect as collectSlurmSweep, formatStatus as formatSlurmStatus, type SlurmStatus } from './analysis/sweep/slurm/status';
export type { MigrationSizes, MigrationSizeBucket } from './sim/migration-sizes';
export * from './analysis/charts/index';
export { formatCount, formatRatio, formatValue, unitOfColumn } from './analysis/format';
// ---- figures engineer: published reference tables, reproduced figures, the RFC-debate experiments
export {
  loadReference, parseReference, referenceTable, REFERENCE_DIR, REFERENCE_NAMES, REFERENCE_SCHEMAS,
  type ReferenceName, type ReferenceRow, type ReferenceTable, type Isca19Row, type TransferTimeRow, type RealOversubRow, type Sc21Reading, type GmemClaim, type CodeSizeRow, type RfcClaim,
} from './analysis/reference';
export {
  computeFigures, figureDef, FIGURES, FIGURE_IDS, FigureContext, capacityForLevel, comparedRow, meets, orderingCheck, standardFindings, toleranceText,
  type ComputeFiguresOptions, type FiguresOutcome, type FigureOptions, type FigureScale, type FigureTrace, type ComparedRow, type Criterion, type FigureChart, type FigureDef, type FigureResult, type OrderingCheck,
} from './figures/index';
export { writeFigures, summaryCsv, orderingsCsv, passRateText, findingsMarkdown, SUMMARY_COLUMNS, type WrittenFigures } from './figures/write';
export { debateVerdicts, DEBATE_CLAIMS, type DebateOptions, type DebateOutcome, type ClaimDef, type ClaimResult, type DebateRow, type Verdict } from './figures/debate/index';
export { comparedTableHtml, debateTableHtml, esc as escapeHtml, figureHtml, findingsHtml, orderingsHtml, rowsTableHtml } from './figures/html';
export { publishedVsReproducedBars, groupedBars } from './figures/charts';
// ---- notebooks engineer: helpers of the study notebooks
export { falloffTable, type FalloffOptions } from './analysis/falloff';
export { bindingCostTable, type BindingCostOptions } from './analysis/binding-cost';
export { counterFamilyTable, type CounterFamilyOptions } from './analysis/counter-family';
export { footprintTimeline, type FootprintTimeline, type FootprintTimelineOptions, type FootprintPoint } from './analysis/footprint-timeline';
export { tlbReachTable, type TlbReachOptions } from './analysis/tlb-reach';
export { withMapPageBytes, type MapPageBytesOptions } from './trace/page-size-rewrite';
export { TRACE_SAMPLES, TRACE_SAMPLES_ENV, traceSamplesRoot, locateTraceSamples, type TraceSampleInfo, type LocatedSample } from './importers/sample-catalogue';
export { profileFieldsTable } from './analysis/profile-fields';
