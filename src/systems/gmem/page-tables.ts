import { HashUnitIndex } from '../../model/unit-index';
import { GiB, KiB, MiB } from '../../units';

/**
 * X97 page-table charge (docs/gmem-model.md §5, `chargePageTables`): the 3-level device table takes its 512-page
 * (2 MiB) root and one 4 KiB table per 2 MiB region with a mapped unit (last level) and per 1 GiB region
 * (middle level) from device memory, wired. Structure constants from device_simulation_freebsd
 * `mad_cdev/vm_cdev.h` (18 + 9 + 9 bits, 12-bit offset); sizes, not costs.
 * Tables live while a unit in their region is mapped on the device. Frames needed =
 * `ceil(tableBytes / unitBytes)`; the caller wires and releases frames to match `framesNeeded`.
 */
export const PT_ROOT_BYTES = 2 * MiB;
export const PT_TABLE_BYTES = 4 * KiB;
export const PT_LEAF_SPAN_BYTES = 2 * MiB;
export const PT_MID_SPAN_BYTES = GiB;

/**
 * Mapped units per table region (a sparse counter map): a hash, plus the counts of the two regions used last
 * kept outside it (written back when they drop out), since consecutive units share their tables — a 2 MiB leaf
 * table spans 512 units of 4 KiB — and a fault maps units of one region while its evictions unmap units of
 * another.
 */
class RegionCounts {
  private readonly hash: HashUnitIndex;
  /** The two cached regions, most recent first (NaN: none); the hash's entries for them are stale. */
  private k0 = NaN;
  private c0 = 0;
  private k1 = NaN;
  private c1 = 0;

  constructor(capacity: number) {
    this.hash = new HashUnitIndex(capacity);
  }

  /** Mapped units in region `key`. */
  count(key: number): number {
    if (key === this.k0) return this.c0;
    if (key === this.k1) return this.c1;
    return Math.max(0, this.hash.get(key));
  }

  /** Add `delta` to region `key`'s count; returns the new count. */
  add(key: number, delta: number): number {
    if (key !== this.k0) {
      let c: number;
      if (key === this.k1) c = this.c1;
      else {
        if (!Number.isNaN(this.k1)) {
          // the older cached region drops out: its count goes back to the hash (0: no entry)
          if (this.c1 !== 0) this.hash.set(this.k1, this.c1);
          else this.hash.delete(this.k1);
        }
        c = Math.max(0, this.hash.get(key));
      }
      this.k1 = this.k0;
      this.c1 = this.c0;
      this.k0 = key;
      this.c0 = c;
    }
    this.c0 += delta;
    return this.c0;
  }
}

export class PageTableCharge {
  private readonly leafCount = new RegionCounts(64);
  private readonly midCount = new RegionCounts(16);
  private leaves = 0;
  private mids = 0;
  /** Wired frames currently held for page tables. */
  framesHeld = 0;

  constructor(
    readonly unitBytes: number,
    readonly enabled: boolean,
  ) {}

  /** Frames the tables need for `leaves` + `mids` interior tables. */
  framesFor(leaves: number, mids: number): number {
    if (!this.enabled) return 0;
    return Math.ceil((PT_ROOT_BYTES + (leaves + mids) * PT_TABLE_BYTES) / this.unitBytes);
  }

  /** Frames needed now. */
  get framesNeeded(): number {
    return this.framesFor(this.leaves, this.mids);
  }

  /** Extra frames (beyond those held) that mapping `unit` would need. */
  extraFramesToMap(unit: number): number {
    if (!this.enabled) return 0;
    const va = unit * this.unitBytes;
    const newLeaf = this.leafCount.count(Math.floor(va / PT_LEAF_SPAN_BYTES)) <= 0 ? 1 : 0;
    const newMid = newLeaf === 0 || this.midCount.count(Math.floor(va / PT_MID_SPAN_BYTES)) > 0 ? 0 : 1;
    if (newLeaf + newMid === 0) return Math.max(0, this.framesFor(this.leaves, this.mids) - this.framesHeld);
    return Math.max(0, this.framesFor(this.leaves + newLeaf, this.mids + newMid) - this.framesHeld);
  }

  /** Unit `unit` became mapped on the device. */
  map(unit: number): void {
    if (!this.enabled) return;
    const va = unit * this.unitBytes;
    if (this.leafCount.add(Math.floor(va / PT_LEAF_SPAN_BYTES), 1) === 1) this.leaves++;
    if (this.midCount.add(Math.floor(va / PT_MID_SPAN_BYTES), 1) === 1) this.mids++;
  }

  /** Unit `unit` is no longer mapped on the device. */
  unmap(unit: number): void {
    if (!this.enabled) return;
    const va = unit * this.unitBytes;
    if (this.leafCount.add(Math.floor(va / PT_LEAF_SPAN_BYTES), -1) === 0) this.leaves--;
    if (this.midCount.add(Math.floor(va / PT_MID_SPAN_BYTES), -1) === 0) this.mids--;
  }
}
