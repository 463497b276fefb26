import { grown } from '../io/typed-arrays';
import { createPageIndex, type UnitIndex } from './unit-index';

/**
 * Per-unit logical page table (docs/gmem-model.md §2): one slot per migration unit that exists (created lazily,
 * removed when the last allocation overlapping it is freed), found by unit number through a `UnitIndex`.
 * Systems interpret state, owner and bits; the table only stores them (one record per slot, `rec`).
 *
 * `key` and `rec` are replaced when the table grows: re-read them after `create`, never keep them in locals
 * across a `create` call.
 */

/** Unit type: exactly one per slot. */
export const UnitState = { NOMAP: 0, CPU: 1, DEVICE: 2 } as const;
export type UnitStateCode = (typeof UnitState)[keyof typeof UnitState];
export const UNIT_STATE_NAMES = ['NOMAP', 'CPU', 'DEVICE'] as const;

/**
 * Orthogonal bits. `PTE`: the CPU page-table entry is present (meaningful in CPU state; absent after eviction).
 * `WILLNEED`, `PINNED` block eviction; `DIRTY` recorded only (OE). `COW`: shared copy-on-write with a forked
 * child. `READONLY`: mprotect'ed read-only. `MIGRATING`: an eviction write-back of this unit is in flight.
 */
export const UnitBit = { PTE: 1, WILLNEED: 2, PINNED: 4, DIRTY: 8, COW: 16, READONLY: 32, MIGRATING: 64 } as const;

/** Int32 words per slot in `LogicalTable.rec` and in `LogicalTable.cold`. */
const STRIDE = 2;
/** Word offsets in a slot's record (`rec`). */
const W_FRAME = 0;
const W_META = 1; // state (bits 0–7) | unit bits (8–15) | kind (16–23)
/** Word offsets in a slot's cold record (`cold`). */
const W_OWNER = 0;
const W_REFS = 1;

export class LogicalTable {
  /** Unit number of each slot (-1 when the slot is free). */
  key: Float64Array;
  /**
   * What a device hit reads, as an array of structs (docs/architecture.md §8): two Int32 words per slot, the
   * device frame (-1 when none) and `UnitState` | `UnitBit` flags << 8 | kind << 16 — one 8-byte record, one
   * cache line, where the former column arrays cost one line each. The rest (owning device index, count of
   * live allocations overlapping the unit) is in `cold`, two words per slot. The accessors below keep the
   * value ranges of the former columns (state, bits, kind 8-bit; owner, refs 16-bit).
   */
  rec: Int32Array;
  cold: Int32Array;
  private readonly index: UnitIndex;
  private freeList: Int32Array;
  private freeCount = 0;
  private hi = 0;
  /** Live slots. */
  size = 0;
  /** Slots removed so far: a slot found before is still its unit's while this is unchanged (slots are reused). */
  removals = 0;

  constructor(initialSlots = 1024, index: UnitIndex = createPageIndex()) {
    this.index = index;
    this.key = new Float64Array(initialSlots).fill(-1);
    this.rec = new Int32Array(initialSlots * STRIDE);
    this.cold = new Int32Array(initialSlots * STRIDE);
    for (let s = 0; s < initialSlots; s++) this.rec[s * STRIDE + W_FRAME] = -1;
    this.freeList = new Int32Array(initialSlots);
  }

  /** Slot capacity (slots 0..capacity-1; free slots have key -1). */
  get capacity(): number {
    return this.key.length;
  }

  /** Highest slot ever used + 1 (iterate `0..highWater` and skip `key < 0` to visit live slots). */
  get highWater(): number {
    return this.hi;
  }

  /** `UnitState` code. */
  stateOf(s: number): number {
    return this.rec[s * STRIDE + W_META]! & 0xff;
  }
  setState(s: number, v: number): void {
    const i = s * STRIDE + W_META;
    this.rec[i] = (this.rec[i]! & ~0xff) | (v & 0xff);
  }
  /** `UnitBit` flags. */
  bitsOf(s: number): number {
    return (this.rec[s * STRIDE + W_META]! >>> 8) & 0xff;
  }
  setBits(s: number, v: number): void {
    const i = s * STRIDE + W_META;
    this.rec[i] = (this.rec[i]! & ~0xff00) | ((v & 0xff) << 8);
  }
  orBits(s: number, m: number): void {
    this.setBits(s, this.bitsOf(s) | m);
  }
  andBits(s: number, m: number): void {
    this.setBits(s, this.bitsOf(s) & m);
  }
  /** System-defined kind code (e.g. the allocation kind that created the unit). */
  kindOf(s: number): number {
    return (this.rec[s * STRIDE + W_META]! >>> 16) & 0xff;
  }
  setKind(s: number, v: number): void {
    const i = s * STRIDE + W_META;
    this.rec[i] = (this.rec[i]! & ~0xff0000) | ((v & 0xff) << 16);
  }
  /** Device frame holding the unit in DEVICE state, else -1. */
  frameOf(s: number): number {
    return this.rec[s * STRIDE + W_FRAME]!;
  }
  setFrame(s: number, f: number): void {
    this.rec[s * STRIDE + W_FRAME] = f;
  }
  /** Owning device index (0-based) in DEVICE state. */
  ownerOf(s: number): number {
    return this.cold[s * STRIDE + W_OWNER]!;
  }
  setOwner(s: number, d: number): void {
    this.cold[s * STRIDE + W_OWNER] = d & 0xffff;
  }
  /** Number of live allocations overlapping the unit (the slot lives while > 0). */
  refsOf(s: number): number {
    return this.cold[s * STRIDE + W_REFS]!;
  }
  setRefs(s: number, n: number): void {
    this.cold[s * STRIDE + W_REFS] = n & 0xffff;
  }
  /** Add `d` to the slot's refs and return the new value. */
  addRefs(s: number, d: number): number {
    const i = s * STRIDE + W_REFS;
    const v = (this.cold[i]! + d) & 0xffff;
    this.cold[i] = v;
    return v;
  }

  /** Slot of unit `unit`, or -1. */
  find(unit: number): number {
    return this.index.get(unit);
  }

  /**
   * Slots of the units in `[u0, u1)` in unit order when the index can list them without sorting (a
   * `DirectUnitIndex` holding every key in its window), else undefined.
   */
  slotsInOrder(u0: number, u1: number): Int32Array | undefined {
    const ix = this.index as UnitIndex & { slotsInOrder?(u0: number, u1: number): Int32Array | undefined };
    return ix.slotsInOrder?.(u0, u1);
  }

  /** Create the slot of `unit` (must not exist) in NOMAP, no bits, no frame, refs 0, kind 0. */
  create(unit: number): number {
    let s: number;
    if (this.freeCount > 0) s = this.freeList[--this.freeCount]!;
    else {
      if (this.hi === this.key.length) this.grow();
      s = this.hi++;
    }
    this.key[s] = unit;
    const r = this.rec;
    const i = s * STRIDE;
    r[i + W_FRAME] = -1;
    r[i + W_META] = 0;
    this.cold[i + W_OWNER] = 0;
    this.cold[i + W_REFS] = 0;
    this.index.set(unit, s);
    this.size++;
    return s;
  }

  /** Remove slot `s` (its unit disappears from the index; the slot is reused later). */
  remove(s: number): void {
    this.index.delete(this.key[s]!);
    this.key[s] = -1;
    this.rec[s * STRIDE + W_FRAME] = -1;
    if (this.freeCount === this.freeList.length) this.freeList = grown(this.freeList, this.freeList.length * 2);
    this.freeList[this.freeCount++] = s;
    this.size--;
    this.removals++;
  }

  private grow(): void {
    const n0 = this.key.length;
    const n = n0 * 2;
    this.key = grown(this.key, n, -1);
    const rec = new Int32Array(n * STRIDE);
    rec.set(this.rec);
    for (let s = n0; s < n; s++) rec[s * STRIDE + W_FRAME] = -1;
    this.rec = rec;
    this.cold = grown(this.cold, n * STRIDE);
  }
}
