import type { VaBlocks } from './blocks';
import * as deviceMemory from './device-memory';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { PAGE_BYTES } = deviceMemory;

/**
 * Walk of the VA blocks an address range `[va, end)` covers, and of the page range inside each (the driver's
 * `for_each_va_block_in_va_range` with `uvm_va_block_region_from_start_end`, uvm_va_range.h / uvm_va_block.c).
 * One reusable cursor per caller family in `UvmState`, so the per-event hot path allocates nothing and creates
 * no closure:
 *
 *     const r = s.walk;
 *     r.start(va, end);
 *     while (r.next()) { … r.slot, r.firstPage, r.endPage … }
 *
 * `next()` looks each block up with `VaBlocks.find` (`slot` is -1 for a window that holds no block; callers
 * that may meet one skip it), or after `start(va, end, true)` — a range inside one managed allocation — with
 * `create` (`UvmState.blockAt`: created on first use; -1 only past the blocks the model tracks).
 * A cursor is not re-entrant: a walk must finish (or be abandoned) before the same cursor starts another.
 */
export class BlockRange {
  /** Slot of the current block (-1: no block in this window, unless created). */
  slot = -1;
  /** Block index (`floor(va / blockBytes)`) and first byte of the current block. */
  key = 0;
  base = 0;
  /** Pages `[firstPage, endPage)` of the current block that the range covers. */
  firstPage = 0;
  endPage = 0;
  /** The current block is the range's first / last one (its page range may be partial). */
  isFirst = false;
  isLast = false;
  private va = 0;
  private end = 0;
  private k0 = 0;
  private k1 = -1;
  private create = false;

  constructor(
    private readonly blocks: VaBlocks,
    private readonly blockBytes: number,
    private readonly pagesPerBlock: number,
    private readonly createBlock: (key: number) => number,
  ) {}

  /** First byte of the current block's page range (`base` + `firstPage` pages). */
  get firstVa(): number {
    return this.base + this.firstPage * PAGE_BYTES;
  }

  /** Start a walk of `[va, end)` (`end > va`); `create`: blocks that do not exist are created (`createBlock`). */
  start(va: number, end: number, create = false): void {
    this.va = va;
    this.end = end;
    this.create = create;
    this.k0 = Math.floor(va / this.blockBytes);
    this.key = this.k0 - 1;
    this.k1 = Math.floor((end - 1) / this.blockBytes);
  }

  /** Advance to the next block; false at the end of the range. */
  next(): boolean {
    const k = this.key + 1;
    if (k > this.k1) return false;
    const base = k * this.blockBytes;
    this.key = k;
    this.base = base;
    this.isFirst = k === this.k0;
    this.isLast = k === this.k1;
    this.firstPage = this.isFirst ? Math.floor((this.va - base) / PAGE_BYTES) : 0;
    this.endPage = this.isLast ? Math.ceil((this.end - base) / PAGE_BYTES) : this.pagesPerBlock;
    const slot = this.blocks.find(k);
    this.slot = slot < 0 && this.create ? this.createBlock(k) : slot;
    return true;
  }
}
