/**
 * GMEM's `extra` counters (docs/cli.md §4 `extra`), in result order. All are always reported (0 when they did not
 * occur) so tables over many runs have one schema.
 */
export class GmemExtra {
  /** Row 4 via host (decision B). */
  crossDeviceMigrations = 0;
  /** Row 4 with `crossDevice=rfc-noop`: faults answered with success and nothing mapped. */
  crossDeviceNoop = 0;
  /** REPLICATE: device-table entries installed for CPU mappings (decision D). */
  replicaInstalls = 0;
  /** REPLICATE: invalidations fanned out to replicas by CPU-side unmaps/zaps. */
  replicaInvalidations = 0;
  /** CPU TLB shootdowns (row 2 zaps, range unmaps, mprotect, fork). */
  cpuShootdowns = 0;
  /** Row 10: device faults on a unit whose eviction write-back was in flight (GM_RET_MIGRATING). */
  migratingRetries = 0;
  /** hmadvise PREFETCH calls served. */
  prefetchCalls = 0;
  /** PREFETCH calls ignored (SHARE / REPLICATE modes). */
  prefetchIgnored = 0;
  /** Units discarded by hmadvise DONTNEED. */
  dontneedUnits = 0;
  /** Context attaches (`pmap_create`), one per device. */
  pmapCreates = 0;
  /** `peer_va_alloc_fixed` calls on PEER devices. */
  peerVaAllocs = 0;
  /** `peer_va_free` calls (only with `chargePeerVaFree`). */
  peerVaFrees = 0;
  /** Peak wired page-table frames over all devices (`chargePageTables`). */
  pageTableFramesPeak = 0;
  /** Peak VMA count (§11). */
  vmaCount = 0;
  /** §11: `map` ops replayed as mmap + copy (GMEM cannot alias a backing object). */
  aliasCopies = 0;
  aliasCopyBytes = 0;
  /** §11: binds with at least one attribute GMEM's mmap cannot express, and per attribute. */
  inexpressibleBinds = 0;
  inexpressibleNull = 0;
  inexpressibleCompressed = 0;
  inexpressibleReadonly = 0;
  inexpressibleAliased = 0;
  inexpressiblePageSize = 0;
  /** `fork` ops, CPU copy-on-write faults, and device accesses that needed a CPU round trip to break COW. */
  forks = 0;
  cowFaults = 0;
  cowDeviceRoundTrips = 0;
  /** `protect` (mprotect) ops. */
  protectOps = 0;
  /** Advice with no GMEM equivalent; copies to an address without a byte count. */
  adviceIgnored = 0;
  copiesIgnored = 0;
  /** Row 13 (fault injection only). */
  dataLoss = 0;
  /** Peak host memory used as backing store, bytes. */
  hostPeakBytes = 0;

  toRecord(): Record<string, number> {
    return { ...this } as unknown as Record<string, number>;
  }
}
