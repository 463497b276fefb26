import { HashUnitIndex } from '../../model/unit-index';
import { GiB, KiB, MiB } from '../../units';

/**
 * X97 page-table charge (gmem-model.md §5, `chargePageTables`): the 3-level device table takes its 512-page
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
    const newMid = this.midCount.get(Math.floor(va / PT_MID_SPAN_BYTES)) <= 0 ? 1 : 0;
    return Math.max(0, this.framesFor(this.leaves + newLeaf, this.mids + newMid) - this.framesHeld);
  }

  /** Unit `unit` became mapped on the device. */
  map(unit: number): void {
    if (!this.enabled) return;
    const va = unit * this.unitBytes;
    const l = Math.floor(va / PT_LEAF_SPAN_BYTES);
    const lc = this.leafCount.get(l);
    if (lc <= 0) this.leaves++;
    this.leafCount.set(l, lc <= 0 ? 1 : lc + 1);
    const m = Math.floor(va / PT_MID_SPAN_BYTES);
    const mc = this.midCount.get(m);
    if (mc <= 0) this.mids++;
    this.midCount.set(m, mc <= 0 ? 1 : mc + 1);
  }

  /** Unit `unit` is no longer mapped on the device. */
  unmap(unit: number): void {
    if (!this.enabled) return;
    const va = unit * this.unitBytes;
    const l = Math.floor(va / PT_LEAF_SPAN_BYTES);
    const lc = this.leafCount.get(l);
    if (lc === 1) {
      this.leafCount.delete(l);
      this.leaves--;
    } else this.leafCount.set(l, lc - 1);
    const m = Math.floor(va / PT_MID_SPAN_BYTES);
    const mc = this.midCount.get(m);
    if (mc === 1) {
      this.midCount.delete(m);
      this.mids--;
    } else this.midCount.set(m, mc - 1);
  }
}
