import { IdPool } from '../../model/id-pool';
import * as pageMask from '../../model/page-mask';
import type { Rng } from '../../sim/rng';
import type { EvictionPolicy } from '../../policies/types';
import type { VaBlocks } from './blocks';
import type { EvictionVariant } from './evictions';
import * as sharedRoots from './shared-roots';
import { SharedRoots } from './shared-roots';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskClearRange, maskCopy, maskCountRange, maskFillRange, maskNextSet, maskTest, maskZero } = pageMask;
const { SHARED_ROOT } = sharedRoots;

/** 4 KiB: the CPU page size and UVM's smallest GPU page. */
export const PAGE_BYTES = 4096;

/**
 * Frame (page mode) or chunk (chunk mode) of device-resident pages that hold no unit of the pool: UVMSmart's
 * `cudaDeviceSynchronize` leaves clean pages valid but drops them from the LRU list and resets the free-page count to
 * the whole device (device-sync.ts). Such pages are hits, never victims, and take no capacity.
 */
export const UNTRACKED = -2;

/**
 * Device memory of the UVM model: capacity accounting, the allocation granule (page frames or per-block root
 * chunks) and the eviction policy's slots.
 *
 * - `chunk` granule (chunk-lrm, chunk-age, lru-2m in the driver mode): a full VA block with any device-resident page holds one 2 MiB
 *   root chunk. A block cut short by its allocation: in the driver mode (`roots`, shared-roots.ts) its 64 KiB
 *   pieces take sub-chunks of shared root chunks, and a victim root evicts every block piece in it; in the UVMSmart
 *   mode it holds one chunk of its existing pages rounded up to the big page. Policy slot = root chunk id.
 * - `page` granule (the other ISCA'19 variants, and lru-2m in the UVMSmart mode): each resident 4 KiB page holds a
 *   frame; policy slot = frame. A victim page widens to its big page (sl-64k), to the tree neighbourhood (tbn-pre) or to
 *   its block's resident pages (lru-2m, evictions.ts UVMSMART_LRU_2M).
 * `deviceAllocBytes` (cudaMalloc-style `device` allocations) is carved out of the capacity, never evicted.
 */
export class DeviceMemory {
  readonly mode: 'page' | 'chunk';
  readonly policy: EvictionPolicy;
  usedBytes = 0;
  deviceAllocBytes = 0;
  /** Root chunks of kernel memory holding the driver's page tables (page-tables.ts), never evicted. */
  kernelBytes = 0;
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
    /**
     * UVMSmart mode (faultCost=far-fault): victims of `variant.wholeUnit` variants must be fully valid units, and no
     * victim may hold a page the current front uses (`is_block_evictable`).
     */
    uvmsmart = false,
  ) {
    this.mode = variant.granule;
    this.wholeUnits = uvmsmart && variant.wholeUnit;
    this.requireWhole = this.wholeUnits;
    this.inFlight = uvmsmart;
    this.requireFree = uvmsmart;
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
        isEvictable: (this.isEvictable = (s: number): boolean => {
          const o = this.owner[s]!;
          if (o === SHARED_ROOT) return this.roots!.evictable(s);
          if (o < 0) return false;
          if (this.mode === 'chunk' && blocks.busy[o] !== 0) return false;
          // a frame taken for a transfer still under way (evict.ts firstTransferLands) holds no valid page yet
          if (this.mode === 'page' && !maskTest(blocks.dev, Math.floor(o / ppb) * blocks.stride, o % ppb)) return false;
          if (this.requireFree && this.frontUse(o) > this.maxFrontUse) return false;
          if (!this.requireWhole) return true;
          if (this.mode === 'chunk') return this.largePageWhole(o);
          return variant.expand === 'large-page' ? this.largePageWhole(Math.floor(o / ppb)) : this.basicBlockWhole(o);
        }),
        groupOf: (s: number): number => {
          const o = this.owner[s]!;
          return this.mode === 'page' ? Math.floor(o / ppb) : o;
        },
        // UVMSmart's LRU entry of a frame widened to its basic block (SL-64K, TBN) is that basic block
        // (get_eviction_granularity, gpu-sim.cc:2875-2890): the 64 KiB big page of the page id
        unitOf: (s: number): number => {
          const o = this.owner[s]!;
          if (this.mode !== 'page' || variant.expand === 'none') return s;
          // LRU-2MB (UVMSmart mode): one entry per large page (get_eviction_granularity, :2875-2890)
          return variant.expand === 'large-page' ? Math.floor(o / ppb) : Math.floor(o / bigPagePages);
        },
      },
    );
    // the driver (not the UVMSmart mode) sub-allocates short blocks from shared root chunks (shared-roots.ts)
    this.roots = !uvmsmart && this.mode === 'chunk' ? new SharedRoots(blocks, this.pool, this.owner, this.policy, bigPagePages, (d) => (this.usedBytes += d)) : null;
  }

  /**
   * UVMSmart `is_block_evictable` (gpgpu-sim_UVMSmart gpu-sim.cc:2142-2150): a unit with a page that is not valid is
   * not a victim. On for SL-64K, TBN and LRU-2MB in the UVMSmart mode (evictions.ts `wholeUnit`).
   */
  readonly wholeUnits: boolean;
  /** `wholeUnits`, except while `victimPages` falls back to a partial unit (no whole one left). */
  private requireWhole: boolean;
  /** Victims taken although not whole: no whole unit was evictable (UVMSmart would stall; extra.partialVictims). */
  partialVictims = 0;

  /**
   * UVMSmart's in-flight reservation: a page an issued access is using is reserved until the access completes
   * (`reserve_pages_insert`, shader.cc:1623; `reserve_pages_remove`, :1390-1469, :1703, :1753) and `is_block_evictable`
   * refuses a unit holding one (gpu-sim.cc:2157-2161). The model's concurrent accesses are the rows of one front (same
   * trace time, fault-batch.ts): `markFront` records the pages every row of the front touches, before the front runs,
   * and no unit holding one is a victim while the front runs. On in the UVMSmart mode.
   */
  readonly inFlight: boolean;
  /** Trace time of the current front (NaN between fronts). */
  frontNs = NaN;
  /** Per page id (slot × ppb + page): trace time of the last front that uses it (UVMSmart mode; grown on demand). */
  pageFrontNs: Float64Array = new Float64Array(0);
  /** The policy's evictability test (set in the constructor). */
  private isEvictable!: (s: number) => boolean;
  /** `inFlight`, except while `victimPages` looks for a unit outside its candidates. */
  private requireFree: boolean;
  /** Pages of a unit the front may use for it to be a victim: 0, or the fewest any unit has (fallback). */
  private maxFrontUse = 0;
  /** Victims taken although the current front uses them (no other unit was evictable; extra.inFlightVictims). */
  inFlightVictims = 0;

  /** How many pages of the eviction unit of `o` (page id in page mode, block slot in chunk mode) the current front uses. */
  private frontUse(o: number): number {
    const f = this.frontNs;
    const t = this.pageFrontNs;
    const ppb = this.blocks.pagesPerBlock;
    let a: number;
    let n: number;
    if (this.mode === 'chunk') {
      a = o * ppb;
      n = ppb;
    } else if (this.variant.expand === 'large-page') {
      a = o - (o % ppb);
      n = ppb;
    } else if (this.variant.expand === 'none') {
      a = o;
      n = 1;
    } else {
      a = o - (o % this.bigPagePages);
      n = this.bigPagePages;
    }
    const end = Math.min(a + n, t.length);
    let used = 0;
    for (let q = a; q < end; q++) if (t[q] === f) used++;
    return used;
  }

  /** The fewest pages the current front uses of any evictable unit (scans every slot; fallback only). */
  private leastFrontUse(): number {
    let min = Infinity;
    this.requireFree = false;
    for (let s = 0; s < this.owner.length; s++) {
      const o = this.owner[s]!;
      if (o < 0 || !this.isEvictable(s)) continue;
      const u = this.frontUse(o);
      if (u < min) min = u;
    }
    this.requireFree = true;
    return min;
  }

  /** Every live page of the 64 KiB basic block holding page id `id` is device resident. */
  private basicBlockWhole(id: number): boolean {
    const b = this.blocks;
    const ppb = b.pagesPerBlock;
    const slot = Math.floor(id / ppb);
    const p = id - slot * ppb;
    const a = p - (p % this.bigPagePages);
    const o = slot * b.stride;
    return maskCountRange(b.dev, o, a, a + this.bigPagePages) === maskCountRange(b.exists, o, a, a + this.bigPagePages);
  }

  /** Every live page of VA block `slot` (the large page) is device resident. */
  private largePageWhole(slot: number): boolean {
    const b = this.blocks;
    return b.devPages[slot] === maskCountRange(b.exists, slot * b.stride, 0, b.pagesPerBlock);
  }

  /**
   * Bytes `pages` new resident pages of `slot` need now (0 in chunk mode once the block holds its chunk). With
   * `roots` (driver mode), a short block's pages in `want@wantOff` (block-local mask) need new 64 KiB sub-chunks, and the
   * sub-chunks no split root chunk has free take whole 2 MiB root chunks.
   */
  bytesFor(slot: number, pages: number, want?: Uint32Array, wantOff = 0): number {
    if (this.mode === 'page') return pages * PAGE_BYTES;
    if (pages === 0) return 0;
    if (!this.roots || !this.roots.usesPieces(slot, this.isFull(slot))) return this.blocks.chunk[slot]! >= 0 ? 0 : this.chunkBytesOf(slot);
    return this.roots.bytesFor(slot, want, wantOff);
  }

  /** Root chunks (chunk mode) or page frames (page mode) handed out. */
  get unitsInUse(): number {
    return this.pool.used;
  }

  /** Driver-mode shared root chunks for short blocks (null in page mode and in the UVMSmart mode). */
  readonly roots: SharedRoots | null;
  /** The shared root chunk `victimPages` picked (it returned SHARED_ROOT). */
  victimRoot = -1;

  /** Every page of block `slot`'s 2 MiB window is live (a full VA block: one root chunk of its own). */
  private isFull(slot: number): boolean {
    // `full` is kept equal to "every bit of `exists` set" (blocks.ts updateFull; checked by invariants.ts): one byte
    // instead of the block's 64-byte `exists` mask on every fault
    return this.blocks.full[slot] === 1;
  }

  /**
   * PMA root-chunk batches (driver mode; 0 = off): when the PMM needs a root chunk and holds no free one, `alloc_root_chunk`
   * asks PMA for `pmaBatch` = 2^uvm_perf_pma_batch_nonpinned_order root chunks, returns the first and puts the rest on
   * its free list (uvm_pmm_gpu.c:1966-1997, 595.45.04); every chunk free then hands one free root chunk back to PMA
   * (`free_chunk` → `free_next_available_root_chunk`, :2402-2475), except an eviction, which passes the evicted root chunk
   * to the allocation that asked for it. A call is best effort: it returns what PMA has left (device memory less
   * device allocations, the page tables' kernel chunks and what the PMM holds). `pmaHeld`: root chunks the PMM
   * holds (in use or free); `pmaCalls`: PMA calls.
   */
  pmaBatch = 0;
  pmaHeld = 0;
  pmaCalls = 0;

  /** Back the pages `want@wantOff` of `slot` with device memory (chunk mode): its root chunk, or sub-chunks of shared ones. */
  backPages(slot: number, want: Uint32Array, wantOff: number, tNs: number): boolean {
    const ok =
      !this.roots || !this.roots.usesPieces(slot, this.isFull(slot))
        ? this.blocks.chunk[slot]! >= 0 || this.insertBlock(slot, tNs)
        : this.roots.back(slot, want, wantOff, tNs);
    if (this.pmaBatch > 0 && this.pool.used > this.pmaHeld) {
      // best effort (UVM_PMA_ALLOCATE_ALLOW_PARTIAL, :1982): at most the root chunks PMA still has free
      const rootBytes = this.blocks.pagesPerBlock * PAGE_BYTES;
      const pmaFree = Math.floor((this.capacityBytes - this.deviceAllocBytes - this.kernelBytes) / rootBytes) - this.pmaHeld;
      this.pmaHeld += Math.max(1, Math.min(this.pmaBatch, pmaFree));
      this.pmaCalls++;
    }
    return ok;
  }

  chunkBytesOf(slot: number): number {
    const b = this.blocks;
    const ppb = b.pagesPerBlock;
    if (b.full[slot] === 1) return ppb * PAGE_BYTES;
    const n = maskCountRange(b.exists, slot * b.stride, 0, ppb);
    if (n === ppb) return ppb * PAGE_BYTES;
    const big = this.bigPagePages * PAGE_BYTES;
    return Math.ceil((n * PAGE_BYTES) / big) * big;
  }

  /** Free capacity under the limit `fraction × capacity` (minus device allocations and page tables). */
  headroom(fraction: number): number {
    return fraction * this.capacityBytes - this.deviceAllocBytes - this.kernelBytes - this.usedBytes;
  }

  /** Page `p` of block `slot` became device resident (page mode). Returns false when no frame is free. */
  insertPage(slot: number, p: number, tNs: number): boolean {
    if (this.blocks.frame[slot * this.blocks.pagesPerBlock + p]! >= 0) return true; // taken ahead (evict.ts firstTransferLands)
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

  /** Block `slot` gives its device memory back; `evicted`: an eviction, whose root chunk stays with the PMM (`pmaHeld`). */
  removeBlock(slot: number, evicted = false): void {
    const c = this.blocks.chunk[slot]!;
    if (c < 0) return;
    if (this.roots && this.owner[c] !== slot) this.roots.free(slot, -1);
    else {
      this.policy.onRemove(c);
      this.owner[c] = -1;
      this.pool.give(c);
      this.usedBytes -= this.blocks.chunkBytes[slot]!;
      this.blocks.chunk[slot] = -1;
      this.blocks.chunkBytes[slot] = 0;
    }
    if (!evicted && this.pmaHeld > this.pool.used) this.pmaHeld--;
  }

  /**
   * The device-resident pages of `slot` stay valid but give their frames (or the block's chunk) back to the pool and
   * leave the policy's order (UNTRACKED). Returns the pages untracked.
   */
  untrack(slot: number): number {
    const b = this.blocks;
    if (this.mode === 'chunk') {
      const c = b.chunk[slot]!;
      if (c < 0) return 0;
      this.policy.onRemove(c);
      this.owner[c] = -1;
      this.pool.give(c);
      this.usedBytes -= b.chunkBytes[slot]!;
      b.chunk[slot] = UNTRACKED;
      b.chunkBytes[slot] = 0;
      return b.devPages[slot]!;
    }
    const ppb = b.pagesPerBlock;
    let n = 0;
    for (let p = maskNextSet(b.dev, slot * b.stride, 0, ppb); p >= 0; p = maskNextSet(b.dev, slot * b.stride, p + 1, ppb)) {
      const id = slot * ppb + p;
      const f = b.frame[id]!;
      if (f < 0) continue;
      this.policy.onRemove(f);
      this.owner[f] = -1;
      this.pool.give(f);
      this.usedBytes -= PAGE_BYTES;
      b.frame[id] = UNTRACKED;
      n++;
    }
    return n;
  }

  /** Accesses refresh the order for LRU variants. */
  touchPage(slot: number, p: number, tNs: number): void {
    const f = this.blocks.frame[slot * this.blocks.pagesPerBlock + p]!;
    if (f >= 0) this.policy.onTouch(f, tNs, 0);
  }

  touchBlock(slot: number, tNs: number): void {
    const c = this.blocks.chunk[slot]!;
    // a short block's sub-chunks are not refreshed: block_mark_memory_used marks only max-size blocks
    // (uvm_va_block.c:3387-3402, `uvm_va_block_size(block) == UVM_CHUNK_SIZE_MAX`)
    if (c >= 0 && (!this.roots || this.owner[c] === slot)) this.policy.onTouch(c, tNs, 0);
  }

  /**
   * The next victim: returns its block slot and fills `victimMask` with the device-resident pages to evict
   * (the whole block, one page, its big page, or the TBN neighbourhood), or returns -1.
   */
  victimPages(tNs: number): number {
    let s = this.policy.victim(tNs);
    // none evictable: UVMSmart would evict nothing and retry every cycle until an access completes or a unit fills;
    // the model has no such wait. It takes, in policy order, a unit among those the front uses least (the first whose
    // accesses can all have completed), then a partial unit (both counted)
    if (s < 0 && this.inFlight) {
      const least = this.leastFrontUse();
      if (least < Infinity) {
        this.maxFrontUse = least;
        s = this.policy.victim(tNs);
        this.maxFrontUse = 0;
        if (s >= 0) this.inFlightVictims++;
      }
      if (s < 0 && this.wholeUnits) {
        this.requireFree = false;
        this.requireWhole = false;
        s = this.policy.victim(tNs);
        this.requireWhole = true;
        this.requireFree = true;
        if (s >= 0) this.partialVictims++;
      }
    }
    if (s < 0) return -1;
    const b = this.blocks;
    const w = b.words;
    const ppb = b.pagesPerBlock;
    const m = this.victimMask;
    if (this.mode === 'chunk') {
      const slot = this.owner[s]!;
      if (slot === SHARED_ROOT) {
        this.victimRoot = s;
        return SHARED_ROOT;
      }
      maskCopy(m, 0, b.dev, slot * b.stride, w);
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
    if (expand === 'large-page') {
      maskCopy(m, 0, b.dev, slot * b.stride, w);
      return slot;
    }
    const bp = this.bigPagePages;
    const a = p - (p % bp);
    maskFillRange(m, 0, a, a + bp);
    andWith(m, b.dev, slot * b.stride, w);
    if (expand === 'tbn') this.tbnNeighbourhood(slot, m);
    return slot;
  }

  /**
   * UVMSmart `traverse_and_remove_lp_tree` (gpu-sim.cc:2601-2612): after removing the victim's basic block, every
   * tree node (two big pages and up, bottom-up) that is still populated but less than half valid is evicted
   * whole. With `wholeUnits` only its fully valid basic blocks go (`remove_lp_tree`, :2574-2586: valid_size ==
   * 64 KiB and `is_block_evictable`); partial ones stay and still count in the parent nodes.
   */
  private tbnNeighbourhood(slot: number, m: Uint32Array): void {
    const b = this.blocks;
    const w = b.words;
    const ppb = b.pagesPerBlock;
    const bp = this.bigPagePages;
    const o = slot * b.stride;
    const rest = this.tbnScratch ?? (this.tbnScratch = new Uint32Array(w));
    for (let k = 0; k < w; k++) rest[k] = (b.dev[o + k]! & ~m[k]!) >>> 0;
    for (let size = bp * 2; size <= ppb; size *= 2) {
      for (let a = 0; a < ppb; a += size) {
        // a node's size is its live pages: UVMSmart's tree stops at the allocation's large page (a remainder
        // allocation's root is smaller than 2 MiB), so a node past it is that root again
        const n = maskCountRange(rest, 0, a, a + size);
        if (n > 0 && n * 2 < maskCountRange(b.exists, o, a, a + size)) {
          for (let c = a; c < a + size; c += bp) {
            const v = maskCountRange(rest, 0, c, c + bp);
            if (v === 0 || (this.requireWhole && v !== maskCountRange(b.exists, o, c, c + bp))) continue;
            if (this.requireFree && this.frontUse(slot * ppb + c) > 0) continue;
            for (let q = c; q < c + bp; q++) if (maskTest(rest, 0, q)) m[q >>> 5]! |= 1 << (q & 31);
            maskClearRange(rest, 0, c, c + bp);
          }
        }
      }
    }
  }
  private tbnScratch: Uint32Array | undefined;
}

function andWith(m: Uint32Array, src: Uint32Array, off: number, words: number): void {
  for (let k = 0; k < words; k++) m[k] = (m[k]! & src[off + k]!) >>> 0;
}
