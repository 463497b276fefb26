import { IdPool } from '../../model/id-pool';
import { createUnitIndex, type UnitIndex } from '../../model/unit-index';
import { maskCountRange, maskWords } from '../../model/page-mask';
import { grown } from '../../io/typed-arrays';

/**
 * Live VA blocks the model tracks at most (2 TiB of 2 MiB windows; ~1.3 KiB per block with driver eviction, ~3.5 KiB
 * at 4 KiB granularity, plus the thrashing state's per-page arrays once written). Blocks are created on first use,
 * as the driver creates a VA block on its first fault (`uvm_va_block_find_create`), so only a trace that touches
 * more than this many distinct 2 MiB windows at once reaches it: such a touch is a `fault-error`
 * (systems.too-many-blocks), where a hostile or mis-imported trace would otherwise take tens of GB.
 */
export const MAX_TRACKED_BLOCKS = 1 << 20;

/** Block keys served by the direct table of `VaBlocks` (2^16 blocks = 128 GiB of 2 MiB blocks, 256 KiB). */
const DIRECT_BLOCKS = 1 << 16;

/**
 * Masks per block record (`VaBlocks.rec`), in this order: dev, cpu, pend, the two destination planes of the thrashing
 * state (thrashing.ts `DestPlanes`), exists, pendWrite, pinned, readMostly, accessedBy, dirty.
 */
const RECORD_MASKS = 11;
/** Record position (in masks) of the thrashing state's destination planes. */
const DEST_PLANES = 3;

/**
 * The VA block table of the UVM model: one slot per 2 MiB-aligned window (`floor(va / vaBlockBytes)`) that holds
 * managed memory and has been used (a fault, a CPU access, a prefetch to the device, advice: `UvmState.blockAt`),
 * grown by doubling. A slot's page masks (`words` words each, src/model/page-mask.ts
 * layout) lie together in one record of `stride` words (`rec`), the ones a fault reads first, so that a fault
 * touches a few adjacent cache lines instead of one line in each of nine arrays; each mask field is a view of `rec`
 * starting at its place in the record, so mask `m` of `slot` is `m[slot × stride + k]`, k < words. Per-slot scalars
 * are arrays indexed by slot; per-page arrays are indexed by `slot × pagesPerBlock + page`.
 *
 * A window can hold several small allocations (UVM would make one VA block per range; here their pages share
 * the window, and `exists` says which pages are live). A slot is released when no page exists any more.
 */
export class VaBlocks {
  readonly pagesPerBlock: number;
  readonly words: number;
  /** Words per slot record: `RECORD_MASKS × words`; the mask of a slot starts at `slot × stride` in every mask view. */
  readonly stride: number;
  /** Every slot's masks (views below). */
  rec: Uint32Array;
  /** Word of a record where the thrashing destination planes start (thrashing.ts `DestPlanes`). */
  readonly destOffset: number;
  private readonly index: UnitIndex = createUnitIndex(1024);
  /**
   * Direct slot table for the `DIRECT_BLOCKS` block keys from `directBase` (set by the first block created: a
   * 128 GiB window of 2 MiB blocks); keys outside it use `index`. One typed-array read instead of a hash probe
   * on every access row.
   */
  private directBase = NaN;
  private readonly direct = new Int32Array(DIRECT_BLOCKS).fill(-1);
  private readonly ids: IdPool;
  /** Live slots at most (`MAX_TRACKED_BLOCKS`; tests lower it to reach the limit with a few blocks). */
  maxSlots = MAX_TRACKED_BLOCKS;
  capacity: number;
  /** Block index (va / vaBlockBytes) per slot. */
  key: Float64Array;
  /** Pages inside a live managed allocation. */
  exists: Uint32Array;
  /**
   * Per slot: 1 when every page of the block exists (`exists` all set; kept by `updateFull` wherever `exists`
   * changes). A byte per block stays in cache where the 64-byte `exists` mask of a random block does not.
   */
  full: Uint8Array;
  /** Resident on the device (a valid device copy). */
  dev: Uint32Array;
  /** Resident on the host (a valid host copy). Both bits set = read-duplicated. */
  cpu: Uint32Array;
  /** Advice masks. */
  readMostly: Uint32Array;
  accessedBy: Uint32Array;
  /** Pages pinned to host by thrashing mitigation (mapped remotely by the device). */
  pinned: Uint32Array;
  /** Faults of the open batch, and which of them are writes. */
  pend: Uint32Array;
  pendWrite: Uint32Array;
  /**
   * Device-resident pages the device wrote since they arrived (UVMSmart mode only: set_page_dirty on a store,
   * gpgpu-sim_UVMSmart shader.cc:1636, 1777; read by the write-back at a device synchronize, device-sync.ts).
   */
  dirty: Uint32Array;
  /** Per block: device-resident page count, root chunk id (-1 none) and its bytes, async arrival time. */
  devPages: Int32Array;
  chunk: Int32Array;
  chunkBytes: Float64Array;
  arrivalNs: Float64Array;
  /** Per block: has faults in the open batch; is being populated right now (its chunk is not evictable). */
  inBatch: Uint8Array;
  busy: Uint8Array;
  /** Per block: number of pinned pages. */
  pinnedCount: Int32Array;
  /** Per page: preferred location (agent code + 1; 0 = unset). */
  prefLoc: Uint8Array;
  /** Per page: device frame (page-granular memory) or -1. Empty when memory is chunk-granular. */
  frame: Int32Array;
  private readonly withFrames: boolean;
  /** Called when the page index space grows (per-page side tables follow). */
  onGrow: ((pages: number) => void) | undefined;

  constructor(pagesPerBlock: number, withFrames: boolean, initialSlots = 64) {
    this.pagesPerBlock = pagesPerBlock;
    this.words = maskWords(pagesPerBlock);
    this.stride = RECORD_MASKS * this.words;
    this.destOffset = DEST_PLANES * this.words;
    this.withFrames = withFrames;
    this.capacity = initialSlots;
    this.ids = new IdPool(initialSlots);
    const pages = pagesPerBlock * initialSlots;
    this.key = new Float64Array(initialSlots).fill(-1);
    this.rec = new Uint32Array(this.stride * initialSlots);
    [this.dev, this.cpu, this.pend, this.exists, this.pendWrite, this.pinned, this.readMostly, this.accessedBy, this.dirty] = this.views();
    this.full = new Uint8Array(initialSlots);
    this.devPages = new Int32Array(initialSlots);
    this.chunk = new Int32Array(initialSlots).fill(-1);
    this.chunkBytes = new Float64Array(initialSlots);
    this.arrivalNs = new Float64Array(initialSlots);
    this.inBatch = new Uint8Array(initialSlots);
    this.busy = new Uint8Array(initialSlots);
    this.pinnedCount = new Int32Array(initialSlots);
    this.prefLoc = new Uint8Array(pages);
    this.frame = new Int32Array(withFrames ? pages : 0).fill(-1);
  }

  /** Live slots. */
  get count(): number {
    return this.ids.used;
  }

  /** Slot of block `key`, or -1. */
  find(key: number): number {
    const d = key - this.directBase;
    if (d >= 0 && d < DIRECT_BLOCKS) return this.direct[d]!;
    return this.index.get(key);
  }

  /**
   * Start the direct table's window at block `key` unless it is set (the first managed allocation sets it, so the
   * blocks a trace uses are found by one typed-array read whichever of them is created first).
   */
  anchor(key: number): void {
    if (Number.isNaN(this.directBase)) this.directBase = key;
  }

  /** Slot of block `key`, created (all masks clear) if absent. */
  obtain(key: number): number {
    const s = this.find(key);
    if (s >= 0) return s;
    let id = this.ids.take();
    if (id < 0) {
      this.grow(this.capacity * 2);
      id = this.ids.take();
    }
    if (Number.isNaN(this.directBase)) this.directBase = key;
    const d = key - this.directBase;
    if (d >= 0 && d < DIRECT_BLOCKS) this.direct[d] = id;
    else this.index.set(key, id);
    this.key[id] = key;
    return id;
  }

  /**
   * Make room for `slots` more live slots at once (a managed allocation that will use up to that many blocks), so
   * the tables grow once instead of doubling step by step as its blocks are created; slot ids are handed out as
   * before.
   */
  reserve(slots: number): void {
    let cap = this.capacity;
    while (this.count + slots > cap) cap *= 2;
    if (cap > this.capacity) this.grow(cap);
  }

  /** Recompute `full[slot]` after `exists` changed. */
  updateFull(slot: number): void {
    this.full[slot] = maskCountRange(this.exists, slot * this.stride, 0, this.pagesPerBlock) === this.pagesPerBlock ? 1 : 0;
  }

  /** Release an empty slot (caller has cleared residency and accounting). */
  release(slot: number): void {
    const key = this.key[slot]!;
    const d = key - this.directBase;
    if (d >= 0 && d < DIRECT_BLOCKS) this.direct[d] = -1;
    else this.index.delete(key);
    this.key[slot] = -1;
    this.rec.fill(0, slot * this.stride, (slot + 1) * this.stride);
    this.full[slot] = 0;
    this.devPages[slot] = 0;
    this.chunk[slot] = -1;
    this.chunkBytes[slot] = 0;
    this.arrivalNs[slot] = 0;
    this.inBatch[slot] = 0;
    this.busy[slot] = 0;
    this.pinnedCount[slot] = 0;
    const p = slot * this.pagesPerBlock;
    this.prefLoc.fill(0, p, p + this.pagesPerBlock);
    if (this.withFrames) this.frame.fill(-1, p, p + this.pagesPerBlock);
    this.ids.give(slot);
  }

  /** Visit live slots (not for hot paths). */
  forEachSlot(fn: (slot: number) => void): void {
    for (let s = 0; s < this.capacity; s++) if (this.key[s] !== -1) fn(s);
  }

  /** The mask views of `rec`, in record order. */
  private views(): [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array] {
    const r = this.rec;
    const w = this.words;
    // (words 3w … 5w − 1 hold the thrashing destination planes)
    return [r.subarray(0), r.subarray(w), r.subarray(2 * w), r.subarray(5 * w), r.subarray(6 * w), r.subarray(7 * w), r.subarray(8 * w), r.subarray(9 * w), r.subarray(10 * w)];
  }

  private grow(slots: number): void {
    const pages = slots * this.pagesPerBlock;
    this.key = grown(this.key, slots, -1);
    this.rec = grown(this.rec, slots * this.stride);
    [this.dev, this.cpu, this.pend, this.exists, this.pendWrite, this.pinned, this.readMostly, this.accessedBy, this.dirty] = this.views();
    this.full = grown(this.full, slots);
    this.devPages = grown(this.devPages, slots);
    this.chunk = grown(this.chunk, slots, -1);
    this.chunkBytes = grown(this.chunkBytes, slots);
    this.arrivalNs = grown(this.arrivalNs, slots);
    this.inBatch = grown(this.inBatch, slots);
    this.busy = grown(this.busy, slots);
    this.pinnedCount = grown(this.pinnedCount, slots);
    this.prefLoc = grown(this.prefLoc, pages);
    if (this.withFrames) this.frame = grown(this.frame, pages, -1);
    this.capacity = slots;
    this.ids.ensure(slots);
    this.onGrow?.(pages);
  }
}
