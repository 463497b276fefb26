/**
 * A set of byte addresses as sorted, disjoint, non-adjacent half-open ranges `[start, end)`, with
 * coverage queries, union and subtraction. Used by the semantic checker to track live allocations,
 * reservations and mappings, and by the touched footprint (run/touched-pages.ts) for runs of whole chunk numbers.
 * The ranges are kept in order in chunks of at most `2 × CHUNK` (split in two past
 * that, dropped when empty), found by a binary search over each chunk's last end: an operation costs a search
 * plus the k ranges it touches plus one chunk's move, not the whole array's (with one array, 200,000
 * allocations added and removed in random order took most of a 79 s run in two splices each). Addresses are
 * exact integers < 2^53.
 *
 * Not `IntervalSet<T>` (src/model/interval-set.ts), which is a different structure: that one keeps distinct
 * intervals each carrying a payload (allocations, VMAs), refuses overlapping inserts and answers "which
 * interval holds x". This one has no payload and no identity per range: adding coalesces overlapping and
 * adjacent ranges, removing splits them, and the questions are about bytes covered (`covers`,
 * `overlapBytes`, `coveredBytes`). Hence the name: a set of bytes stored as ranges.
 */
/** Ranges per chunk after a split (a chunk holds at most twice this). */
const CHUNK = 256;

export class ByteRangeSet {
  /** Per chunk, the starts and ends of its ranges in order; no chunk is empty. */
  private readonly starts: number[][] = [];
  private readonly ends: number[][] = [];
  /** The end of each chunk's last range (ascending, as the ranges are disjoint and sorted). */
  private readonly lastEnds: number[] = [];
  private count = 0;
  /** Result of `locate`: chunk and index of a position (`pc` = number of chunks: past the end). */
  private pc = 0;
  private pi = 0;

  get size(): number {
    return this.count;
  }

  /** Total bytes covered. */
  coveredBytes(): number {
    let t = 0;
    for (let c = 0; c < this.starts.length; c++) {
      const s = this.starts[c]!;
      const e = this.ends[c]!;
      for (let i = 0; i < s.length; i++) t += e[i]! - s[i]!;
    }
    return t;
  }

  /** Position (`pc`, `pi`) of the first range whose end is > `a` (ranges before it lie entirely below `a`). */
  private locate(a: number): void {
    const le = this.lastEnds;
    let lo = 0;
    let hi = le.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (le[mid]! > a) hi = mid;
      else lo = mid + 1;
    }
    this.pc = lo;
    this.pi = 0;
    if (lo === le.length) return;
    const e = this.ends[lo]!;
    let l = 0;
    let h = e.length - 1; // e[last] > a
    while (l < h) {
      const mid = (l + h) >>> 1;
      if (e[mid]! > a) h = mid;
      else l = mid + 1;
    }
    this.pi = l;
  }

  /** Remove the range at (`c`, `i`); (`pc`, `pi`) is left at the range that followed it. */
  private removeAt(c: number, i: number): void {
    const s = this.starts[c]!;
    const e = this.ends[c]!;
    s.splice(i, 1);
    e.splice(i, 1);
    this.count--;
    if (s.length === 0) {
      this.starts.splice(c, 1);
      this.ends.splice(c, 1);
      this.lastEnds.splice(c, 1);
      this.pc = c;
      this.pi = 0;
      return;
    }
    this.lastEnds[c] = e[e.length - 1]!;
    if (i < s.length) {
      this.pc = c;
      this.pi = i;
    } else {
      this.pc = c + 1;
      this.pi = 0;
    }
  }

  /** Insert `[s, e)` before position (`c`, `i`) (`c` = number of chunks: at the end); (`pc`, `pi`) after it. */
  private insertAt(c: number, i: number, s: number, e: number): void {
    this.count++;
    if (this.starts.length === 0) {
      this.starts.push([s]);
      this.ends.push([e]);
      this.lastEnds.push(e);
      this.pc = 1;
      this.pi = 0;
      return;
    }
    if (c === this.starts.length) {
      c--;
      i = this.starts[c]!.length;
    }
    const cs = this.starts[c]!;
    const ce = this.ends[c]!;
    cs.splice(i, 0, s);
    ce.splice(i, 0, e);
    this.lastEnds[c] = ce[ce.length - 1]!;
    this.pc = c;
    this.pi = i + 1;
    if (cs.length > 2 * CHUNK) {
      const ts = cs.splice(CHUNK);
      const te = ce.splice(CHUNK);
      this.starts.splice(c + 1, 0, ts);
      this.ends.splice(c + 1, 0, te);
      this.lastEnds[c] = ce[ce.length - 1]!;
      this.lastEnds.splice(c + 1, 0, te[te.length - 1]!);
      if (this.pi > CHUNK) {
        this.pc = c + 1;
        this.pi -= CHUNK;
      }
    }
    if (this.pc < this.starts.length && this.pi === this.starts[this.pc]!.length) {
      this.pc++;
      this.pi = 0;
    }
  }

  /** Bytes of `[a, b)` that are in the set. */
  overlapBytes(a: number, b: number): number {
    let n = 0;
    this.locate(a);
    for (let c = this.pc, i = this.pi; c < this.starts.length; c++, i = 0) {
      const s = this.starts[c]!;
      const e = this.ends[c]!;
      for (; i < s.length; i++) {
        if (s[i]! >= b) return n;
        n += Math.min(b, e[i]!) - Math.max(a, s[i]!);
      }
    }
    return n;
  }

  /** The parts of `[a, b)` that are not in the set, in order. */
  gaps(a: number, b: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let x = a; // bytes below x are accounted for
    this.locate(a);
    outer: for (let c = this.pc, i = this.pi; c < this.starts.length; c++, i = 0) {
      const s = this.starts[c]!;
      const e = this.ends[c]!;
      for (; i < s.length; i++) {
        if (s[i]! >= b) break outer;
        if (s[i]! > x) out.push([x, s[i]!]);
        x = e[i]!; // > x: the first range located ends above a, and ranges are disjoint and sorted
        if (x >= b) break outer;
      }
    }
    if (x < b) out.push([x, b]);
    return out;
  }

  /** True when every byte of `[a, b)` is in the set. */
  covers(a: number, b: number): boolean {
    this.locate(a);
    if (this.pc === this.starts.length) return false;
    return this.starts[this.pc]![this.pi]! <= a && this.ends[this.pc]![this.pi]! >= b;
  }

  /**
   * Like `covers`, and when a range of the set covers `[a, b)` its bounds go to `out[0]` (start) and `out[1]`
   * (end), so that a caller can answer later questions inside it without a search.
   */
  coveringRange(a: number, b: number, out: Float64Array): boolean {
    if (!this.covers(a, b)) return false;
    out[0] = this.starts[this.pc]![this.pi]!;
    out[1] = this.ends[this.pc]![this.pi]!;
    return true;
  }

  /** Add `[a, b)` (merging with overlapping or adjacent ranges). */
  add(a: number, b: number): void {
    if (b <= a) return;
    this.locate(a - 1); // first range ending at or after a (adjacent ranges merge)
    let s = a;
    let e = b;
    while (this.pc < this.starts.length && this.starts[this.pc]![this.pi]! <= b) {
      const c = this.pc;
      const i = this.pi;
      s = Math.min(s, this.starts[c]![i]!);
      e = Math.max(e, this.ends[c]![i]!);
      this.removeAt(c, i);
    }
    this.insertAt(this.pc, this.pi, s, e);
  }

  /** Remove `[a, b)` (splitting ranges that straddle it). */
  remove(a: number, b: number): void {
    if (b <= a) return;
    this.locate(a);
    let lo = false;
    let loStart = 0;
    let hi = false;
    let hiEnd = 0;
    while (this.pc < this.starts.length && this.starts[this.pc]![this.pi]! < b) {
      const c = this.pc;
      const i = this.pi;
      const s = this.starts[c]![i]!;
      const e = this.ends[c]![i]!;
      if (s < a) (lo = true), (loStart = s);
      if (e > b) (hi = true), (hiEnd = e);
      this.removeAt(c, i);
    }
    if (lo) this.insertAt(this.pc, this.pi, loStart, a);
    if (hi) this.insertAt(this.pc, this.pi, b, hiEnd);
  }

  /** The ranges as `[start, end)` pairs (tests and debugging). */
  toArray(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let c = 0; c < this.starts.length; c++) for (let i = 0; i < this.starts[c]!.length; i++) out.push([this.starts[c]![i]!, this.ends[c]![i]!]);
    return out;
  }
}
