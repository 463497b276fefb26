import type { Rng } from '../../sim/rng';
import type { ParamDoc, ParamValue } from '../../params';

/**
 * Prefetch policies (the UVMSmart family: on-demand, random-4k, sl-64k, tbn; docs/gmem-model.md §9) decide, for one
 * fault batch, which extra 4 KiB pages of a VA block (a 2 MiB "large page") to migrate together with the
 * faulted ones. Like eviction policies they own no residency state: the system describes the block in a
 * reused `BlockFaultView` and the policy writes its choice into a page mask (src/model/page-mask.ts layout:
 * bit p = page p of the block, `view.words` 32-bit words at offset 0).
 *
 * Contract (checked by test/policies/contract.test.ts for every registered prefetcher):
 * - chosen pages lie in `[firstPage, endPage)` and are neither resident, faulted nor thrashing;
 * - `choose` allocates nothing and reads only the view (and its own RNG stream);
 * - the same seed and the same sequence of views give the same choices.
 */
export interface BlockFaultView {
  /** 4 KiB pages per VA block (512 for 2 MiB) and words per mask. */
  readonly pagesPerBlock: number;
  readonly words: number;
  /** Pages per big page (16 for 64 KiB): the sl-64k unit and the UVM density tree's "taken whole" region. */
  readonly bigPagePages: number;
  /** Pages that exist in this block (inside a live allocation): `[firstPage, endPage)`. */
  firstPage: number;
  endPage: number;
  /** Pages already resident on the destination processor. */
  readonly resident: Uint32Array;
  /** Pages faulted by the destination in this batch (they migrate regardless of the prefetcher). */
  readonly faulted: Uint32Array;
  /** Pages the thrashing detector flagged; never prefetched. All zero when none. */
  readonly thrashing: Uint32Array;
  /** Quick test: is any bit of `thrashing` set? */
  hasThrashing: boolean;
}

export interface PrefetchPolicy {
  /**
   * Write the pages to prefetch into `out` (`view.words` words, zeroed by the caller) and return how many.
   * Hot path: allocation-free.
   */
  choose(view: BlockFaultView, out: Uint32Array): number;
}

/** What a prefetcher may use besides the view: its own seeded RNG stream. */
export interface PrefetchEnv {
  readonly rng: Rng;
}

export interface PrefetchPolicyDef<P extends Record<string, ParamValue> = Record<string, ParamValue>> {
  /** Registry id, e.g. `tbn`. */
  readonly name: string;
  readonly summary: string;
  readonly defaults: Readonly<P>;
  readonly params: Readonly<Record<keyof P & string, ParamDoc>>;
  create(params: Readonly<P>, env: PrefetchEnv): PrefetchPolicy;
}
