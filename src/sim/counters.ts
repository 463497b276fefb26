/**
 * The counters every system reports (docs/cli.md §4, docs/gmem-model.md §10). A counter that cannot occur in a system
 * stays 0. System-specific counters go to `extra` (returned by `SystemModel.finish`).
 */
export class Counters {
  /** Trace rows processed. */
  events = 0;
  /** Access rows weighted by `count`. */
  accesses = 0;
  deviceFaults = 0;
  cpuFaults = 0;
  zeroFills = 0;
  migrationsH2D = 0;
  migrationsD2H = 0;
  bytesH2D = 0;
  bytesD2H = 0;
  /** Bytes moved by prefetch (hints or prefetcher); included in `bytesH2D`. */
  prefetchedBytes = 0;
  /**
   * The application's explicit copies (`copy` rows without a destination address, e.g. cudaMemcpy in an Nsight,
   * Kineto or rocprof trace): replayed identically by every system, NOT included in `migrations*`/`bytes*`.
   */
  explicitCopies = 0;
  explicitCopyBytes = 0;
  evictions = 0;
  tlbInvalidations = 0;
  mapOps = 0;
  unmapOps = 0;
  remoteAccesses = 0;
  oomEvents = 0;
  errorEvents = 0;
}

/** Counter field names in result order. */
export const COUNTER_FIELDS = Object.keys(new Counters()) as (keyof Counters)[];
