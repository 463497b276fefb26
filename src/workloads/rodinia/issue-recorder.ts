import { Access } from '../../trace/event';
import type { TraceEmitter } from '../emit/emitter';

/** Threads per warp (CUDA; GPGPU-Sim `-gpgpu_shader_core_pipeline 2048:32`, the 32 = warp size). */
export const WARP_THREADS = 32;

/**
 * Records element accesses of a running Rodinia kernel and turns each step's accesses into page-granular
 * `access` rows, ordered the way GPGPU-Sim (the simulator behind UVMSmart, Ganguly et al. ISCA 2019) issues
 * them, not in address order:
 *
 * - thread blocks of a wave are placed round-robin on the SMs: block i of the wave runs on SM `i mod sms`, as
 *   its `slot` = ⌊i / sms⌋-th resident block there (gpgpu_sim::issue_block2core, gpu-sim.cc:1587-1598 of
 *   gpgpu-sim_UVMSmart: one block per cluster per cycle, starting after the last cluster that received one);
 * - the SMs run concurrently and each SM interleaves its resident warps: the k-th memory instruction of every
 *   resident warp is issued before the (k+1)-th of any (a warp that misses waits for its fault while the
 *   scheduler issues the other warps; shader.cc:1648 pushes the missing access to the GMMU queue);
 * - all threads of a warp issue an instruction together (32 threads per warp).
 *
 * So an access made by thread t (linear index in its block) as its k-th access gets the issue key
 * `(k · warpsPerSm + slot · warpsPerBlock + ⌊t / 32⌋) · sms + sm`; a page's row is placed at the smallest key
 * of any access to it in the step; rows are emitted in key order (ties: ascending address). The per-page
 * counts and the set of touched pages are those of the address-ordered recorder (`PageRecorder`): only the
 * order of the rows inside a step changes. CPU steps (no `block`/`thread` calls) keep key 0 everywhere, so they
 * come out in address order.
 *
 * `k` counts the accesses of one thread (a warp's instruction index when its threads do not diverge); kernels
 * declare the running thread with `thread(t)` before its accesses, and a block's threads are all declared by
 * their linear index `tx + ty · blockDim.x`.
 */
export class IssueRecorder {
  private firstPage: number[] = [];
  private perPage: number[] = [];
  private shift: number[] = [];
  private pageVa = new Float64Array(0);
  private pageLen = new Float64Array(0);
  private rc = new Uint32Array(0);
  private wc = new Uint32Array(0);
  private key = new Float64Array(0);
  private touched = new Int32Array(0);
  private nTouched = 0;
  private pages = 0;
  /** Accesses so far per thread of the current block (k). */
  private ordinal = new Int32Array(1024);
  /** Threads of the current block whose ordinal is non-zero (reset at the next block). */
  private maxThread = 0;
  private cur = 0;
  private curBase = 0;
  private stride = 0;
  private sms = 1;
  private blockBase = 0;
  private warpsPerBlock = 1;
  private inBlock = false;
  /** Element accesses recorded so far (reads + writes), over all steps. */
  elementAccesses = 0;

  constructor(private readonly em: TraceEmitter, readonly pageBytes: number) {}

  /** Register `[va, va+bytes)` of `elemBytes` elements (page-aligned; elements tile a power-of-two page). */
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

  private grow(n: number): void {
    const cp = <T extends Float64Array | Uint32Array | Int32Array>(a: T, make: (k: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.pageVa = cp(this.pageVa, (k) => new Float64Array(k));
    this.pageLen = cp(this.pageLen, (k) => new Float64Array(k));
    this.rc = cp(this.rc, (k) => new Uint32Array(k));
    this.wc = cp(this.wc, (k) => new Uint32Array(k));
    this.key = cp(this.key, (k) => new Float64Array(k));
    this.touched = cp(this.touched, (k) => new Int32Array(k));
  }

  /**
   * Start a launch's step geometry: `sms` SMs, `blocksPerSm` resident blocks per SM, `threadsPerBlock`
   * threads per block (the wave of DeviceRun.launch).
   */
  launchShape(sms: number, blocksPerSm: number, threadsPerBlock: number): void {
    this.sms = sms;
    this.warpsPerBlock = Math.ceil(threadsPerBlock / WARP_THREADS);
    this.stride = blocksPerSm * this.warpsPerBlock * sms;
    if (threadsPerBlock > this.ordinal.length) this.ordinal = new Int32Array(threadsPerBlock);
  }

  /** Block `i` of the current wave starts: SM `i mod sms`, slot ⌊i / sms⌋; thread 0 runs until `thread()`. */
  block(i: number): void {
    this.ordinal.fill(0, 0, this.maxThread + 1);
    this.maxThread = 0;
    const sm = i % this.sms;
    const slot = Math.floor(i / this.sms);
    this.blockBase = slot * this.warpsPerBlock * this.sms + sm;
    this.inBlock = true;
    this.thread(0);
  }

  /** The kernel body runs thread `t` (linear index in its block) from here on. */
  thread(t: number): void {
    this.cur = t;
    if (t > this.maxThread) this.maxThread = t;
    this.curBase = this.blockBase + Math.floor(t / WARP_THREADS) * this.sms;
  }

  /** Leave block mode (CPU phases): every access gets key 0. */
  endBlocks(): void {
    this.inBlock = false;
  }

  private note(p: number): void {
    const k = this.inBlock ? this.ordinal[this.cur]!++ * this.stride + this.curBase : 0;
    if (this.rc[p] === 0 && this.wc[p] === 0) {
      this.touched[this.nTouched++] = p;
      this.key[p] = k;
    } else if (k < this.key[p]!) this.key[p] = k;
  }

  /** One element read of `array[index]`. */
  r(array: number, index: number): void {
    const p = this.firstPage[array]! + (index >>> this.shift[array]!);
    this.note(p);
    this.rc[p]++;
  }

  /** One element write of `array[index]`. */
  w(array: number, index: number): void {
    const p = this.firstPage[array]! + (index >>> this.shift[array]!);
    this.note(p);
    this.wc[p]++;
  }

  /** `n` reads (or writes) of each element of `array[from, from+count)`: one access of the running thread. */
  range(array: number, from: number, count: number, write: boolean, n = 1): void {
    if (count <= 0) return;
    const per = this.perPage[array]!;
    const base = this.firstPage[array]!;
    const k = this.inBlock ? this.ordinal[this.cur]!++ * this.stride + this.curBase : 0;
    const last = Math.floor((from + count - 1) / per);
    for (let q = Math.floor(from / per); q <= last; q++) {
      const lo = Math.max(from, q * per);
      const hi = Math.min(from + count, (q + 1) * per);
      this.mark(base + q, k, (hi - lo) * n, write);
    }
  }

  /** `count` accesses `array[start + j·stride]` (a strided loop): one access of the running thread. */
  strided(array: number, start: number, stride: number, count: number, write: boolean): void {
    if (count <= 0) return;
    if (stride === 1) return this.range(array, start, count, write);
    const per = this.perPage[array]!;
    const base = this.firstPage[array]!;
    const k = this.inBlock ? this.ordinal[this.cur]!++ * this.stride + this.curBase : 0;
    const lastIdx = start + (count - 1) * stride;
    for (let q = Math.floor(start / per), qEnd = Math.floor(lastIdx / per); q <= qEnd; q++) {
      const lo = Math.max(0, Math.ceil((q * per - start) / stride));
      const hi = Math.min(count - 1, Math.floor(((q + 1) * per - 1 - start) / stride));
      if (hi >= lo) this.mark(base + q, k, hi - lo + 1, write);
    }
  }

  private mark(p: number, k: number, n: number, write: boolean): void {
    if (this.rc[p] === 0 && this.wc[p] === 0) {
      this.touched[this.nTouched++] = p;
      this.key[p] = k;
    } else if (k < this.key[p]!) this.key[p] = k;
    if (write) this.wc[p] += n;
    else this.rc[p] += n;
  }

  /** Pages touched in the current step so far. */
  get pendingPages(): number {
    return this.nTouched;
  }

  /** Emit the current step's rows at `tNs` for `agent` in issue order, then start a new step. Returns rows. */
  flush(tNs: number, agent: number): number {
    const n = this.nTouched;
    if (n === 0) return 0;
    const list = this.touched.subarray(0, n);
    const key = this.key;
    list.sort((a, b) => key[a]! - key[b]! || a - b);
    let rows = 0;
    for (let j = 0; j < n; j++) {
      const p = list[j]!;
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
