import { ByteRangeSet } from '../trace/byte-range-set';
import type { EventBatch } from '../trace/batch';
import { Op } from '../trace/event';

/** Page size of the touched footprint: the 4 KiB base page every modelled system tracks (docs/cli.md §3). */
export const TOUCHED_PAGE_BYTES = 4096;

const OP_ACCESS = Op.access; // module-local copy: imported bindings are getters under tsx

/**
 * Touched footprint (docs/cli.md §3): the distinct 4 KiB pages that `access` rows (any agent) cover, in bytes,
 * over the whole trace. The default basis of `--oversub`: a trace that allocates 14 MiB and touches 2.5 MiB
 * of it is not oversubscribed by a 4 MiB device, so oversubscription measured on allocated bytes says little.
 * Stored as coalesced page ranges (a repeat access costs one binary search; sequential streams stay one range).
 */
export class TouchedPages {
  private readonly pages = new ByteRangeSet();
  // the range last added: most accesses repeat or extend it (skips the search)
  private lastStart = 0;
  private lastEnd = 0;

  update(b: EventBatch): void {
    const { op, va, bytes } = b;
    const P = TOUCHED_PAGE_BYTES;
    for (let i = 0; i < b.length; i++) {
      if (op[i] !== OP_ACCESS) continue;
      const a = va[i]!;
      const n = bytes[i]!;
      if (!(n > 0) || !Number.isFinite(a)) continue;
      const start = Math.floor(a / P) * P;
      const end = Math.ceil((a + n) / P) * P;
      if (start >= this.lastStart && end <= this.lastEnd) continue;
      if (!this.pages.covers(start, end)) this.pages.add(start, end);
      this.lastStart = start;
      this.lastEnd = end;
    }
  }

  /** Bytes of the distinct pages touched so far (a multiple of 4 KiB). */
  get bytes(): number {
    return this.pages.coveredBytes();
  }
}
