/**
 * A set of byte addresses as sorted, disjoint, non-adjacent half-open ranges `[start, end)`, with
 * coverage queries, union and subtraction. Used by the semantic checker to track live allocations,
 * reservations and mappings. Operations are O(log n) to find the position plus O(k) for the k ranges
 * touched (array splice), which is fast for the live-set sizes of real traces (≤ 10^5 ranges).
 * Addresses are exact integers < 2^53.
 *
 * Not `IntervalSet<T>` (src/model/interval-set.ts), which is a different structure: that one keeps distinct
 * intervals each carrying a payload (allocations, VMAs), refuses overlapping inserts and answers "which
 * interval holds x". This one has no payload and no identity per range: adding coalesces overlapping and
 * adjacent ranges, removing splits them, and the questions are about bytes covered (`covers`,
 * `overlapBytes`, `coveredBytes`). Hence the name: a set of bytes stored as ranges.
 */
export class ByteRangeSet {
  private starts: number[] = [];
  private ends: number[] = [];

  get size(): number {
    return this.starts.length;
  }

  /** Total bytes covered. */
  coveredBytes(): number {
    let t = 0;
    for (let i = 0; i < this.starts.length; i++) t += this.ends[i]! - this.starts[i]!;
    return t;
  }

  /** Index of the first range whose end is > `a` (ranges before it lie entirely below `a`). */
  private firstEndingAfter(a: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! > a) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Bytes of `[a, b)` that are in the set. */
  overlapBytes(a: number, b: number): number {
    let n = 0;
    for (let i = this.firstEndingAfter(a); i < this.starts.length && this.starts[i]! < b; i++) {
      n += Math.min(b, this.ends[i]!) - Math.max(a, this.starts[i]!);
    }
    return n;
  }

  /** True when every byte of `[a, b)` is in the set. */
  covers(a: number, b: number): boolean {
    const i = this.firstEndingAfter(a);
    return i < this.starts.length && this.starts[i]! <= a && this.ends[i]! >= b;
  }

  /** Add `[a, b)` (merging with overlapping or adjacent ranges). */
  add(a: number, b: number): void {
    if (b <= a) return;
    const i = this.firstEndingAfter(a - 1); // first range ending at or after a (adjacent ranges merge)
    let j = i;
    let s = a;
    let e = b;
    while (j < this.starts.length && this.starts[j]! <= b) {
      s = Math.min(s, this.starts[j]!);
      e = Math.max(e, this.ends[j]!);
      j++;
    }
    this.starts.splice(i, j - i, s);
    this.ends.splice(i, j - i, e);
  }

  /** Remove `[a, b)` (splitting ranges that straddle it). */
  remove(a: number, b: number): void {
    if (b <= a) return;
    const i = this.firstEndingAfter(a);
    let j = i;
    const keepS: number[] = [];
    const keepE: number[] = [];
    while (j < this.starts.length && this.starts[j]! < b) {
      const s = this.starts[j]!;
      const e = this.ends[j]!;
      if (s < a) keepS.push(s), keepE.push(a);
      if (e > b) keepS.push(b), keepE.push(e);
      j++;
    }
    if (j === i) return;
    this.starts.splice(i, j - i, ...keepS);
    this.ends.splice(i, j - i, ...keepE);
  }

  /** The ranges as `[start, end)` pairs (tests and debugging). */
  toArray(): Array<[number, number]> {
    return this.starts.map((s, i) => [s, this.ends[i]!]);
  }
}
