import type { Diagnostic } from '../log/diagnostic';
import type { Platform } from '../profiles/types';
import type { ParamValue } from '../params';
import type { MigrationSizes } from './migration-sizes';
import type { ResultEvent } from './result-events';
import type { RunStatus } from './run-status';

/**
 * What `--oversub` divides (docs/cli.md §3): `touched` (default) = distinct 4 KiB pages the trace's access
 * rows cover, in bytes; `allocated` = peak live device-accessible allocated bytes in 2 MiB granules.
 */
export type OversubBasis = 'touched' | 'allocated';

/**
 * A fully resolved run (phase 3 output): every default filled, every override applied, validated.
 * Model code never applies defaults of its own. `specHash` = hashOf(everything here except `specHash`,
 * `traceName` and `debug`), so a renamed trace file or debug mode does not change the hash.
 */
export interface ResolvedRun {
  /** The `--system` item as given, e.g. `uvm:prefetch=none`. */
  readonly system: string;
  /** The preset it names, e.g. `uvm`. */
  readonly preset: string;
  /** The model behind the preset, e.g. `gmem` for `gmem-linux`. */
  readonly model: string;
  /** The model's revision (`SystemDef.revision`): part of `specHash`. */
  readonly modelRevision: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Resolved platform; its device capacity is the capacity used. */
  readonly platform: Platform;
  readonly capacityBytes: number;
  readonly footprintBytes: number;
  /** Touched footprint (distinct 4 KiB pages accessed, bytes); null or absent when the trace facts did not include it. */
  readonly touchedBytes?: number | null;
  /** `--oversub` ratio, or null when capacity came from the profile. */
  readonly oversub: number | null;
  /** What `oversub` divided (null or absent without `--oversub`). */
  readonly oversubBasis?: OversubBasis | null;
  readonly seed: number;
  readonly traceDigest: string;
  readonly traceName: string;
  /** Highest device agent code in the trace (0: only the CPU appears); null or absent when the trace facts did not include it. Not in `specHash`. */
  readonly maxAgent?: number | null;
  /** gmemlab version. */
  readonly version: string;
  readonly debug: boolean;
  readonly specHash: string;
  /**
   * Warnings of run planning about this run (`run.oversub-below-unit`); absent when there are none. Not in
   * `specHash`: they follow from what is hashed. The engine adds them to the result (`summary.warnings`, `diagnostics`).
   */
  readonly warnings?: readonly Diagnostic[];
}

/** One result row: exactly the fields of docs/cli.md §4 (names are a contract). */
export interface RunSummary {
  readonly system: string;
  readonly preset: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly profile: string;
  readonly capacityBytes: number;
  readonly footprintBytes: number;
  /** Distinct 4 KiB pages touched by access rows, in bytes (null when unknown). */
  readonly touchedBytes: number | null;
  readonly oversub: number | null;
  /** `touched` or `allocated`: what `oversub` divided (null without `--oversub`). */
  readonly oversubBasis: OversubBasis | null;
  readonly events: number;
  readonly accesses: number;
  readonly deviceFaults: number;
  readonly cpuFaults: number;
  readonly zeroFills: number;
  readonly migrationsH2D: number;
  readonly migrationsD2H: number;
  readonly bytesH2D: number;
  readonly bytesD2H: number;
  readonly prefetchedBytes: number;
  /** The application's explicit copies (`copy` rows without a destination address), apart from migrations. */
  readonly explicitCopies: number;
  readonly explicitCopyBytes: number;
  readonly evictions: number;
  readonly tlbInvalidations: number;
  readonly mapOps: number;
  readonly unmapOps: number;
  readonly remoteAccesses: number;
  readonly oomEvents: number;
  readonly errorEvents: number;
  /** `ok`, `oom` or `error` from `oomEvents`/`errorEvents` (src/sim/run-status.ts); only `ok` times are comparable. */
  readonly status: RunStatus;
  readonly simTimeNs: number;
  readonly timeComputeNs: number;
  readonly timeFaultNs: number;
  readonly timeTransferNs: number;
  readonly timeEvictNs: number;
  readonly timeInvalidateNs: number;
  readonly timeMapNs: number;
  readonly timeRemoteNs: number;
  readonly timeOtherNs: number;
  readonly extra: Readonly<Record<string, number>>;
  readonly specHash: string;
  readonly traceDigest: string;
  readonly seed: number;
  readonly version: string;
  /** Warning counts by message code (includes lenient-import skip counts when the trace was imported leniently). */
  readonly warnings: Readonly<Record<string, number>>;
}

/**
 * Sampled time series of one run, columnar (equal-length arrays). Samples are taken on simulated time at a
 * uniform interval that doubles whenever the sample budget fills (bounded memory for any trace length).
 * Counters are cumulative; charts derive rates.
 */
export interface RunSeries {
  readonly tNs: number[];
  readonly events: number[];
  readonly deviceFaults: number[];
  readonly cpuFaults: number[];
  readonly bytesH2D: number[];
  readonly bytesD2H: number[];
  readonly evictions: number[];
  readonly mapOps: number[];
  readonly unmapOps: number[];
  readonly residentBytes: number[];
}

export interface RunResult {
  readonly summary: RunSummary;
  readonly run: ResolvedRun;
  readonly series: RunSeries;
  /**
   * Migration-size histogram per direction (src/sim/migration-sizes.ts), recorded by the engine for every
   * run. Optional only so hand-made results in tests may leave it out.
   */
  readonly migrationSizes?: MigrationSizes;
  /** The first result events (all are counted in the summary). */
  readonly resultEvents: readonly ResultEvent[];
  readonly resultEventCounts: Readonly<Record<string, number>>;
  /** First examples of each warning code. */
  readonly diagnostics: readonly Diagnostic[];
  /** Where the numbers came from: importer, source digest, profile sources, seed, version. */
  readonly provenance: Readonly<Record<string, unknown>>;
}
