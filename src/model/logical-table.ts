import { grown } from '../io/typed-arrays';
import { createPageIndex, type UnitIndex } from './unit-index';

/**
 * Per-unit logical page table (docs/gmem-model.md §2) as structure-of-arrays: one slot per migration unit that
 * exists (created lazily, removed when the last allocation overlapping it is freed), found by unit number
 * through a `UnitIndex`. Systems interpret `state`, `owner` and `bits`; the table only stores them.
 *
 * The column arrays are replaced when the table grows: re-read `table.state` etc. after `create`, never keep
 * them in locals across a `create` call.
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

export class LogicalTable {
  /** Unit number of each slot (-1 when the slot is free). */
  key: Float64Array;
  /** `UnitState` code. */
  state: Uint8Array;
  /** Owning device index (0-based) in DEVICE state. */
  owner: Uint16Array;
  /** `UnitBit` flags. */
  bits: Uint8Array;
  /** Device frame holding the unit in DEVICE state, else -1. */
  frame: Int32Array;
  /** Number of live allocations overlapping the unit (the slot lives while > 0). */
  refs: Uint16Array;
  /** System-defined kind code (e.g. the allocation kind that created the unit). */
  kind: Uint8Array;
  private readonly index: UnitIndex;
  private freeList: Int32Array;
  private freeCount = 0;
  private hi = 0;
  /** Live slots. */
  size = 0;

  constructor(initialSlots = 1024, index: UnitIndex = createPageIndex()) {
    this.index = index;
    this.key = new Float64Array(initialSlots).fill(-1);
    this.state = new Uint8Array(initialSlots);
    this.owner = new Uint16Array(initialSlots);
    this.bits = new Uint8Array(initialSlots);
    this.frame = new Int32Array(initialSlots).fill(-1);
    this.refs = new Uint16Array(initialSlots);
    this.kind = new Uint8Array(initialSlots);
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
    this.state[s] = 0;
    this.owner[s] = 0;
    this.bits[s] = 0;
    this.frame[s] = -1;
    this.refs[s] = 0;
    this.kind[s] = 0;
    this.index.set(unit, s);
    this.size++;
    return s;
  }

  /** Remove slot `s` (its unit disappears from the index; the slot is reused later). */
  remove(s: number): void {
    this.index.delete(this.key[s]!);
    this.key[s] = -1;
    this.frame[s] = -1;
    if (this.freeCount === this.freeList.length) this.freeList = grown(this.freeList, this.freeList.length * 2);
    this.freeList[this.freeCount++] = s;
    this.size--;
  }

  private grow(): void {
    const n = this.key.length * 2;
    this.key = grown(this.key, n, -1);
    this.state = grown(this.state, n);
    this.owner = grown(this.owner, n);
    this.bits = grown(this.bits, n);
    this.frame = grown(this.frame, n, -1);
    this.refs = grown(this.refs, n);
    this.kind = grown(this.kind, n);
  }
}
