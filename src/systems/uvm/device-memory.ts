import { IdPool } from '../../model/id-pool';
import * as pageMask from '../../model/page-mask';
import type { Rng } from '../../sim/rng';
import type { EvictionPolicy } from '../../policies/types';
import type { VaBlocks } from './blocks';
import type { EvictionVariant } from './evictions';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskClearRange, maskCopy, maskCountRange, maskFillRange, maskTest, maskZero } = pageMask;

/** 4 KiB: the CPU page size and UVM's smallest GPU page. */
export const PAGE_BYTES = 4096;

/**
 * Device memory of the UVM model: capacity accounting, the allocation granule (page frames or per-block root
 * chunks) and the eviction policy's slots.
 *
 * - `chunk` granule (chunk-age, lru-2m): a VA block with any device-resident page holds one root chunk of
 *   `chunkBytes` (2 MiB for a full block; a block cut short by its allocation gets its existing pages
 *   rounded up to the big page). Policy slot = chunk id. A victim is the whole block.
 * - `page` granule (the other ISCA'19 variants): each resident 4 KiB page holds a frame; policy slot = frame.
 *   A victim page widens to its big page (sl-64k) or to the tree neighbourhood (tbn-pre).
 * `deviceAllocBytes` (cudaMalloc-style `device` allocations) is carved out of the capacity, never evicted.
 */
export class DeviceMemory {
  readonly mode: 'page' | 'chunk';
  readonly policy: EvictionPolicy;
  usedBytes = 0;
  deviceAllocBytes = 0;
  private readonly pool: IdPool;
  /** Slot id → owner: page id (slot × ppb + page) in page mode, block slot in chunk mode. */
  readonly owner: Int32Array;
  /** Scratch: pages chosen by the last `victimPages` call (block-local mask). */
  readonly victimMask: Uint32Array;

  constructor(
    private readonly blocks: VaBlocks,
    readonly variant: EvictionVariant,
    readonly capacityBytes: number,
    reservedFraction: number,
    rng: Rng,
    private readonly bigPagePages: number,
  ) {
    this.mode = variant.granule;
    const slots = Math.max(1, this.mode === 'page' ? Math.floor(capacityBytes / PAGE_BYTES) : Math.floor(capacityBytes / (bigPagePages * PAGE_BYTES)));
    this.pool = new IdPool(slots);
    this.owner = new Int32Array(slots).fill(-1);
    this.victimMask = new Uint32Array(blocks.words);
    const ppb = blocks.pagesPerBlock;
    this.policy = variant.policy.create(
      { ...variant.policy.defaults, ...variant.params(reservedFraction) },
      {
        slots,
        rng,
        // a root chunk of a block being populated is the destination of that copy: not evictable. Page
        // frames are independent (UVMSmart evicts any valid page not queued for write-back).
        isEvictable: (s: number): boolean => {
          const o = this.owner[s]!;
          if (o < 0) return false;
          return this.mode === 'page' || blocks.busy[o] === 0;
        },
        groupOf: (s: number): number => {
          const o = this.owner[s]!;
          return this.mode === 'page' ? Math.floor(o / ppb) : o;
        },
      },
    );
  }

  /** Bytes a new resident page of `slot` needs now (0 in chunk mode once the block holds its chunk). */
  bytesFor(slot: number, pages: number): number {
    if (this.mode === 'page') return pages * PAGE_BYTES;
    return this.blocks.chunk[slot]! >= 0 || pages === 0 ? 0 : this.chunkBytesOf(slot);
  }

  chunkBytesOf(slot: number): number {
    const b = this.blocks;
    const ppb = b.pagesPerBlock;
    const n = maskCountRange(b.exists, slot * b.words, 0, ppb);
    if (n === ppb) return ppb * PAGE_BYTES;
    const big = this.bigPagePages * PAGE_BYTES;
    return Math.ceil((n * PAGE_BYTES) / big) * big;
  }

  /** Free capacity under the limit `fraction × capacity` (minus device allocations). */
  headroom(fraction: number): number {
    return fraction * this.capacityBytes - this.deviceAllocBytes - this.usedBytes;
  }

  /** Page `p` of block `slot` became device resident (page mode). Returns false when no frame is free. */
  insertPage(slot: number, p: number, tNs: number): boolean {
    const f = this.pool.take();
    if (f < 0) return false;
    const id = slot * this.blocks.pagesPerBlock + p;
    this.owner[f] = id;
    this.blocks.frame[id] = f;
    this.usedBytes += PAGE_BYTES;
    this.policy.onInsert(f, tNs);
    return true;
  }

  removePage(slot: number, p: number): void {
    const id = slot * this.blocks.pagesPerBlock + p;
    const f = this.blocks.frame[id]!;
    if (f < 0) return;
    this.policy.onRemove(f);
    this.owner[f] = -1;
    this.blocks.frame[id] = -1;
    this.pool.give(f);
    this.usedBytes -= PAGE_BYTES;
  }

  /** Block `slot` became resident on the device (chunk mode): take its root chunk. */
  insertBlock(slot: number, tNs: number): boolean {
    const c = this.pool.take();
    if (c < 0) return false;
    const bytes = this.chunkBytesOf(slot);
    this.owner[c] = slot;
    this.blocks.chunk[slot] = c;
    this.blocks.chunkBytes[slot] = bytes;
    this.usedBytes += bytes;
    this.policy.onInsert(c, tNs);
    return true;
  }

  removeBlock(slot: number): void {
    const c = this.blocks.chunk[slot]!;
    if (c < 0) return;
    this.policy.onRemove(c);
    this.owner[c] = -1;
    this.pool.give(c);
    this.usedBytes -= this.blocks.chunkBytes[slot]!;
    this.blocks.chunk[slot] = -1;
    this.blocks.chunkBytes[slot] = 0;
  }

  /** Accesses refresh the order for LRU variants. */
  touchPage(slot: number, p: number, tNs: number): void {
    const f = this.blocks.frame[slot * this.blocks.pagesPerBlock + p]!;
    if (f >= 0) this.policy.onTouch(f, tNs, 0);
  }

  touchBlock(slot: number, tNs: number): void {
    const c = this.blocks.chunk[slot]!;
    if (c >= 0) this.policy.onTouch(c, tNs, 0);
  }

  /**
   * The next victim: returns its block slot and fills `victimMask` with the device-resident pages to evict
   * (the whole block, one page, its big page, or the TBN neighbourhood), or returns -1.
   */
  victimPages(tNs: number): number {
    const s = this.policy.victim(tNs);
    if (s < 0) return -1;
    const b = this.blocks;
    const w = b.words;
    const ppb = b.pagesPerBlock;
    const m = this.victimMask;
    if (this.mode === 'chunk') {
      const slot = this.owner[s]!;
      maskCopy(m, 0, b.dev, slot * w, w);
      return slot;
    }
    const id = this.owner[s]!;
    const slot = Math.floor(id / ppb);
    const p = id - slot * ppb;
    maskZero(m, 0, w);
    const expand = this.variant.expand;
    if (expand === 'none') {
      m[p >>> 5] = (1 << (p & 31)) >>> 0;
      return slot;
    }
    const bp = this.bigPagePages;
    const a = p - (p % bp);
    maskFillRange(m, 0, a, a + bp);
    andWith(m, b.dev, slot * w, w);
    if (expand === 'tbn') this.tbnNeighbourhood(slot, m);
    return slot;
  }

  /**
   * UVMSmart `traverse_and_remove_lp_tree`: after removing the victim's basic block, every tree node (two
   * big pages and up, bottom-up) that is still populated but less than half valid is evicted whole.
   */
  private tbnNeighbourhood(slot: number, m: Uint32Array): void {
    const b = this.blocks;
    const w = b.words;
    const ppb = b.pagesPerBlock;
    const rest = this.tbnScratch ?? (this.tbnScratch = new Uint32Array(w));
    for (let k = 0; k < w; k++) rest[k] = (b.dev[slot * w + k]! & ~m[k]!) >>> 0;
    for (let size = this.bigPagePages * 2; size <= ppb; size *= 2) {
      for (let a = 0; a < ppb; a += size) {
        const n = maskCountRange(rest, 0, a, a + size);
        if (n > 0 && n * 2 < size) {
          for (let q = a; q < a + size; q++) if (maskTest(rest, 0, q)) m[q >>> 5]! |= 1 << (q & 31);
          maskClearRange(rest, 0, a, a + size);
        }
      }
    }
  }
  private tbnScratch: Uint32Array | undefined;
}

function andWith(m: Uint32Array, src: Uint32Array, off: number, words: number): void {
  for (let k = 0; k < words; k++) m[k] = (m[k]! & src[off + k]!) >>> 0;
}
