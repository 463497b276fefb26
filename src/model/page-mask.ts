/**
 * Fixed-size page bitmaps for one VA block (UVM's `uvm_page_mask_t`): bit `p` is 4 KiB page `p` of the block.
 * A mask is `words` consecutive 32-bit words of a `Uint32Array` starting at word offset `off`, so many blocks'
 * masks can live in one typed array (block slot `s` at `off = s * words`). All functions are allocation-free
 * and take page ranges as half-open `[first, end)`.
 *
 * Why a helper of its own: UVM, the UVMSmart policy family and HMM ranges all reason about "which pages of
 * this 2 MiB block are resident / faulted / thrashing"; bit operations on words keep the per-fault work
 * proportional to the block's 16 words, not to its 512 pages.
 */

/** Words needed for a mask of `pages` bits. */
export function maskWords(pages: number): number {
  return Math.max(1, Math.ceil(pages / 32));
}

export function maskTest(m: Uint32Array, off: number, p: number): boolean {
  return (m[off + (p >>> 5)]! & (1 << (p & 31))) !== 0;
}

export function maskSet(m: Uint32Array, off: number, p: number): void {
  m[off + (p >>> 5)]! |= 1 << (p & 31);
}

export function maskClear(m: Uint32Array, off: number, p: number): void {
  m[off + (p >>> 5)]! &= ~(1 << (p & 31));
}

/** Number of set bits in a 32-bit word. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Bits of word `w` that fall inside `[first, end)` (pages), as a 32-bit mask. */
function rangeWordMask(w: number, first: number, end: number): number {
  const lo = w * 32;
  const a = first > lo ? first - lo : 0;
  const b = end < lo + 32 ? end - lo : 32;
  if (b <= a) return 0;
  const hi = b === 32 ? 0xffffffff : ((1 << b) - 1) >>> 0;
  const low = a === 0 ? 0 : ((1 << a) - 1) >>> 0;
  return (hi & ~low) >>> 0;
}

/** Set bits in `[first, end)`. */
export function maskCountRange(m: Uint32Array, off: number, first: number, end: number): number {
  if (end <= first) return 0;
  let n = 0;
  const w0 = first >>> 5;
  const w1 = (end - 1) >>> 5;
  for (let w = w0; w <= w1; w++) n += popcount32((m[off + w]! & rangeWordMask(w, first, end)) >>> 0);
  return n;
}

/** Set every bit in `[first, end)`. */
export function maskFillRange(m: Uint32Array, off: number, first: number, end: number): void {
  if (end <= first) return;
  const w0 = first >>> 5;
  const w1 = (end - 1) >>> 5;
  for (let w = w0; w <= w1; w++) m[off + w]! |= rangeWordMask(w, first, end);
}

/** Clear every bit in `[first, end)`. */
export function maskClearRange(m: Uint32Array, off: number, first: number, end: number): void {
  if (end <= first) return;
  const w0 = first >>> 5;
  const w1 = (end - 1) >>> 5;
  for (let w = w0; w <= w1; w++) m[off + w]! &= ~rangeWordMask(w, first, end);
}

/** True when no bit in `[first, end)` is set. */
export function maskRangeEmpty(m: Uint32Array, off: number, first: number, end: number): boolean {
  if (end <= first) return true;
  const w0 = first >>> 5;
  const w1 = (end - 1) >>> 5;
  for (let w = w0; w <= w1; w++) if ((m[off + w]! & rangeWordMask(w, first, end)) !== 0) return false;
  return true;
}

/** Zero `words` words. */
export function maskZero(m: Uint32Array, off: number, words: number): void {
  m.fill(0, off, off + words);
}

/** Copy `words` words from `src@srcOff` to `dst@dstOff`. */
export function maskCopy(dst: Uint32Array, dstOff: number, src: Uint32Array, srcOff: number, words: number): void {
  for (let w = 0; w < words; w++) dst[dstOff + w] = src[srcOff + w]!;
}

/** `dst |= src` over `words` words. */
export function maskOr(dst: Uint32Array, dstOff: number, src: Uint32Array, srcOff: number, words: number): void {
  for (let w = 0; w < words; w++) dst[dstOff + w]! |= src[srcOff + w]!;
}

/** `dst &= ~src` over `words` words. */
export function maskAndNot(dst: Uint32Array, dstOff: number, src: Uint32Array, srcOff: number, words: number): void {
  for (let w = 0; w < words; w++) dst[dstOff + w]! &= ~src[srcOff + w]!;
}

/** Total set bits over `words` words. */
export function maskWeight(m: Uint32Array, off: number, words: number): number {
  let n = 0;
  for (let w = 0; w < words; w++) n += popcount32(m[off + w]!);
  return n;
}

/**
 * Runs of consecutive set bits over `words` words (a run may cross a word boundary): the contiguous page regions
 * a block mask holds. A run starts at a set bit whose lower neighbour (the previous word's top bit for bit 0) is clear.
 */
export function maskRuns(m: Uint32Array, off: number, words: number): number {
  let n = 0;
  let carry = 0; // the previous word's top bit
  for (let w = 0; w < words; w++) {
    const x = m[off + w]!;
    if (x !== 0) n += popcount32((x & ~((x << 1) | carry)) >>> 0);
    carry = x >>> 31;
  }
  return n;
}

/** Index of the first set bit at or after `from` and before `end`, or -1. */
export function maskNextSet(m: Uint32Array, off: number, from: number, end: number): number {
  if (from >= end) return -1;
  let w = from >>> 5;
  let bits = (m[off + w]! & ~(((1 << (from & 31)) - 1) >>> 0)) >>> 0;
  if ((from & 31) === 0) bits = m[off + w]! >>> 0;
  const lastW = (end - 1) >>> 5;
  for (;;) {
    if (bits !== 0) {
      const p = w * 32 + (31 - Math.clz32(bits & -bits));
      return p < end ? p : -1;
    }
    if (++w > lastW) return -1;
    bits = m[off + w]! >>> 0;
  }
}

/** Index of the first clear bit at or after `from` and before `end`, or -1. */
export function maskNextClear(m: Uint32Array, off: number, from: number, end: number): number {
  for (let p = from; p < end; ) {
    const w = p >>> 5;
    const inv = ~m[off + w]! >>> 0;
    const bits = (inv & ~(((1 << (p & 31)) - 1) >>> 0)) >>> 0;
    const fromBits = (p & 31) === 0 ? inv : bits;
    if (fromBits !== 0) {
      const q = w * 32 + (31 - Math.clz32(fromBits & -fromBits));
      return q < end ? q : -1;
    }
    p = (w + 1) * 32;
  }
  return -1;
}

/** Index of the lowest set bit of a non-zero 32-bit word. */
export function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * Visits the runs of consecutive set bits of a mask, allocation-free when reused:
 * `runs.reset(m, off, words); for (let s = runs.next(); s >= 0; s = runs.next()) use [s, runs.end)`.
 * Runs may cross word boundaries. The mask must not change during a scan.
 */
export class MaskRuns {
  /** End (exclusive) of the run `next` returned. */
  end = 0;
  private m: Uint32Array = new Uint32Array(0);
  private off = 0;
  private words = 0;
  private k = -1;
  private x = 0;

  reset(m: Uint32Array, off: number, words: number): void {
    this.m = m;
    this.off = off;
    this.words = words;
    this.k = -1;
    this.x = 0;
  }

  /** Start of the next run, or -1 when there is none. */
  next(): number {
    const m = this.m;
    const off = this.off;
    let x = this.x;
    let k = this.k;
    while (x === 0) {
      if (++k >= this.words) {
        this.k = k;
        return -1;
      }
      x = m[off + k]! >>> 0;
    }
    const s = ctz32(x);
    const start = k * 32 + s;
    const y = x >>> s;
    const ones = y === 0xffffffff ? 32 : ctz32(~y >>> 0);
    if (s + ones < 32) {
      const cut = s + ones;
      this.x = ((x >>> cut) << cut) >>> 0;
      this.k = k;
      this.end = start + ones;
      return start;
    }
    // the run reaches the top of this word: extend through following words
    let end = (k + 1) * 32;
    this.x = 0;
    while (++k < this.words) {
      const w = m[off + k]! >>> 0;
      if (w === 0xffffffff) {
        end += 32;
        continue;
      }
      const t = (w & 1) === 0 ? 0 : ctz32(~w >>> 0);
      end += t;
      this.x = ((w >>> t) << t) >>> 0;
      break;
    }
    this.k = k;
    this.end = end;
    return start;
  }
}
