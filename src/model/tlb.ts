import type { DeviceProfile } from '../profiles/types';
import { nextTick } from './tick';

/**
 * Device TLB / IOTLB invalidation planning (docs/gmem-model.md §6). Pure helpers; the caller charges the clock and
 * counts `tlbInvalidations`.
 */

/** A planned invalidation: how many operations and how long they take in total. */
export interface InvalidationPlan {
  /** Invalidation operations issued (a coalesced flush is 1). */
  readonly ops: number;
  readonly ns: number;
  /** True when one whole-domain flush was used. */
  readonly coalesced: boolean;
}

/**
 * Invalidate `entries` unmapped ranges covering `pages` pages. At or above `coalesceThresholdPages` (FBSD
 * `tlb_coalesce_threshold` = 5) one whole-domain flush (`tlb.invalidateAllNs`); below it one range
 * invalidation per entry when the device has range invalidation, else one per page (`tlb.invalidateNs`
 * each). `coalesceThresholdPages` = Infinity disables coalescing. Zero pages: nothing.
 */
export function planInvalidation(tlb: DeviceProfile['tlb'], entries: number, pages: number, coalesceThresholdPages: number): InvalidationPlan {
  if (pages <= 0 || entries <= 0) return { ops: 0, ns: 0, coalesced: false };
  if (pages >= coalesceThresholdPages) return { ops: 1, ns: tlb.invalidateAllNs, coalesced: true };
  const ops = tlb.rangeInvalidate ? entries : pages;
  return { ops, ns: ops * tlb.invalidateNs, coalesced: false };
}

/**
 * The paper-era asynchronous unmap queue (FBSD `gmem_uvas.c`): unmaps are queued per address space; when the
 * queue exceeds `thresholdPages` (`unmap_coalesce_threshold` = 1024 pages) the enqueuing thread drains it,
 * and a daemon drains it every `periodNs` (1 s / `wakeup_time`). Draining releases the PTEs and then issues
 * one invalidation plan for the whole batch; IOVAs are reusable only after that.
 *
 * Usage: `enqueue(pages)` returns true when the caller must drain now; `dueAt(nowNs)` tells whether the
 * periodic drain is due; `drain(nowNs)` empties the queue and returns what it held.
 */
export class DeferredUnmapQueue {
  entries = 0;
  pages = 0;
  private nextDrainNs: number;

  constructor(
    readonly thresholdPages: number,
    readonly periodNs: number,
    startNs = 0,
  ) {
    this.nextDrainNs = startNs + periodNs;
  }

  /** Queue one unmap of `pages` pages; true when the queue now exceeds the threshold. */
  enqueue(pages: number): boolean {
    this.entries++;
    this.pages += pages;
    return this.pages > this.thresholdPages;
  }

  /** True when the periodic daemon drain is due at `nowNs`. */
  dueAt(nowNs: number): boolean {
    return nowNs >= this.nextDrainNs;
  }

  /** Empty the queue; returns the drained entries and pages. */
  drain(nowNs: number): { entries: number; pages: number } {
    const r = { entries: this.entries, pages: this.pages };
    this.entries = 0;
    this.pages = 0;
    this.nextDrainNs = nextTick(this.nextDrainNs, this.periodNs, nowNs);
    return r;
  }
}
