import { grown } from '../../io/typed-arrays';

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
 * Simplifications (docs/systems.md): UVM lets one processor per throttling period through
 * (`do_not_throttle_processor_id`); here every fault on a thrashing page is throttled. Pinning always
 * chooses host memory (on x86 + PCIe the only memory both the CPU and the GPU can map). The epoch reset
 * (1 s quiet, at most 4) has no effect in this per-page model and is not modelled.
 */

export const ThrashHint = { none: 0, throttle: 1, pin: 2 } as const;

export interface ThrashingConfig {
  readonly threshold: number;
  readonly lapseNs: number;
  readonly throttleNs: number;
  readonly pinThreshold: number;
  readonly pinNs: number;
}

/** Per-page thrashing state over a growable page index space (page id = blockSlot × pagesPerBlock + page). */
export class ThrashingState {
  lastNs: Float64Array;
  lastDest: Int16Array;
  events: Uint8Array;
  throttles: Uint8Array;
  pinUntilNs: Float64Array;
  /** Counters for `extra`. */
  detections = 0;
  throttleCount = 0;
  pins = 0;
  unpins = 0;

  constructor(readonly cfg: ThrashingConfig, pages: number) {
    this.lastNs = new Float64Array(pages);
    this.lastDest = new Int16Array(pages).fill(-1);
    this.events = new Uint8Array(pages);
    this.throttles = new Uint8Array(pages);
    this.pinUntilNs = new Float64Array(pages);
  }

  /** Make room for `pages` page ids (keeps state). */
  grow(pages: number): void {
    if (pages <= this.lastNs.length) return;
    this.lastNs = grown(this.lastNs, pages);
    this.pinUntilNs = grown(this.pinUntilNs, pages);
    this.lastDest = grown(this.lastDest, pages, -1);
    this.events = grown(this.events, pages);
    this.throttles = grown(this.throttles, pages);
  }

  /** Forget everything about a page (freed, unpinned, read-duplicated). */
  reset(page: number): void {
    this.lastNs[page] = 0;
    this.lastDest[page] = -1;
    this.events[page] = 0;
    this.throttles[page] = 0;
    this.pinUntilNs[page] = 0;
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

  /** Record a fault-driven migration of `page` to processor `dest` at thrash-clock time `tNs`. */
  onMigration(page: number, dest: number, tNs: number): void {
    const prev = this.lastDest[page]!;
    if (prev === dest) {
      this.lastNs[page] = tNs;
      return;
    }
    const last = this.lastNs[page]!;
    this.lastDest[page] = dest;
    this.lastNs[page] = tNs;
    if (prev < 0) {
      this.events[page] = 1;
      return;
    }
    if (tNs - last <= this.cfg.lapseNs) {
      const e = this.events[page]!;
      if (e < 255) this.events[page] = e + 1;
      if (e + 1 === this.cfg.threshold) this.detections++;
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
    if (this.events[page]! < this.cfg.threshold) return ThrashHint.none;
    if (tNs - this.lastNs[page]! > this.cfg.lapseNs) return ThrashHint.none; // no longer thrashing
    if (this.throttles[page]! >= this.cfg.pinThreshold) {
      this.pinUntilNs[page] = simNs + this.cfg.pinNs;
      this.throttles[page] = 0;
      this.pins++;
      return ThrashHint.pin;
    }
    this.throttles[page]!++;
    this.throttleCount++;
    return ThrashHint.throttle;
  }
}
