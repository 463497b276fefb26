/**
 * The page stream of the realistic benchmark trace (docs/bench-trace.md): a deterministic sequence of 4 KiB
 * page numbers mixing an endless layer-by-layer forward/backward sweep, a Zipf-distributed hot region and
 * uniform random pages. Reproducing docs/bench-trace.md bit for bit is the contract: with the default shape
 * and seed 0, `PageMixStream` yields exactly the pages whose check values that page lists (first six pages,
 * distinct pages, LRU/FIFO misses; test/workloads/page-mix.test.ts).
 *
 * Columnar and allocation-free per page: the Zipf CDF and the hot permutation are built once (Float64Array,
 * Int32Array), `fill(out, n)` writes n page numbers into a caller's Int32Array.
 */

/** The shape of the stream; every field is a parameter of the `page-mix` workload (docs/bench-trace.md §Parameters). */
export type PageMixShape = {
  /** Address space in 4 KiB pages (`VA_PAGES`; random pages are uniform in [0, vaPages)). */
  readonly vaPages: number;
  /** `LAYERS`. */
  readonly layers: number;
  /** `WPL`: weight pages per layer. */
  readonly weightPagesPerLayer: number;
  /** `APL`: activation pages per layer. */
  readonly activationPagesPerLayer: number;
  /** `W_BASE`: first weight page. */
  readonly weightBasePage: number;
  /** Pages between the last weight page and the first activation page (4,096 in the spec). */
  readonly activationGapPages: number;
  /** `HOT_PAGES`. */
  readonly hotPages: number;
  /** `HOT_BASE`: first hot page. */
  readonly hotBasePage: number;
  /** `ALPHA`: Zipf exponent of the hot region. */
  readonly alpha: number;
  /** `P_RANDOM`. */
  readonly pRandom: number;
  /** `P_ZIPF`. */
  readonly pZipf: number;
};

/** docs/bench-trace.md §Parameters. */
export const BENCH_TRACE_SHAPE: Readonly<PageMixShape> = {
  vaPages: 2 ** 24,
  layers: 32,
  weightPagesPerLayer: 16_384,
  activationPagesPerLayer: 4_096,
  weightBasePage: 0x10000,
  activationGapPages: 4_096,
  hotPages: 2 ** 21,
  hotBasePage: 2 ** 23,
  alpha: 0.9,
  pRandom: 0.01,
  pZipf: 0.35,
};

/** mulberry32's starting state in docs/bench-trace.md; a workload seed s starts at `(MULBERRY_STATE + s) >>> 0`. */
export const MULBERRY_STATE = 0x9e3779b9;

/** Pages one full forward+backward cycle of the sequential stream visits: 2 · layers · (WPL + APL). */
export function sequentialCyclePages(s: Readonly<PageMixShape>): number {
  return 2 * s.layers * (s.weightPagesPerLayer + s.activationPagesPerLayer);
}

/** The stream (one instance per pass: it holds the generator state). */
export class PageMixStream {
  private state: number;
  private readonly cdf: Float64Array;
  private readonly perm: Int32Array;
  // sequential cursor: direction (0 forward, 1 backward), layer, part (0 first, 1 second), index in part
  private dir = 0;
  private layer = 0;
  private part = 0;
  private idx = 0;
  private readonly aBase: number;

  constructor(readonly shape: Readonly<PageMixShape>, seed = 0) {
    this.state = (MULBERRY_STATE + seed) >>> 0;
    const h = shape.hotPages;
    // 1. Zipf table (no draws)
    const cdf = new Float64Array(h);
    let sum = 0;
    for (let k = 0; k < h; k++) {
      sum += 1 / Math.pow(k + 1, shape.alpha);
      cdf[k] = sum;
    }
    const total = cdf[h - 1]!;
    for (let k = 0; k < h; k++) cdf[k] = cdf[k]! / total;
    this.cdf = cdf;
    // 2. hot permutation: Fisher–Yates from the top, HOT_PAGES − 1 draws
    const perm = new Int32Array(h);
    for (let i = 0; i < h; i++) perm[i] = i;
    for (let i = h - 1; i >= 1; i--) {
      const j = Math.floor(this.draw() * (i + 1));
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    this.perm = perm;
    this.aBase = shape.weightBasePage + shape.layers * shape.weightPagesPerLayer + shape.activationGapPages;
  }

  /** One mulberry32 draw in [0, 1). */
  draw(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Smallest k with cdf[k] ≥ one draw (binary search). */
  zipfRank(): number {
    const u = this.draw();
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! >= u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The next page of the endless forward/backward layer sweep (docs/bench-trace.md §Construction 3). */
  nextSeq(): number {
    const s = this.shape;
    const wpl = s.weightPagesPerLayer;
    const apl = s.activationPagesPerLayer;
    let page: number;
    if (this.dir === 0) {
      // forward: weights increasing, then activations increasing
      page = this.part === 0 ? s.weightBasePage + this.layer * wpl + this.idx : this.aBase + this.layer * apl + this.idx;
    } else {
      // backward: activations decreasing, then weights decreasing
      page = this.part === 0 ? this.aBase + this.layer * apl + (apl - 1 - this.idx) : s.weightBasePage + this.layer * wpl + (wpl - 1 - this.idx);
    }
    const len = (this.dir === 0) === (this.part === 0) ? wpl : apl;
    if (++this.idx === len) {
      this.idx = 0;
      if (++this.part === 2) {
        this.part = 0;
        if (this.dir === 0) {
          if (++this.layer === s.layers) {
            this.layer = s.layers - 1;
            this.dir = 1;
          }
        } else if (--this.layer < 0) {
          this.layer = 0;
          this.dir = 0;
        }
      }
    }
    return page;
  }

  /** The next access's page (docs/bench-trace.md §Construction 4). */
  next(): number {
    const u = this.draw();
    const s = this.shape;
    if (u < s.pRandom) return Math.floor(this.draw() * s.vaPages);
    if (u < s.pRandom + s.pZipf) return s.hotBasePage + this.perm[this.zipfRank()]!;
    return this.nextSeq();
  }

  /** Write the next `n` pages into `out[0 … n)`. */
  fill(out: Int32Array, n: number): void {
    for (let i = 0; i < n; i++) out[i] = this.next();
  }
}

/** Problems with a shape, as [field, expected] pairs (every page must lie in [0, vaPages)). */
export function shapeProblems(s: Readonly<PageMixShape>): Array<[keyof PageMixShape, string]> {
  const out: Array<[keyof PageMixShape, string]> = [];
  const int = (k: keyof PageMixShape, lo: number, hi: number): void => {
    const v = s[k];
    if (!(Number.isInteger(v) && v >= lo && v <= hi)) out.push([k, `an integer from ${lo} to ${hi}`]);
  };
  int('vaPages', 1, 2 ** 31 - 1);
  int('layers', 1, 2 ** 20);
  int('weightPagesPerLayer', 1, 2 ** 30);
  int('activationPagesPerLayer', 1, 2 ** 30);
  int('weightBasePage', 0, 2 ** 31 - 1);
  int('activationGapPages', 0, 2 ** 30);
  int('hotPages', 1, 2 ** 26);
  int('hotBasePage', 0, 2 ** 31 - 1);
  if (!(s.alpha >= 0 && s.alpha <= 10)) out.push(['alpha', 'a number from 0 to 10']);
  if (!(s.pRandom >= 0 && s.pRandom <= 1)) out.push(['pRandom', 'a probability from 0 to 1']);
  if (!(s.pZipf >= 0 && s.pZipf <= 1 - s.pRandom)) out.push(['pZipf', 'a probability from 0 to 1 − pRandom']);
  if (out.length) return out;
  const seqEnd = s.weightBasePage + s.layers * s.weightPagesPerLayer + s.activationGapPages + s.layers * s.activationPagesPerLayer;
  if (seqEnd > s.vaPages) out.push(['vaPages', `at least ${seqEnd} (the end of the last activation page)`]);
  else if (s.hotBasePage + s.hotPages > s.vaPages) out.push(['hotBasePage', `at most ${s.vaPages - s.hotPages} (the hot region must fit in vaPages)`]);
  return out;
}
