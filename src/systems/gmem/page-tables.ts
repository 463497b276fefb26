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

export class PageTableCharge {
  private readonly leafCount = new HashUnitIndex(64);
  private readonly midCount = new HashUnitIndex(16);
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
    const newLeaf = this.leafCount.get(Math.floor(va / PT_LEAF_SPAN_BYTES)) <= 0 ? 1 : 0;
    const newMid = newLeaf === 0 || this.midCount.get(Math.floor(va / PT_MID_SPAN_BYTES)) > 0 ? 0 : 1;
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
