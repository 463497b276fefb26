import { maskWeight, popcount32 } from '../model/page-mask';
import type { EventBatch } from '../trace/batch';
import { ByteRangeSet } from '../trace/byte-range-set';
import { Op } from '../trace/event';

/** Page size of the touched footprint: the 4 KiB base page every modelled system tracks (docs/cli.md §3). */
export const TOUCHED_PAGE_BYTES = 4096;

const OP_ACCESS = Op.access; // module-local copy: imported bindings are getters under tsx
/** Pages per bitmap chunk (2^16 pages = 256 MiB of address space, an 8 KiB bitmap). */
const CHUNK_SHIFT = 16;
const CHUNK_PAGES = 1 << CHUNK_SHIFT;
const CHUNK_WORDS = CHUNK_PAGES >>> 5;
/** Whole chunks in one row from which they are kept as a run instead of bitmaps (16 chunks: 4 GiB). */
const WHOLE_RUN_CHUNKS = 16;

/**
 * Touched footprint (docs/cli.md §3): the distinct 4 KiB pages that `access` rows (any agent) cover, in bytes,
 * over the whole trace. The default basis of `--oversub`: a trace that allocates 14 MiB and touches 2.5 MiB
 * of it is not oversubscribed by a 4 MiB device, so oversubscription measured on allocated bytes says little.
 *
 * One bit per page in 8 KiB bitmaps, one per 256 MiB of address space that is touched at all (a Map from the
 * chunk number), and a running count of set bits: a row costs O(its pages / 32) word operations whatever the
 * order of the accesses. (A sorted range list made scattered accesses quadratic: 3 M random accesses over
 * 1 M pages spent minutes splicing arrays.) A repeat of the previous row's page range is skipped.
 *
 * The whole chunks of a row of ≥ `WHOLE_RUN_CHUNKS` chunks (4 GiB) are kept as runs of chunk numbers instead of
 * bitmaps: a hostile or mis-imported size (one 256 TiB row: 2^20 chunks) cost 8 GiB of bitmaps and a minute.
 */
export class TouchedPages {
  private readonly chunks = new Map<number, Uint32Array>();
  /** Runs of wholly touched chunks, as ranges of chunk numbers (none in most traces). */
  private readonly runs = new ByteRangeSet();
  private count = 0;
  // the page range last added: most accesses repeat or extend it (skips the bitmap)
  private lastFirst = 0;
  private lastEnd = 0;

  update(b: EventBatch): void {
    const { op, va, bytes } = b;
    const P = TOUCHED_PAGE_BYTES;
    for (let i = 0; i < b.length; i++) {
      if (op[i] !== OP_ACCESS) continue;
      const a = va[i]!;
      const n = bytes[i]!;
      if (!(n > 0) || !Number.isFinite(a)) continue;
      const first = Math.floor(a / P);
      const end = Math.ceil((a + n) / P);
      if (first >= this.lastFirst && end <= this.lastEnd) continue;
      this.addPages(first, end);
      this.lastFirst = first;
      this.lastEnd = end;
    }
  }

  /** Mark pages `[first, end)` (page numbers) as touched. */
  addPages(first: number, end: number): void {
    const w0 = Math.ceil(first / CHUNK_PAGES);
    const w1 = Math.floor(end / CHUNK_PAGES);
    if (w1 - w0 >= WHOLE_RUN_CHUNKS) {
      this.addBitmaps(first, w0 * CHUNK_PAGES);
      this.addWholeChunks(w0, w1);
      this.addBitmaps(w1 * CHUNK_PAGES, end);
      return;
    }
    this.addBitmaps(first, end);
  }

  /** Pages `[first, end)` through the chunks' bitmaps (chunks inside a run are skipped: already counted). */
  private addBitmaps(first: number, end: number): void {
    let p = first;
    while (p < end) {
      const c = Math.floor(p / CHUNK_PAGES);
      const base = c * CHUNK_PAGES;
      const stop = Math.min(end, base + CHUNK_PAGES);
      if (this.runs.size > 0 && this.runs.covers(c, c + 1)) {
        p = stop;
        continue;
      }
      let bits = this.chunks.get(c);
      if (bits === undefined) {
        bits = new Uint32Array(CHUNK_WORDS);
        this.chunks.set(c, bits);
      }
      this.setRange(bits, p - base, stop - base);
      p = stop;
    }
  }

  /** Chunks `[c0, c1)` wholly touched: count what was not yet, drop their bitmaps, add the run. */
  private addWholeChunks(c0: number, c1: number): void {
    // pages of [c0, c1) already counted: chunks in earlier runs, then the bitmaps (chunks in runs have none)
    let known = this.runs.overlapBytes(c0, c1) * CHUNK_PAGES;
    for (const [c, bits] of this.chunks) {
      if (c < c0 || c >= c1) continue;
      known += maskWeight(bits, 0, CHUNK_WORDS);
      this.chunks.delete(c);
    }
    this.count += (c1 - c0) * CHUNK_PAGES - known;
    this.runs.add(c0, c1);
  }

  /** Set bits `[s, e)` of one chunk, counting the ones that were clear. */
  private setRange(bits: Uint32Array, s: number, e: number): void {
    let w = s >>> 5;
    const wLast = (e - 1) >>> 5;
    for (; w <= wLast; w++) {
      const lo = w === s >>> 5 ? s & 31 : 0;
      const hi = w === wLast ? ((e - 1) & 31) + 1 : 32;
      const mask = hi - lo === 32 ? 0xffffffff : (((1 << (hi - lo)) - 1) << lo) >>> 0;
      const old = bits[w]!;
      const added = (mask & ~old) >>> 0;
      if (added !== 0) {
        this.count += popcount32(added);
        bits[w] = (old | mask) >>> 0;
      }
    }
  }

  /** Distinct pages touched so far. */
  get pages(): number {
    return this.count;
  }

  /** Bytes of the distinct pages touched so far (a multiple of 4 KiB). */
  get bytes(): number {
    return this.count * TOUCHED_PAGE_BYTES;
  }
}
