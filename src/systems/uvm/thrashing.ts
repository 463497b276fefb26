import { grown } from '../../io/typed-arrays';
import * as pageMask from '../../model/page-mask';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): the per-migration path uses local copies.
const { maskClear, maskClearRange, maskSet, maskTest } = pageMask;

/**
 * UVM thrashing detection and mitigation (`uvm_perf_thrashing.c`), for one page at a time, single timeline.
 *
 * Detection: a *thrashing event* is a fault-driven migration of a page to a different processor than its
 * previous migration (ping-pong; UVM skips eviction-driven migrations and only arms per-page tracking once
 * two processors touch a block within the lapse). Each event within `lapseNs` of the previous one increments
 * the page's count, a longer gap restarts it at 1. At `threshold` (3) the page is thrashing.
 *
 * Mitigation: a fault on a thrashing page is throttled — the faulting processor waits `throttleNs` (nap,
 * 500 µs) before it is served — until the page has been throttled `pinThreshold` (10) times; the next fault
 * pins it to host memory for `pinNs` (150 ms) and devices map it remotely. When the pin expires the page's
 * state is reset and the next device access migrates it again.
 *
 * Time: gaps are measured on a "thrash clock" = simulated time minus the time spent throttled. In a
 * sequential replay a throttled processor's wait delays every later event; on real hardware the other
 * processor keeps running, so counting the wait would make every throttle look like the end of thrashing.
 *
 * Adaptive lapse (`adjust_thrashing_lapse`, uvm_perf_thrashing.c:1623–1644, driver 595.45.04), when
 * `adaptiveLapse`: every hint on a thrashing page votes with the gap since the page's last event (+1 if the gap
 * ≥ the lapse, −1 if shorter) into a signed 8-bit `lapse_stat`; when the vote reaches +32
 * (`UVM_PERF_LAPSE_VOTE_THRESHOLD`, :277) the lapse grows by min(lapse/8, 50 ms) up to 500 ms
 * (`UVM_PERF_THRASHING_LAPSE_USEC_MAX`, :270), and the vote is halved. As written in the driver, the
 * shrinking branch tests `-stat <= -32` — the same condition as growing — so it runs only once the lapse is
 * at its maximum (then: −max(lapse/8, 5 µs), floor 5 µs, :271); negative votes never shrink the lapse, and
 * the int8 vote wraps from −128 to +127 (as the C code does). Nap, epoch and pin durations stay as set at
 * start (computed once from the initial lapse, :595–603).
 *
 * Epochs (:1696–1720): a block whose last thrashing event is more than `epochNs` (2000 × lapse = 1 s) old,
 * with no pinned page, has its per-page state reset at the next hint, at most `maxResets` (4) times.
 *
 * Simplifications (docs/systems.md): UVM lets one processor per throttling period through
 * (`do_not_throttle_processor_id`); here every fault on a thrashing page is throttled. Pinning always
 * chooses host memory (on x86 + PCIe the only memory both the CPU and the GPU can map).
 */

export const ThrashHint = { none: 0, throttle: 1, pin: 2 } as const;

/** Page-time writes `ThrashingState` holds back before storing them together (see `noteTime`). */
const PENDING_TIMES = 256;

/** `UVM_PERF_LAPSE_VOTE_THRESHOLD` (uvm_perf_thrashing.c:277). */
export const LAPSE_VOTE_THRESHOLD = 32;
/** `UVM_PERF_THRASHING_LAPSE_USEC_MAX` / `_MIN` (uvm_perf_thrashing.c:270–271): 1000× and 1/100 of the 500 µs default. */
export const LAPSE_MAX_NS = 500_000_000;
export const LAPSE_MIN_NS = 5_000;

export interface ThrashingConfig {
  readonly threshold: number;
  readonly lapseNs: number;
  readonly adaptiveLapse: boolean;
  readonly epochNs: number;
  readonly maxResets: number;
  /** Pages per VA block (epochs are per block). */
  readonly pagesPerBlock: number;
  readonly throttleNs: number;
  readonly pinThreshold: number;
  readonly pinNs: number;
}

/**
 * Where `ThrashingState` keeps its per-page destination bits: two bit planes (low, high) of `pagesPerBlock` bits each per
 * block, the low one at word `destOffset` of the block's record of `stride` words in `rec` (the high one right after it).
 * `rec` may be replaced when the host grows.
 */
export interface DestPlanes {
  rec: Uint32Array;
  readonly stride: number;
  readonly destOffset: number;
}

/** Per-page thrashing state over a growable page index space (page id = blockSlot × pagesPerBlock + page). */
export class ThrashingState {
  /**
   * Per page: thrash-clock time of its last migration (0 when none or reset). Read through `lastNs`, which first
   * applies the held-back writes (`noteTime`).
   */
  private times: Float64Array;
  /**
   * Writes to `times` not applied yet, in order: page ids and times. The common path (a page's migration to the same
   * processor as its last one, or its first) only writes its time, a cache miss in an array over the whole address
   * space (8 bytes per page) that stalls the fault service behind it; held back and stored in one loop of
   * `PENDING_TIMES`, the misses overlap. Every read and every other write of `times` applies them first, so what is
   * read is what the plain stores would have left.
   */
  private readonly pendPage = new Int32Array(PENDING_TIMES);
  private readonly pendNs = new Float64Array(PENDING_TIMES);
  /** 1: the held-back write also sets the page's event count to 1 (its first migration). */
  private readonly pendFirst = new Uint8Array(PENDING_TIMES);
  private pendN = 0;
  /**
   * Per page, 2 bits: the processor its last migration went to + 1 (0 = none yet, so a fresh or reset page is all
   * zero; processors 0 (CPU), 1 and 2 fit), as two bit planes per block in `planes.rec`: bit `p mod 32` of words
   * `blk × stride + lo + ⌊p / 32⌋` (low bit) and `… + hi + …` (high bit), for page `p` of block `blk`. Read on every
   * migration; the UVM model keeps the planes in its block records (blocks.ts) beside the masks a fault has just
   * read, a standalone state in its own array.
   */
  readonly planes: DestPlanes;
  private readonly lo: number;
  private readonly hi: number;
  private readonly blockShift: number;
  private readonly ownPlanes: boolean;
  /** Per page: thrashing events counted (see `events`). */
  private counts: Uint8Array;
  throttles: Uint8Array;
  pinUntilNs: Float64Array;
  /** Per block: thrash-clock time of the last thrashing event (0 = none), epoch resets done, pinned pages. */
  blockLastThrashNs: Float64Array;
  blockResets: Uint8Array;
  blockPins: Int32Array;
  /** The current lapse (adapts when `cfg.adaptiveLapse`) and the signed 8-bit vote. */
  lapseNs: number;
  lapseStat = 0;
  /** Counters for `extra`. */
  detections = 0;
  throttleCount = 0;
  pins = 0;
  unpins = 0;
  epochResets = 0;

  /** `planes`: where the destination bits live (default: an array of this state's own, 2 planes per block). */
  constructor(readonly cfg: ThrashingConfig, pages: number, planes?: DestPlanes) {
    const ppb = cfg.pagesPerBlock;
    if (!(ppb > 0 && (ppb & (ppb - 1)) === 0)) throw new Error(`thrashing: pagesPerBlock must be a power of two, got ${ppb}`);
    this.blockShift = 31 - Math.clz32(ppb);
    const words = Math.ceil(ppb / 32);
    this.ownPlanes = planes === undefined;
    this.planes = planes ?? { rec: new Uint32Array(Math.ceil(pages / ppb) * 2 * words), stride: 2 * words, destOffset: 0 };
    this.lo = this.planes.destOffset;
    this.hi = this.lo + words;
    this.times = new Float64Array(pages);
    this.counts = new Uint8Array(pages);
    this.throttles = new Uint8Array(pages);
    this.pinUntilNs = new Float64Array(pages);
    const blocks = Math.ceil(pages / cfg.pagesPerBlock);
    this.blockLastThrashNs = new Float64Array(blocks);
    this.blockResets = new Uint8Array(blocks);
    this.blockPins = new Int32Array(blocks);
    this.lapseNs = cfg.lapseNs;
  }

  /** Per page: thrash-clock time of its last migration (0 when none or reset), the held-back writes applied. */
  get lastNs(): Float64Array {
    if (this.pendN !== 0) this.applyTimes();
    return this.times;
  }

  /** Per page: thrashing events counted (0 when none or reset; 1 from a page's first migration), held-back writes applied. */
  get events(): Uint8Array {
    if (this.pendN !== 0) this.applyTimes();
    return this.counts;
  }

  /** Store the held-back page times (and first counts), oldest first (a page noted twice keeps its later time). */
  private applyTimes(): void {
    const t = this.times;
    const c = this.counts;
    const pp = this.pendPage;
    const pn = this.pendNs;
    const pf = this.pendFirst;
    const n = this.pendN;
    for (let i = 0; i < n; i++) {
      const page = pp[i]!;
      t[page] = pn[i]!;
      if (pf[i] !== 0) c[page] = 1;
    }
    this.pendN = 0;
  }

  /** `times[page] = tNs` and, when `first`, `counts[page] = 1`, held back (`pendPage`). */
  private noteTime(page: number, tNs: number, first: number): void {
    if (this.pendN === PENDING_TIMES) this.applyTimes();
    const n = this.pendN;
    this.pendPage[n] = page;
    this.pendNs[n] = tNs;
    this.pendFirst[n] = first;
    this.pendN = n + 1;
  }

  /** Make room for `pages` page ids (keeps state). */
  grow(pages: number): void {
    if (pages <= this.times.length) return;
    this.times = grown(this.lastNs, pages);
    if (this.ownPlanes) this.planes.rec = grown(this.planes.rec, Math.ceil(pages / this.cfg.pagesPerBlock) * this.planes.stride);
    this.pinUntilNs = grown(this.pinUntilNs, pages);
    this.counts = grown(this.events, pages);
    this.throttles = grown(this.throttles, pages);
    const blocks = Math.ceil(pages / this.cfg.pagesPerBlock);
    if (blocks > this.blockLastThrashNs.length) {
      this.blockLastThrashNs = grown(this.blockLastThrashNs, blocks);
      this.blockResets = grown(this.blockResets, blocks);
      this.blockPins = grown(this.blockPins, blocks);
    }
  }

  /** Forget everything about a page (freed, unpinned, read-duplicated). */
  reset(page: number): void {
    if (this.pinUntilNs[page] !== 0) this.blockPins[Math.floor(page / this.cfg.pagesPerBlock)]!--;
    this.lastNs[page] = 0;
    this.setDest(page, 0);
    this.events[page] = 0;
    this.throttles[page] = 0;
    this.pinUntilNs[page] = 0;
  }

  /** `reset` of every page of `[first, end)`. */
  resetRange(first: number, end: number): void {
    const pin = this.pinUntilNs;
    // no pin time is set before the first pin (`pins` counts them): the scan is skipped until then
    if (this.pins !== 0) for (let q = first; q < end; q++) if (pin[q] !== 0) this.blockPins[Math.floor(q / this.cfg.pagesPerBlock)]!--;
    this.lastNs.fill(0, first, end);
    this.clearDests(first, end);
    this.events.fill(0, first, end);
    if (this.throttleCount !== 0) this.throttles.fill(0, first, end); // all zero before the first throttle
    if (this.pins !== 0) pin.fill(0, first, end);
  }

  /** The processor `page` last migrated to + 1 (0 = none). */
  destOf(page: number): number {
    const p = page & (this.cfg.pagesPerBlock - 1);
    const o = (page >>> this.blockShift) * this.planes.stride;
    const r = this.planes.rec;
    return (maskTest(r, o + this.lo, p) ? 1 : 0) | (maskTest(r, o + this.hi, p) ? 2 : 0);
  }

  /** `setDest(q, 0)` for every page id of `[first, end)`, a block's plane words at a time. */
  private clearDests(first: number, end: number): void {
    const ppb = this.cfg.pagesPerBlock;
    const r = this.planes.rec;
    for (let q = first; q < end; ) {
      const blk = q >>> this.blockShift;
      const blockEnd = (blk + 1) * ppb;
      const stop = end < blockEnd ? end : blockEnd;
      const o = blk * this.planes.stride;
      maskClearRange(r, o + this.lo, q - blk * ppb, stop - blk * ppb);
      maskClearRange(r, o + this.hi, q - blk * ppb, stop - blk * ppb);
      q = stop;
    }
  }

  /** Set `page`'s destination + 1 (`d` in 0…3). */
  private setDest(page: number, d: number): void {
    const p = page & (this.cfg.pagesPerBlock - 1);
    const o = (page >>> this.blockShift) * this.planes.stride;
    const r = this.planes.rec;
    if ((d & 1) !== 0) maskSet(r, o + this.lo, p);
    else maskClear(r, o + this.lo, p);
    if ((d & 2) !== 0) maskSet(r, o + this.hi, p);
    else maskClear(r, o + this.hi, p);
  }

  isThrashing(page: number): boolean {
    return this.events[page]! >= this.cfg.threshold;
  }

  /** Pinned right now? An expired pin is reported as not pinned (the caller then calls `unpin`). */
  pinnedAt(page: number, nowNs: number): boolean {
    const u = this.pinUntilNs[page]!;
    return u !== 0 && nowNs < u;
  }

  hasExpiredPin(page: number, nowNs: number): boolean {
    const u = this.pinUntilNs[page]!;
    return u !== 0 && nowNs >= u;
  }

  unpin(page: number): void {
    this.reset(page);
    this.unpins++;
  }

  /** Record a fault-driven migration of `page` to processor `dest` (0, 1 or 2: the CPU or the device) at thrash-clock time `tNs`. */
  onMigration(page: number, dest: number, tNs: number): void {
    const prev = this.destOf(page) - 1;
    if (prev === dest) {
      this.noteTime(page, tNs, 0);
      return;
    }
    this.setDest(page, dest + 1);
    if (prev < 0) {
      // a page's first migration: its time and count are not read
      this.noteTime(page, tNs, 1);
      return;
    }
    const lt = this.lastNs;
    const last = lt[page]!;
    lt[page] = tNs;
    if (tNs - last <= this.lapseNs) {
      const e = this.events[page]!;
      if (e < 255) this.events[page] = e + 1;
      if (e + 1 === this.cfg.threshold) this.detections++;
      if (e + 1 >= this.cfg.threshold) this.blockLastThrashNs[Math.floor(page / this.cfg.pagesPerBlock)] = tNs;
    } else {
      this.events[page] = 1;
      this.throttles[page] = 0;
    }
  }

  /**
   * What to do with a fault on `page` at thrash-clock time `tNs` and simulated time `simNs`: `none`
   * (service normally), `throttle` (wait `throttleNs`, then service) or `pin` (page pinned to host from now
   * until `simNs + pinNs`).
   */
  hint(page: number, tNs: number, simNs: number): number {
    const ppb = this.cfg.pagesPerBlock;
    const blk = Math.floor(page / ppb);
    const lastThrash = this.blockLastThrashNs[blk]!;
    if (lastThrash !== 0 && tNs - lastThrash > this.cfg.epochNs && this.blockPins[blk] === 0 && this.blockResets[blk]! < this.cfg.maxResets) {
      // epoch over (uvm_perf_thrashing.c:1696–1720): forget the block's per-page state
      this.blockResets[blk]!++;
      this.epochResets++;
      for (let q = blk * ppb; q < blk * ppb + ppb && q < this.events.length; q++) this.reset(q);
      this.blockLastThrashNs[blk] = 0;
      return ThrashHint.none;
    }
    if (this.events[page]! < this.cfg.threshold) return ThrashHint.none;
    const gap = tNs - this.lastNs[page]!;
    if (this.cfg.adaptiveLapse) this.adjustLapse(gap);
    if (gap > this.lapseNs) return ThrashHint.none; // no longer thrashing
    if (this.throttles[page]! >= this.cfg.pinThreshold) {
      this.pinUntilNs[page] = simNs + this.cfg.pinNs;
      this.blockPins[blk]!++;
      this.throttles[page] = 0;
      this.pins++;
      return ThrashHint.pin;
    }
    this.throttles[page]!++;
    this.throttleCount++;
    return ThrashHint.throttle;
  }

  /**
   * `adjust_thrashing_lapse` (uvm_perf_thrashing.c:1623–1644) as written: the vote is an int8 (wraps), both
   * branches test "vote ≥ +32" (the second as `-stat <= -32`), the vote is halved (toward zero) after a change.
   */
  adjustLapse(gapNs: number): void {
    const v = this.lapseStat + (gapNs < this.lapseNs ? -1 : 1);
    this.lapseStat = ((v + 128) & 255) - 128;
    if (this.lapseStat >= LAPSE_VOTE_THRESHOLD && this.lapseNs < LAPSE_MAX_NS) {
      this.lapseNs += Math.min(Math.floor(this.lapseNs / 8), LAPSE_MAX_NS / 10);
    } else if (-this.lapseStat <= -LAPSE_VOTE_THRESHOLD && this.lapseNs > LAPSE_MIN_NS) {
      this.lapseNs -= Math.max(Math.floor(this.lapseNs / 8), LAPSE_MIN_NS);
    } else return;
    this.lapseStat = Math.trunc(this.lapseStat / 2);
  }
}
