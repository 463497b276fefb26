import { grown } from '../../io/typed-arrays';
import { Access } from '../../trace/event';
import type { TraceEmitter } from './emitter';

/**
 * Records element accesses of a running kernel and turns each step's accesses into page-granular `access`
 * rows: one row per touched page and kind (`r` with the number of element reads, then `w` with the number of
 * element writes), pages in ascending address order, each row's `bytes` clipped to its array's end.
 *
 * Arrays are registered with their address and element size; kernels call `r(array, index)` /
 * `w(array, index)` per element access (the hot path: two typed-array updates, no allocation), and
 * `flush(tNs, agent)` at the end of every step (one thread-block wave, one CPU loop chunk …).
 *
 * Subclasses change the order of a step's rows (`order`) and may note more per page through `mark`, the one
 * place every access of every kind lands (src/workloads/rodinia/issue-recorder.ts orders rows as GPGPU-Sim
 * issues them).
 */
export class PageRecorder {
  protected firstPage: number[] = [];
  protected perPage: number[] = [];
  /** log2(elements per page) per array: page of element i = firstPage + (i >>> shift). */
  protected shift: number[] = [];
  protected pageVa = new Float64Array(0);
  protected pageLen = new Float64Array(0);
  protected rc = new Uint32Array(0);
  protected wc = new Uint32Array(0);
  protected touched = new Int32Array(0);
  protected nTouched = 0;
  private pages = 0;
  /** Element accesses recorded so far (reads + writes), over all steps. */
  elementAccesses = 0;

  constructor(private readonly em: TraceEmitter, readonly pageBytes: number) {}

  /**
   * Register `[va, va+bytes)` holding elements of `elemBytes` (a power of two dividing the page size; the
   * page size is a power of two). Arrays hold fewer than 2^31 elements (indices are shifted as int32).
   */
  addArray(va: number, bytes: number, elemBytes: number): number {
    const per = this.pageBytes / elemBytes;
    if (va % this.pageBytes !== 0 || !Number.isInteger(Math.log2(per)) || bytes / elemBytes >= 2 ** 31) {
      throw new Error(`recorder: array at ${va} must be page-aligned, ${elemBytes}-byte elements must tile a power-of-two page, < 2^31 elements`);
    }
    const n = Math.ceil(bytes / this.pageBytes);
    const first = this.pages;
    this.pages += n;
    this.grow(this.pages);
    for (let p = 0; p < n; p++) {
      this.pageVa[first + p] = va + p * this.pageBytes;
      this.pageLen[first + p] = Math.min(this.pageBytes, bytes - p * this.pageBytes);
    }
    this.firstPage.push(first);
    this.perPage.push(per);
    this.shift.push(Math.log2(per));
    return this.firstPage.length - 1;
  }

  /** Make room for `n` pages (per-page arrays keep their contents). */
  protected grow(n: number): void {
    this.pageVa = grown(this.pageVa, n);
    this.pageLen = grown(this.pageLen, n);
    this.rc = grown(this.rc, n);
    this.wc = grown(this.wc, n);
    this.touched = grown(this.touched, n);
  }

  /** `n` element reads (or writes) of page `p` in the current step. */
  protected mark(p: number, n: number, write: boolean): void {
    if (this.rc[p] === 0 && this.wc[p] === 0) this.touched[this.nTouched++] = p;
    if (write) this.wc[p] += n;
    else this.rc[p] += n;
  }

  /** One element read of `array[index]`. */
  r(array: number, index: number): void {
    this.mark(this.firstPage[array]! + (index >>> this.shift[array]!), 1, false);
  }

  /** One element write of `array[index]`. */
  w(array: number, index: number): void {
    this.mark(this.firstPage[array]! + (index >>> this.shift[array]!), 1, true);
  }

  /** `n` reads (or writes) of each element of `array[from, from+count)` (CPU loops over a range). */
  range(array: number, from: number, count: number, write: boolean, n = 1): void {
    if (count <= 0) return;
    const per = this.perPage[array]!;
    const base = this.firstPage[array]!;
    const last = Math.floor((from + count - 1) / per);
    for (let q = Math.floor(from / per); q <= last; q++) {
      const lo = Math.max(from, q * per);
      const hi = Math.min(from + count, (q + 1) * per);
      this.mark(base + q, (hi - lo) * n, write);
    }
  }

  /**
   * `count` accesses `array[start + k·stride]`, k = 0 … count−1 (a strided inner loop), each page counted once
   * per element; `stride` ≥ 1.
   */
  strided(array: number, start: number, stride: number, count: number, write: boolean): void {
    if (count <= 0) return;
    if (stride === 1) return this.range(array, start, count, write);
    const per = this.perPage[array]!;
    const base = this.firstPage[array]!;
    const lastIdx = start + (count - 1) * stride;
    // Per page, the number of k in [0, count) with start + k·stride inside the page (O(pages), not O(count)).
    for (let q = Math.floor(start / per), qEnd = Math.floor(lastIdx / per); q <= qEnd; q++) {
      const lo = Math.max(0, Math.ceil((q * per - start) / stride));
      const hi = Math.min(count - 1, Math.floor(((q + 1) * per - 1 - start) / stride));
      if (hi >= lo) this.mark(base + q, hi - lo + 1, write);
    }
  }

  /** Pages touched in the current step so far. */
  get pendingPages(): number {
    return this.nTouched;
  }

  /** The order of a step's rows: ascending page (= address) order. */
  protected order(pages: Int32Array): void {
    pages.sort();
  }

  /** Emit the current step's rows at `tNs` for `agent`, then start a new step. Returns rows emitted. */
  flush(tNs: number, agent: number): number {
    const n = this.nTouched;
    if (n === 0) return 0;
    const list = this.touched.subarray(0, n);
    this.order(list);
    let rows = 0;
    for (let k = 0; k < n; k++) {
      const p = list[k]!;
      const r = this.rc[p]!;
      const w = this.wc[p]!;
      if (r > 0) {
        this.em.access(tNs, agent, this.pageVa[p]!, this.pageLen[p]!, Access.r, r);
        rows++;
      }
      if (w > 0) {
        this.em.access(tNs, agent, this.pageVa[p]!, this.pageLen[p]!, Access.w, w);
        rows++;
      }
      this.elementAccesses += r + w;
      this.rc[p] = 0;
      this.wc[p] = 0;
    }
    this.nTouched = 0;
    return rows;
  }
}
