import type { LinkProfile } from '../profiles/types';
import { transferNs, type Direction } from './link';

/**
 * The host–device link as a resource in simulated time (docs/cli.md §5: asynchronous work is charged only where it
 * delays something). Each direction (H2D, D2H; PCIe is full duplex) is busy until `busyUntilNs`; a transfer
 * issued at `nowNs` starts at max(now, busyUntil) and ends after `transferNs(link, bytes, dir)`. Synchronous
 * users wait for the end on the clock; asynchronous users (prefetch, background write-back) just record it.
 */
export class LinkTimeline {
  h2dBusyUntilNs = 0;
  d2hBusyUntilNs = 0;
  /** Busy time booked per direction (for utilisation reports). */
  h2dBusyNs = 0;
  d2hBusyNs = 0;

  constructor(readonly link: LinkProfile) {}

  /** Book a transfer of `bytes` starting no earlier than `notBeforeNs`; returns its end time. */
  book(notBeforeNs: number, bytes: number, dir: Direction): number {
    const d = transferNs(this.link, bytes, dir);
    if (dir === 'h2d') {
      const start = notBeforeNs > this.h2dBusyUntilNs ? notBeforeNs : this.h2dBusyUntilNs;
      this.h2dBusyUntilNs = start + d;
      this.h2dBusyNs += d;
      return this.h2dBusyUntilNs;
    }
    const start = notBeforeNs > this.d2hBusyUntilNs ? notBeforeNs : this.d2hBusyUntilNs;
    this.d2hBusyUntilNs = start + d;
    this.d2hBusyNs += d;
    return this.d2hBusyUntilNs;
  }

  /** When the direction becomes free. */
  freeAt(dir: Direction): number {
    return dir === 'h2d' ? this.h2dBusyUntilNs : this.d2hBusyUntilNs;
  }
}
