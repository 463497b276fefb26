/**
 * Sorted, non-overlapping half-open intervals `[start, end)` with a payload, keyed by start. Lookups are a
 * binary search with a one-interval cache (accesses are local); inserts and removals are O(n) splices, which
 * is fine for the allocation, reservation and VMA counts of real traces (≤ 10^5).
 */
export interface Interval<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

export class IntervalSet<T> {
  private readonly items: Interval<T>[] = [];
  private last: Interval<T> | undefined;

  get size(): number {
    return this.items.length;
  }

  /** All intervals in address order (a copy). */
  list(): Interval<T>[] {
    return [...this.items];
  }

  /** Index of the last interval with start ≤ x, or -1. */
  private floorIndex(x: number): number {
    const a = this.items;
    let lo = 0;
    let hi = a.length - 1;
    let r = -1;
    while (lo <= hi) {
      const m = (lo + hi) >> 1;
      if (a[m]!.start <= x) {
        r = m;
        lo = m + 1;
      } else hi = m - 1;
    }
    return r;
  }

  /** The interval containing `x`, or undefined. */
  find(x: number): Interval<T> | undefined {
    const l = this.last;
    if (l !== undefined && x >= l.start && x < l.end) return l;
    const i = this.floorIndex(x);
    if (i < 0) return undefined;
    const it = this.items[i]!;
    if (x < it.end) {
      this.last = it;
      return it;
    }
    return undefined;
  }

  /** The interval starting exactly at `start`, or undefined. */
  at(start: number): Interval<T> | undefined {
    const i = this.floorIndex(start);
    return i >= 0 && this.items[i]!.start === start ? this.items[i] : undefined;
  }

  /** Intervals overlapping `[start, end)`, in order. */
  overlapping(start: number, end: number): Interval<T>[] {
    const out: Interval<T>[] = [];
    let i = Math.max(0, this.floorIndex(start));
    for (; i < this.items.length; i++) {
      const it = this.items[i]!;
      if (it.start >= end) break;
      if (it.end > start) out.push(it);
    }
    return out;
  }

  /** True when `[start, end)` is covered without gaps by intervals. */
  covers(start: number, end: number): boolean {
    let x = start;
    while (x < end) {
      const it = this.find(x);
      if (it === undefined) return false;
      x = it.end;
    }
    return true;
  }

  /** Insert `[start, end)`; returns false (and inserts nothing) if it overlaps an existing interval. */
  insert(start: number, end: number, value: T): boolean {
    if (!(end > start)) return false;
    const i = this.floorIndex(start);
    if (i >= 0 && this.items[i]!.end > start) return false;
    const next = this.items[i + 1];
    if (next !== undefined && next.start < end) return false;
    this.items.splice(i + 1, 0, { start, end, value });
    return true;
  }

  /** Remove the interval starting at `start`; returns it or undefined. */
  remove(start: number): Interval<T> | undefined {
    const i = this.floorIndex(start);
    if (i < 0 || this.items[i]!.start !== start) return undefined;
    const [it] = this.items.splice(i, 1);
    if (this.last === it) this.last = undefined;
    return it;
  }
}
