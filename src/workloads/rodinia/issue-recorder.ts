import { grown } from '../../io/typed-arrays';
import { PageRecorder } from '../emit/page-recorder';

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
/** Bounds of the packed sort key of `IssueRecorder.order`: `key · PAGE_LIMIT + page` < 2^53. */
const KEY_LIMIT = 2 ** 31;
const PAGE_LIMIT = 2 ** 22;

export class IssueRecorder extends PageRecorder {
  /** Scratch of `order`: packed (key, page) values. */
  private packed = new Float64Array(0);
  /** Smallest issue key of any access to the page in the current step. */
  private key = new Float64Array(0);
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
  /** Issue key of the access being recorded (set before the base class marks its pages). */
  private curKey = 0;

  protected override grow(n: number): void {
    super.grow(n);
    this.key = grown(this.key, n);
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

  /** The running thread's next access: its issue key. */
  private nextKey(): number {
    return this.inBlock ? this.ordinal[this.cur]!++ * this.stride + this.curBase : 0;
  }

  protected override mark(p: number, n: number, write: boolean): void {
    const k = this.curKey;
    if (this.rc[p] === 0 && this.wc[p] === 0) this.key[p] = k;
    else if (k < this.key[p]!) this.key[p] = k;
    super.mark(p, n, write);
  }

  /** One element read of `array[index]`: one access of the running thread. */
  override r(array: number, index: number): void {
    const k = this.inBlock ? this.ordinal[this.cur]!++ * this.stride + this.curBase : 0;
    this.markKeyed(this.firstPage[array]! + (index >>> this.shift[array]!), 1, k, false);
  }

  /** One element write of `array[index]`: one access of the running thread. */
  override w(array: number, index: number): void {
    const k = this.inBlock ? this.ordinal[this.cur]!++ * this.stride + this.curBase : 0;
    this.markKeyed(this.firstPage[array]! + (index >>> this.shift[array]!), 1, k, true);
  }

  /** `n` reads (or writes) of each element of `array[from, from+count)`: one access of the running thread. */
  override range(array: number, from: number, count: number, write: boolean, n = 1): void {
    if (count <= 0) return;
    this.curKey = this.nextKey();
    super.range(array, from, count, write, n);
  }

  /** `count` accesses `array[start + j·stride]` (a strided loop): one access of the running thread. */
  override strided(array: number, start: number, stride: number, count: number, write: boolean): void {
    if (count <= 0) return;
    if (stride === 1) return this.range(array, start, count, write);
    this.curKey = this.nextKey();
    super.strided(array, start, stride, count, write);
  }

  /**
   * Threads `t0 … t0+n−1` of the current block each make their first access (k = 0) to one element,
   * thread t to `array[from + t − t0]` (the coalesced per-thread load or store that opens a kernel body,
   * e.g. bfs's `g_graph_mask[tid]`): the same pages, counts and issue keys as `thread(t)` followed by `r` (or
   * `w`) for every t in turn, in O(pages) instead of O(n). Afterwards each of those threads has made one
   * access, so a later `thread(t)` continues at k = 1. Only for threads that have not accessed yet in this
   * block (a fresh block: `block(i)` just ran).
   */
  firstAccessRange(array: number, from: number, t0: number, n: number, write: boolean): void {
    if (n <= 0) return;
    const per = this.perPage[array]!;
    const base = this.firstPage[array]!;
    const last = from + n - 1;
    for (let q = Math.floor(from / per), qEnd = Math.floor(last / per); q <= qEnd; q++) {
      const lo = Math.max(from, q * per);
      const hi = Math.min(last + 1, (q + 1) * per);
      // the lowest thread on the page has the smallest key: its warp is the page's first issue
      this.curKey = this.inBlock ? this.blockBase + Math.floor((t0 + lo - from) / WARP_THREADS) * this.sms : 0;
      this.mark(base + q, hi - lo, write);
    }
    if (this.inBlock) this.ordinal.fill(1, t0, t0 + n);
    this.thread(t0 + n - 1); // as after the per-thread loop: the last thread runs
  }

  /**
   * Threads `t0 … t0+n−1` of the current block each make their next access to one element, thread t0+j to
   * `array[from + j]` (a row of threads loading or storing a contiguous row of elements): the same pages,
   * counts, issue keys and per-thread access counts as `thread(t)` followed by `r` (or `w`) for every t in
   * turn, without a call per thread. A kernel may batch a phase array by array (all threads' first access,
   * then all threads' second) because a page's row depends only on the minimum key and the sum of counts of
   * its accesses. Afterwards the running thread is t0+n−1, as after the per-thread loop.
   */
  threadsAccess(array: number, from: number, t0: number, n: number, write: boolean): void {
    if (n <= 0) return;
    if (!this.inBlock) {
      this.range(array, from, n, write);
      return;
    }
    const shift = this.shift[array]!;
    const base = this.firstPage[array]!;
    const ordinal = this.ordinal;
    const stride = this.stride;
    const sms = this.sms;
    const blockBase = this.blockBase;
    let page = -1;
    let count = 0;
    let minKey = 0;
    for (let j = 0; j < n; j++) {
      const t = t0 + j;
      const k = ordinal[t]!++ * stride + blockBase + (t >>> 5) * sms;
      const p = base + ((from + j) >>> shift);
      if (p !== page) {
        if (count > 0) this.markKeyed(page, count, minKey, write);
        page = p;
        count = 0;
        minKey = k;
      } else if (k < minKey) minKey = k;
      count++;
    }
    this.markKeyed(page, count, minKey, write);
    this.thread(t0 + n - 1);
  }

  /** `n` accesses of page `p` whose smallest issue key is `k`. */
  private markKeyed(p: number, n: number, k: number, write: boolean): void {
    if (this.rc[p] === 0 && this.wc[p] === 0) {
      this.key[p] = k;
      this.touched[this.nTouched++] = p;
    } else if (k < this.key[p]!) this.key[p] = k;
    if (write) this.wc[p] += n;
    else this.rc[p] += n;
  }

  /**
   * Issue order: by smallest issue key, ties by ascending page (address). Keys below 2^31 and pages below 2^22
   * pack into one exact float (`key · 2^22 + page`) sorted natively (no comparator calls); otherwise the
   * comparator sort, same order.
   */
  protected override order(pages: Int32Array): void {
    const key = this.key;
    const n = pages.length;
    if (this.packed.length < n) this.packed = new Float64Array(Math.max(n, 2 * this.packed.length));
    const packed = this.packed.subarray(0, n);
    for (let i = 0; i < n; i++) {
      const p = pages[i]!;
      const k = key[p]!;
      if (k >= KEY_LIMIT || p >= PAGE_LIMIT) {
        pages.sort((a, b) => key[a]! - key[b]! || a - b);
        return;
      }
      packed[i] = k * PAGE_LIMIT + p;
    }
    packed.sort();
    for (let i = 0; i < n; i++) pages[i] = packed[i]! % PAGE_LIMIT;
  }
}
