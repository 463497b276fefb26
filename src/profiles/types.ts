/**
 * Hardware profiles (docs/hardware-profiles.md). A platform pairs one device, one link and one host. Every
 * number has a source (status code + reference); placeholders are status 'P' and runs using them say so.
 * Units: bytes, ns, bytes/ns (1 byte/ns = 1 GB/s decimal).
 *
 * The `*Profile` interfaces are the RESOLVED form systems read: every field present, derived defaults
 * already computed (profiles/resolve.ts). Preset data files may leave derived fields out.
 */

/**
 * M measured · D driver/simulator source constant · S spec arithmetic · 2 secondary · U unverified · P placeholder ·
 * O set by the user for this run (`--set`; the ref names the override).
 */
export type SourceStatus = 'M' | 'D' | 'S' | '2' | 'U' | 'P' | 'O';

export interface Source {
  readonly status: SourceStatus;
  /** Citation: URL, repository path with line, paper, or the reasoning for a placeholder. */
  readonly ref: string;
  /**
   * Optional: the range `[low, high]` (field's base unit) the cited source gives when it reports a span rather
   * than one number (e.g. "20–50 µs per fault"). A ranged field counts as uncertain: robustness checks
   * (src/analysis/robustness.ts) vary it like a placeholder.
   */
  readonly range?: readonly [number, number];
}

/** Field key path (e.g. `memory.capacityBytes`) → its source. */
export type Sources = Readonly<Record<string, Source>>;

export interface DeviceProfile {
  readonly id: string;
  readonly summary: string;
  readonly memory: { readonly capacityBytes: number; readonly bandwidthBytesPerNs: number };
  /** Supported device page sizes, ascending. */
  readonly pageSizesBytes: readonly number[];
  /** GMEM `GM_DEV_CAP_REPLAYABLE` / `GM_DEV_CAP_PEER`. */
  readonly capability: { readonly replayable: boolean; readonly peer: boolean };
  readonly vaBits: number;
  readonly ptLevels: number;
  /**
   * Driver page-table allocation sizes (UVM's `allocation_size` MMU HAL): one page directory, and the PTE tables
   * under one 2 MiB directory entry mapped with small pages (4 KiB-PTE table + 64 KiB-PTE table).
   */
  readonly pageTable: { readonly dirBytes: number; readonly pteTablesBytesPer2M: number };
  readonly fault: {
    /** Software service time of one far fault. */
    readonly serviceNs: number;
    /** UVM per-batch fixed cost and per-page cost. */
    readonly batchFixedNs: number;
    readonly perPageNs: number;
    /**
     * UVM service cost per fetched fault-buffer entry (duplicates included), per VA block serviced, per faulted page,
     * per contiguous region of the pages a block service makes resident.
     */
    readonly perEntryNs: number;
    readonly perBlockNs: number;
    readonly perFaultNs: number;
    readonly perRegionNs: number;
    /** UVM: one PMA allocation call of the GPU memory manager (a batch of 2^pmaBatchOrder root chunks). */
    readonly pmaAllocNs: number;
  };
  readonly tlb: {
    /** One range (or single-entry) invalidation. */
    readonly invalidateNs: number;
    /** One whole-domain flush. */
    readonly invalidateAllNs: number;
    /** Whether range-based invalidation exists (false: one invalidation per entry). */
    readonly rangeInvalidate: boolean;
  };
  readonly map: {
    readonly peerMapNs: number;
    readonly peerUnmapNs: number;
    readonly bindNs: number;
    readonly unbindNs: number;
    readonly pteNs: number;
    readonly submitNs: number;
    readonly pmapCreateNs: number;
    readonly peerVaAllocNs: number;
    readonly peerVaFreeNs: number;
    readonly iovaAllocNs: number;
  };
  readonly zeroFillBytesPerNs: number;
  readonly sources: Sources;
}

export interface LinkProfile {
  readonly id: string;
  readonly summary: string;
  /** Spec peak per direction. */
  readonly peakBytesPerNs: number;
  /** Achieved asymptotic copy rates. */
  readonly h2dBytesPerNs: number;
  readonly d2hBytesPerNs: number;
  /** Fixed cost per transfer in the affine model `t = latencyNs + bytes / rate`. */
  readonly latencyNs: number;
  /** Latency of one remote (non-migrating) access. */
  readonly remoteLatencyNs: number;
  /** `affine` (`latencyNs + bytes / rate`) or the UVMSmart `atan` curve. */
  readonly model: 'affine' | 'atan';
  /** UVMSmart model `speed_GBps(size) = (2a/π)·atan(b·size_KB)`. */
  readonly atanA: number;
  readonly atanB: number;
  readonly sources: Sources;
}

export interface HostProfile {
  readonly id: string;
  readonly summary: string;
  readonly dramBytes: number;
  /** Number of identical devices on the platform (agents dev0…devN-1). */
  readonly devices: number;
  readonly cores: number;
  readonly tlbShootdownNs: number;
  readonly cpuFaultNs: number;
  readonly zeroFillBytesPerNs: number;
  readonly dmaMapNs: number;
  readonly dmaUnmapNs: number;
  readonly notifierNs: number;
  readonly mmapNs: number;
  readonly munmapNs: number;
  readonly vmaSplitNs: number;
  /** One mprotect call (the `protect` op), excluding TLB shootdowns. */
  readonly mprotectNs: number;
  readonly sources: Sources;
}

/** What `--profile` names: one device, one link, one host, all resolved. */
export interface Platform {
  readonly id: string;
  readonly summary: string;
  readonly device: DeviceProfile;
  readonly link: LinkProfile;
  readonly host: HostProfile;
}

export type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
