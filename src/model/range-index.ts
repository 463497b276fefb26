/**
 * Non-overlapping address ranges `[start, end)` with an integer payload each (an allocation, a reservation,
 * a bind), kept sorted by start. Lookup by address is a binary search with a one-entry cache (consecutive
 * accesses usually hit the same range); insert/remove shift arrays (O(n)), which is fine because ranges
 * change orders of magnitude less often than they are looked up.
 */
export class RangeIndex {
  private starts: Float64Array;
  private ends: Float64Array;
  private ids: Int32Array;
  size = 0;
  private last = -1;

  constructor(initialCapacity = 64) {
    this.starts = new Float64Array(initialCapacity);
    this.ends = new Float64Array(initialCapacity);
    this.ids = new Int32Array(initialCapacity);
  }

  /** Index of the last range with start ≤ va, or -1. */
  private floorIndex(va: number): number {
    let lo = 0;
    let hi = this.size - 1;
    let r = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= va) {
        r = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return r;
  }

  /** Payload of the range containing `va`, or -1. */
  find(va: number): number {
    const l = this.last;
    if (l >= 0 && l < this.size && this.starts[l]! <= va && va < this.ends[l]!) return this.ids[l]!;
    const i = this.floorIndex(va);
    if (i < 0 || va >= this.ends[i]!) return -1;
    this.last = i;
    return this.ids[i]!;
  }

  /** Start / end of the range containing `va` (call after `find` returned ≥ 0). */
  startOf(va: number): number {
    return this.starts[this.floorIndex(va)]!;
  }
  endOf(va: number): number {
    return this.ends[this.floorIndex(va)]!;
  }

  /** True when `[start, end)` overlaps an existing range. */
  overlaps(start: number, end: number): boolean {
    const i = this.floorIndex(end - 1);
    return i >= 0 && this.ends[i]! > start;
  }

  /** Insert `[start, end)`; returns false (and inserts nothing) if it overlaps an existing range. */
  insert(start: number, end: number, id: number): boolean {
    if (end <= start || this.overlaps(start, end)) return false;
    if (this.size === this.starts.length) this.grow();
    const i = this.floorIndex(start) + 1;
    this.starts.copyWithin(i + 1, i, this.size);
    this.ends.copyWithin(i + 1, i, this.size);
    this.ids.copyWithin(i + 1, i, this.size);
    this.starts[i] = start;
    this.ends[i] = end;
    this.ids[i] = id;
    this.size++;
    this.last = -1;
    return true;
  }

  /** Remove the range starting exactly at `start`; returns its payload or -1. */
  removeAt(start: number): number {
    const i = this.floorIndex(start);
    if (i < 0 || this.starts[i] !== start) return -1;
    const id = this.ids[i]!;
    this.starts.copyWithin(i, i + 1, this.size);
    this.ends.copyWithin(i, i + 1, this.size);
    this.ids.copyWithin(i, i + 1, this.size);
    this.size--;
    this.last = -1;
    return id;
  }

  /** Visit ranges overlapping `[start, end)` in address order: fn(rangeStart, rangeEnd, id). */
  forEachOverlap(start: number, end: number, fn: (s: number, e: number, id: number) => void): void {
    let i = this.floorIndex(start);
    if (i < 0 || this.ends[i]! <= start) i++;
    for (; i < this.size && this.starts[i]! < end; i++) fn(this.starts[i]!, this.ends[i]!, this.ids[i]!);
  }

  /** The i-th range in address order (for tests and reports). */
  at(i: number): { start: number; end: number; id: number } {
    return { start: this.starts[i]!, end: this.ends[i]!, id: this.ids[i]! };
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const s = new Float64Array(n);
    s.set(this.starts);
    const e = new Float64Array(n);
    e.set(this.ends);
    const d = new Int32Array(n);
    d.set(this.ids);
    this.starts = s;
    this.ends = e;
    this.ids = d;
  }
}
