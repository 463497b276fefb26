import * as pageMask from '../../model/page-mask';
import type { BlockFaultView, PrefetchPolicyDef } from './types';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskRangeEmpty } = pageMask;

/**
 * `sl-64k` sequential-local (UVMSmart `hardware_prefetch = 2`): every faulted page brings its whole big page
 * (64 KiB "basic block", `bigPagePages` pages) — the non-resident, non-thrashing pages of it that exist.
 */
export const sl64kPrefetch: PrefetchPolicyDef<Record<string, never>> = {
  name: 'sl-64k',
  summary: 'the whole 64 KiB basic block of every faulted page',
  defaults: {},
  params: {},
  create() {
    return {
      choose(v: BlockFaultView, out: Uint32Array): number {
        const bp = v.bigPagePages;
        let n = 0;
        for (let first = 0; first < v.pagesPerBlock; first += bp) {
          if (maskRangeEmpty(v.faulted, 0, first, first + bp)) continue;
          const a = Math.max(first, v.firstPage);
          const b = Math.min(first + bp, v.endPage);
          for (let p = a; p < b; p++) {
            const w = p >>> 5;
            const bit = 1 << (p & 31);
            if ((v.resident[w]! | v.faulted[w]! | v.thrashing[w]! | out[w]!) & bit) continue;
            out[w]! |= bit;
            n++;
          }
        }
        return n;
      },
    };
  },
};

