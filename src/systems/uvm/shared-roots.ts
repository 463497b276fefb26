import * as pageMask from '../../model/page-mask';
import type { IdPool } from '../../model/id-pool';
import type { EvictionPolicy } from '../../policies/types';
import type { VaBlocks } from './blocks';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskCountRange, maskFillRange, maskZero } = pageMask;

/** `owner` of a split root chunk whose 64 KiB sub-chunks back short VA blocks; `victimPages` returns it too. */
export const SHARED_ROOT = -2;

/**
 * Shared root chunks of the driver's PMM (uvm, faultCost=batch, chunk granule; device-memory.ts).
 *
 * A VA block smaller than 2 MiB gets 64 KiB (big-page) chunks, not a root chunk of its own
 * (`uvm_va_block_gpu_chunk_index_range`, uvm_va_block.c:1011-1121, 595.45.04: each page is covered by the largest
 * naturally aligned chunk size; 2 MiB only when the block is 2 MiB). PMM carves them from split 2 MiB root chunks
 * shared by every such block (`alloc_chunk_with_splits`, uvm_pmm_gpu.c:1737-1800; header comment :71-88), takes a
 * root chunk from PMA only when no free sub-chunk of the size is left, and moves a root chunk to the tail of the used
 * list whenever one of its sub-chunks is allocated to a VA block (`uvm_pmm_gpu_unpin_allocated` →
 * `chunk_update_lists_locked`, uvm_pmm_gpu.c:640-677). Migrations into a short block do not refresh it:
 * `block_mark_memory_used` marks only 2 MiB blocks (uvm_va_block.c:3387-3402). Evicting a root chunk evicts, one VA
 * block at a time, every block that has a sub-chunk in it, then frees the whole root (`evict_root_chunk`,
 * uvm_pmm_gpu.c:1291-1382, `evict_root_chunk_from_va_block` :1157-1192 → `uvm_va_block_evict_chunks`).
 *
 * Simplifications: a short block's unaligned tail gets a 64 KiB sub-chunk where the driver would use 4 KiB chunks
 * (< 64 KiB per block); a free sub-chunk is taken from the split root last allocated from, else from the
 * lowest-numbered split root with one (the driver's free list is ordered by when chunks were freed).
 */
export class SharedRoots {
  /** Sub-chunks (big pages) per root chunk: 32 for 2 MiB / 64 KiB. */
  readonly subsPerRoot: number;
  readonly rootBytes: number;
  /** Per root × sub-chunk: owner `slot × subsPerRoot + piece`, or -1 (free). */
  private readonly subOwner: Int32Array;
  /** Per root chunk: free sub-chunks (split roots only). */
  private readonly subFree: Int32Array;
  /** Free sub-chunks over all split root chunks. */
  freeSubs = 0;
  /** Per block slot × piece (64 KiB of the block): the root chunk backing it, or -1 (grown on demand). */
  pieceRoot: Int32Array = new Int32Array(0);
  /** The split root chunk sub-chunks were last taken from (-1 none). */
  private hint = -1;
  /** Scratch for `rootBlocks`: the block slots with a sub-chunk in a root, in sub-chunk order. */
  readonly rootSlots: Int32Array;

  constructor(
    private readonly blocks: VaBlocks,
    private readonly pool: IdPool,
    private readonly owner: Int32Array,
    private readonly policy: EvictionPolicy,
    private readonly bigPagePages: number,
    /** Adds to the device memory's used bytes (a root chunk taken or given back). */
    private readonly use: (bytes: number) => void,
  ) {
    this.subsPerRoot = Math.max(1, Math.floor(blocks.pagesPerBlock / bigPagePages));
    this.rootBytes = this.subsPerRoot * bigPagePages * 4096;
    this.subOwner = new Int32Array(owner.length * this.subsPerRoot).fill(-1);
    this.subFree = new Int32Array(owner.length);
    this.rootSlots = new Int32Array(this.subsPerRoot);
  }

  /** `slot` is a short block (fewer live pages than a full block) not already backed by a root chunk of its own. */
  usesPieces(slot: number, fullBlock: boolean): boolean {
    const c = this.blocks.chunk[slot]!;
    if (c >= 0) return this.owner[c] !== slot;
    return !fullBlock;
  }

  private ensurePieces(): void {
    const n = this.blocks.capacity * this.subsPerRoot;
    if (this.pieceRoot.length < n) {
      const a = new Int32Array(n).fill(-1);
      a.set(this.pieceRoot);
      this.pieceRoot = a;
    }
  }

  /** Bytes of new root chunks the pieces of `slot` touched by `want@wantOff` (any live page when absent) need. */
  bytesFor(slot: number, want: Uint32Array | undefined, wantOff: number): number {
    this.ensurePieces();
    const b = this.blocks;
    const bp = this.bigPagePages;
    const base = slot * this.subsPerRoot;
    let k = 0;
    for (let q = 0; q < this.subsPerRoot; q++) {
      if (this.pieceRoot[base + q]! >= 0) continue;
      if (want ? maskCountRange(want, wantOff, q * bp, q * bp + bp) > 0 : maskCountRange(b.exists, slot * b.stride, q * bp, q * bp + bp) > 0) k++;
    }
    return k <= this.freeSubs ? 0 : Math.ceil((k - this.freeSubs) / this.subsPerRoot) * this.rootBytes;
  }

  /** Give every piece of `slot` with a page in `want@wantOff` a 64 KiB sub-chunk. Returns false when no root chunk is free. */
  back(slot: number, want: Uint32Array, wantOff: number, tNs: number): boolean {
    this.ensurePieces();
    const b = this.blocks;
    const bp = this.bigPagePages;
    const per = this.subsPerRoot;
    const base = slot * per;
    for (let q = 0; q < per; q++) {
      if (this.pieceRoot[base + q]! >= 0 || maskCountRange(want, wantOff, q * bp, q * bp + bp) === 0) continue;
      const r = this.openRoot(tNs);
      if (r < 0) return false;
      let i = 0;
      while (this.subOwner[r * per + i]! >= 0) i++;
      this.subOwner[r * per + i] = base + q;
      this.subFree[r]!--;
      this.freeSubs--;
      this.pieceRoot[base + q] = r;
      b.chunk[slot] = r;
      b.chunkBytes[slot]! += bp * 4096;
      // uvm_pmm_gpu_unpin_allocated → chunk_update_lists_locked (uvm_pmm_gpu.c:666-677): the root moves to the tail
      this.policy.onTouch(r, tNs, 0);
    }
    return true;
  }

  /** The split root last allocated from while it has a free sub-chunk, else the first with one, else a new root; -1 if none. */
  private openRoot(tNs: number): number {
    if (this.freeSubs > 0) {
      const h = this.hint;
      if (h >= 0 && this.owner[h] === SHARED_ROOT && this.subFree[h]! > 0) return h;
      for (let r = 0; r < this.owner.length; r++) {
        if (this.owner[r] === SHARED_ROOT && this.subFree[r]! > 0) return (this.hint = r);
      }
    }
    const r = this.pool.take();
    if (r < 0) return -1;
    this.owner[r] = SHARED_ROOT;
    this.subOwner.fill(-1, r * this.subsPerRoot, (r + 1) * this.subsPerRoot);
    this.subFree[r] = this.subsPerRoot;
    this.freeSubs += this.subsPerRoot;
    this.use(this.rootBytes);
    this.policy.onInsert(r, tNs);
    return (this.hint = r);
  }

  /** Free the sub-chunks of `slot` (only those in root `onlyRoot`, or all when -1); a root left empty goes back to the pool. */
  free(slot: number, onlyRoot: number): void {
    const b = this.blocks;
    const per = this.subsPerRoot;
    const base = slot * per;
    let last = -1;
    for (let q = 0; q < per; q++) {
      const r = this.pieceRoot[base + q]!;
      if (r < 0) continue;
      if (onlyRoot >= 0 && r !== onlyRoot) {
        last = r;
        continue;
      }
      this.pieceRoot[base + q] = -1;
      b.chunkBytes[slot]! -= this.bigPagePages * 4096;
      for (let i = 0; i < per; i++) if (this.subOwner[r * per + i] === base + q) this.subOwner[r * per + i] = -1;
      this.subFree[r]!++;
      this.freeSubs++;
      if (this.subFree[r] === per) {
        this.policy.onRemove(r);
        this.owner[r] = -1;
        this.pool.give(r);
        this.freeSubs -= per;
        this.use(-this.rootBytes);
      }
    }
    b.chunk[slot] = last;
    if (last < 0) b.chunkBytes[slot] = 0;
  }

  /** Fill `rootSlots` with the distinct blocks holding a sub-chunk of root `r`, in sub-chunk order; returns their count. */
  rootBlocks(r: number): number {
    const per = this.subsPerRoot;
    let n = 0;
    for (let i = 0; i < per; i++) {
      const o = this.subOwner[r * per + i]!;
      if (o < 0) continue;
      const slot = Math.floor(o / per);
      let seen = false;
      for (let j = 0; j < n; j++) if (this.rootSlots[j] === slot) seen = true;
      if (!seen) this.rootSlots[n++] = slot;
    }
    return n;
  }

  /** Fill `m` (block-local mask) with the pages of `slot` backed by root `r`. */
  piecesMask(r: number, slot: number, m: Uint32Array): void {
    const bp = this.bigPagePages;
    const base = slot * this.subsPerRoot;
    maskZero(m, 0, this.blocks.words);
    for (let q = 0; q < this.subsPerRoot; q++) if (this.pieceRoot[base + q] === r) maskFillRange(m, 0, q * bp, q * bp + bp);
  }

  /** A shared root is evictable unless a block with a sub-chunk in it is being populated right now. */
  evictable(r: number): boolean {
    const per = this.subsPerRoot;
    for (let i = 0; i < per; i++) {
      const o = this.subOwner[r * per + i]!;
      if (o >= 0 && this.blocks.busy[Math.floor(o / per)] !== 0) return false;
    }
    return true;
  }
}
