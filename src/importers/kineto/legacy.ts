/**
 * Allocation identity for Kineto `[memory]` events without `Addr` (PyTorch ≤ 1.9, the "legacy" era; documented in
 * docs/importers.md, kineto). Such an event says only "device D gained (+) or lost (−) a block of N bytes", plus
 * the device's running `Total Allocated`. gmemlab rebuilds blocks as follows:
 *
 * - **Identity**: `Bytes > 0` is a new block; `Bytes < 0` frees a live block of exactly `|Bytes|` bytes on the same
 *   device (the caching allocator reports the block size on both sides), the most recently allocated one (LIFO).
 *   Live bytes per device and size are therefore exact whatever the real pairing was; only which of several
 *   equal-size blocks a free ends is a choice.
 * - **Addresses** (the synthesized layout `kineto-legacy`): one region per address space, region `i` at
 *   `LEGACY_BASE_VA + i × LEGACY_REGION_BYTES` (`i = 0` the CPU, `i = 1 + k` the k-th GPU id in ascending
 *   order). A new block takes the address of the most recently freed block of the same size in its region,
 *   as the caching allocator reuses cached blocks, or else the next `LEGACY_ALIGN_BYTES`-aligned address.
 * - **Unmatched free** (no live block of that size: allocated before the trace started): a fresh address,
 *   reported by the caller as a pre-existing allocation at t=0.
 * - **Cross-check**: on each event carrying `Total Allocated`, that value minus the running sum of `Bytes` on the
 *   device must be constant (the bytes allocated before the trace); a change means events are missing or
 *   out of order — counted by the caller, and the baseline re-synchronised so one gap counts once.
 *
 * Pure bookkeeping; no I/O. Sizes and addresses are bytes below 2^53.
 */

/**
 * First synthesized address: 2^47 (128 TiB), just above x86-64 Linux user space (4-level paging), so synthesized
 * blocks never collide with recorded `Addr` values of newer events in the same trace; 504 regions fit below 2^53.
 */
export const LEGACY_BASE_VA = 2 ** 47;
/** Bytes of address space per region (16 TiB). */
export const LEGACY_REGION_BYTES = 2 ** 44;
/** Block alignment (the CUDA caching allocator rounds every block to 512 bytes). */
export const LEGACY_ALIGN_BYTES = 512;
/** Value of the `synthesized_addresses` metadata key this layout writes. */
export const LEGACY_LAYOUT = 'kineto-legacy';

interface Region {
  /** Next never-used offset within the region. */
  bumpBytes: number;
  /** Live block addresses by size, most recent last. */
  readonly live: Map<number, number[]>;
  /** Freed block addresses by size, most recent last (reused first). */
  readonly cached: Map<number, number[]>;
  /** Running sum of `Bytes` seen on this region. */
  runningBytes: number;
  /** `Total Allocated − runningBytes` at the last check (NaN before the first). */
  baselineBytes: number;
}

/** Outcome of a free: its synthesized address, and whether a live block matched. */
export interface LegacyFree {
  readonly va: number;
  readonly matched: boolean;
}

export class LegacyAllocations {
  private readonly regions = new Map<number, Region>();

  /** Address for a new block of `bytes` in region `region`, or NaN when the region is exhausted. */
  alloc(region: number, bytes: number): number {
    const r = this.region(region);
    r.runningBytes += bytes;
    const reuse = r.cached.get(bytes)?.pop();
    const va = reuse ?? this.bump(region, r, bytes);
    if (Number.isNaN(va)) return va;
    push(r.live, bytes, va);
    return va;
  }

  /** Free a block of `bytes` in `region`: the most recent live block of that size, or a fresh address (NaN when exhausted). */
  free(region: number, bytes: number): LegacyFree {
    const r = this.region(region);
    r.runningBytes -= bytes;
    const hit = r.live.get(bytes)?.pop();
    const va = hit ?? this.bump(region, r, bytes);
    if (!Number.isNaN(va)) push(r.cached, bytes, va);
    return { va, matched: hit !== undefined };
  }

  /** The `Total Allocated` the events so far predict for `region`: NaN before the first value was observed. */
  expectedTotal(region: number): number {
    const r = this.region(region);
    return r.baselineBytes + r.runningBytes;
  }

  /** Take `totalAllocatedBytes`, reported with the event just applied, as the region's truth from now on. */
  observeTotal(region: number, totalAllocatedBytes: number): void {
    const r = this.region(region);
    r.baselineBytes = totalAllocatedBytes - r.runningBytes;
  }

  private region(i: number): Region {
    let r = this.regions.get(i);
    if (!r) this.regions.set(i, (r = { bumpBytes: 0, live: new Map(), cached: new Map(), runningBytes: 0, baselineBytes: NaN }));
    return r;
  }

  private bump(i: number, r: Region, bytes: number): number {
    const start = LEGACY_BASE_VA + i * LEGACY_REGION_BYTES + r.bumpBytes;
    const step = Math.ceil(bytes / LEGACY_ALIGN_BYTES) * LEGACY_ALIGN_BYTES;
    if (r.bumpBytes + step > LEGACY_REGION_BYTES || start + step > 2 ** 53) return NaN;
    r.bumpBytes += step;
    return start;
  }
}

function push(m: Map<number, number[]>, k: number, v: number): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
