import * as pageMask from '../../model/page-mask';
import type { BlockFaultView, PrefetchPolicyDef } from './types';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskSet, maskTest } = pageMask;

/**
 * `random-4k` (UVMSmart `hardware_prefetch = 3`, `gpu-sim.cc` `do_hardware_prefetch`): for every faulted page,
 * draw one page uniformly from the faulted page's 2 MiB large page; prefetch it if it exists, is not
 * resident, not faulted, not thrashing and not already chosen. One draw per faulted page, in page order, so
 * the choice is deterministic for a seed.
 */
export const random4kPrefetch: PrefetchPolicyDef<Record<string, never>> = {
  name: 'random-4k',
  summary: 'one random non-resident 4 KiB page of the 2 MiB large page per faulted page',
  defaults: {},
  params: {},
  create(_params, env) {
    const rng = env.rng;
    return {
      choose(v: BlockFaultView, out: Uint32Array): number {
        let n = 0;
        for (let w = 0; w < v.words; w++) {
          let bits = v.faulted[w]! >>> 0;
          while (bits !== 0) {
            bits &= bits - 1; // one draw per faulted page
            const p = rng.int(v.pagesPerBlock);
            if (p < v.firstPage || p >= v.endPage) continue;
            if (maskTest(v.resident, 0, p) || maskTest(v.faulted, 0, p) || maskTest(v.thrashing, 0, p)) continue;
            if (maskTest(out, 0, p)) continue;
            maskSet(out, 0, p);
            n++;
          }
        }
        return n;
      },
    };
  },
};
