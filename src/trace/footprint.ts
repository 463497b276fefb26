import { MiB, roundUp } from '../units';
import type { EventBatch } from './batch';
import { DEVICE_ACCESSIBLE_MASK, Op } from './event';

/** Granule every device-accessible allocation is rounded up to for the footprint (docs/cli.md §3). */
export const FOOTPRINT_GRANULE_BYTES = 2 * MiB;

// module-local copies: imported bindings are getters under tsx (docs/decisions.md)
const OP_ALLOC = Op.alloc;
const OP_FREE = Op.free;

/**
 * Trace footprint (docs/cli.md §3): the peak over time of live bytes in device-accessible allocations
 * (`managed`, `peer_shared`, `device`), each rounded up to 2 MiB. Feed every batch in order, then read
 * `peakBytes`. A `free` of an address that is not live is ignored here (the importer warns about it).
 * `granuleBytes` (default 2 MiB, the docs/cli.md definition) rounds each allocation to another granule, e.g.
 * 4 KiB for the page footprint the ISCA'19 oversubscription levels are relative to (src/figures/).
 */
export class FootprintTracker {
  private readonly live = new Map<number, number>();
  liveBytes = 0;
  peakBytes = 0;

  constructor(private readonly granuleBytes: number = FOOTPRINT_GRANULE_BYTES) {}

  update(b: EventBatch): void {
    const { op } = b;
    for (let i = 0; i < b.length; i++) {
      const o = op[i];
      if (o === OP_ALLOC || o === OP_FREE) this.row(b, i);
    }
  }

  /**
   * Apply row `i` of `b` alone (any op; only `alloc` and `free` change anything). Returns true when
   * `liveBytes` changed: what a footprint-over-time table records (src/analysis/footprint-timeline.ts).
   */
  row(b: EventBatch, i: number): boolean {
    const o = b.op[i];
    if (o === OP_ALLOC) {
      if ((b.flags[i]! & DEVICE_ACCESSIBLE_MASK) === 0) return false;
      const va = b.va[i]!;
      const size = roundUp(b.bytes[i]!, this.granuleBytes);
      const prev = this.live.get(va);
      if (prev !== undefined) this.liveBytes -= prev;
      this.live.set(va, size);
      this.liveBytes += size;
      if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes;
      return size !== prev;
    }
    if (o === OP_FREE) {
      const va = b.va[i]!;
      const prev = this.live.get(va);
      if (prev === undefined) return false;
      this.live.delete(va);
      this.liveBytes -= prev;
      return prev !== 0;
    }
    return false;
  }
}

/** Footprint of a set of batches. */
export function footprintOf(batches: Iterable<EventBatch>): number {
  const f = new FootprintTracker();
  for (const b of batches) f.update(b);
  return f.peakBytes;
}
