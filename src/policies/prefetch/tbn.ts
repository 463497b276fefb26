import * as pageMask from '../../model/page-mask';
import type { BlockFaultView, PrefetchPolicyDef } from './types';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskClearRange, maskCountRange, maskFillRange, maskNextSet, maskRangeEmpty, maskTest, popcount32 } = pageMask;

export interface TbnParams extends Record<string, number> {
  /** A subtree is prefetched whole when its populated pages exceed this percentage of its pages. */
  thresholdPercent: number;
  /**
   * 0 = the driver's tree (below); 1 = UVMSmart's TBN (`do_hardware_prefetch` + `traverse_and_fill_lp_tree`,
   * gpgpu-sim_UVMSmart gpu-sim.cc:3631-3651, :2588-2599, :2560-2572): every faulted page's basic block counts as
   * valid, then the large page's tree is walked bottom-up and every node MORE THAN HALF valid but not full gets
   * its EMPTY basic blocks filled, parents counting their children's fills (a fill can tip the parent).
   * `thresholdPercent` is not used there (the simulator compares with size / 2).
   */
  largePageFill: number;
}

/**
 * `tbn` tree-based neighbourhood prefetcher: NVIDIA UVM's density tree (`uvm_perf_prefetch.c`
 * `uvm_perf_prefetch_prenotify_fault_migrations` / `compute_prefetch_region`, driver 595.45.04), which the
 * ISCA'19 paper reverse-engineered as "TBN".
 *
 * Over one VA block, a binary tree whose leaves are its 4 KiB pages:
 * 1. tree pages = pages resident on the destination ∪ faulted pages;
 * 2. every big page (64 KiB) holding a faulted page is taken whole unless one of its pages is thrashing
 *    (`grow_fault_granularity`);
 * 3. for each faulted, non-thrashing page, walk from its leaf to the root; the largest subtree whose
 *    populated count × 100 > pages × `thresholdPercent` (51 by default: `UVM_PREFETCH_THRESHOLD_DEFAULT`)
 *    is the prefetch region; regions are unioned;
 * 4. faulted, resident and thrashing pages are removed from the result.
 * A subtree's size is the number of its pages that exist (`[firstPage, endPage)`), as UVM sizes its tree to
 * the block's pages. The tree is aligned to the 2 MiB block (UVM adds ghost leaves to align big pages to
 * the block start; for 2 MiB-aligned blocks this is the same tree).
 */
export const tbnPrefetch: PrefetchPolicyDef<TbnParams> = {
  name: 'tbn',
  summary: 'UVM density tree: largest subtree >51% populated around each fault, 64 KiB big pages taken whole',
  defaults: { thresholdPercent: 51, largePageFill: 0 },
  params: {
    thresholdPercent: { summary: 'density threshold (uvm_perf_prefetch_threshold), 1–100', unit: 'count' },
    largePageFill: {
      summary: '0 = driver density tree; 1 = UVMSmart TBN: bottom-up over the large page, nodes more than half valid get their empty 64 KiB basic blocks (gpu-sim.cc:2588-2599); the uvm far-fault mode uses 1',
      unit: 'count',
    },
  },
  create(params) {
    const threshold = params.thresholdPercent;
    const uvmsmart = (params.largePageFill ?? 0) === 1;
    let tree: Uint32Array = new Uint32Array(16);
    let leaf: Int32Array = new Int32Array(32);
    // cum[w] = populated pages in tree words [0, w): a node's count is one difference (node ≥ 32 pages) or
    // one popcount (node inside a word), so the walk costs O(levels), not O(levels × words)
    let cum: Int32Array = new Int32Array(17);
    return {
      choose(v: BlockFaultView, out: Uint32Array): number {
        const words = v.words;
        if (tree.length < words) {
          tree = new Uint32Array(words); // once per block geometry, not per call
          cum = new Int32Array(words + 1);
        }
        if (uvmsmart) {
          const nLeaves = Math.ceil(v.pagesPerBlock / v.bigPagePages);
          if (leaf.length < nLeaves) leaf = new Int32Array(nLeaves);
          return largePageFill(v, out, leaf);
        }
        const first = v.firstPage;
        const end = v.endPage;
        const faulted = v.faulted;
        const thrashing = v.thrashing;
        const resident = v.resident;
        const bp = v.bigPagePages;
        const tr = tree;
        const cm = cum;
        cm[0] = 0;
        if (first === 0 && end === words * 32 && bp <= 32) {
          // the whole block exists and big pages lie inside words (the common case): steps 1.–2. and the counts in
          // one pass, word by word (the same tree as the general path below)
          const thr = v.hasThrashing;
          const group = bp === 32 ? 0xffffffff : ((1 << bp) - 1) >>> 0;
          let c = 0; // cm[w], kept in a local (no store-to-load chain through `cm`)
          for (let w = 0; w < words; w++) {
            const f = faulted[w]!;
            let t = resident[w]! | f;
            if (f !== 0) {
              const tw = thr ? thrashing[w]! : 0;
              for (let g = 0; g < 32; g += bp) {
                const m = (group << g) >>> 0;
                if ((f & m) !== 0 && (tw & m) === 0) t |= m;
              }
            }
            tr[w] = t >>> 0;
            if (t !== 0) c += popcount32(t >>> 0);
            cm[w + 1] = c;
          }
        } else {
          for (let w = 0; w < words; w++) tr[w] = (resident[w]! | faulted[w]!) >>> 0;
          // 1.–2. big pages holding a fault, taken whole unless thrashing (faulted pages ascend: one visit each)
          let lastBig = -1;
          for (let p = maskNextSet(faulted, 0, 0, v.pagesPerBlock); p >= 0; p = maskNextSet(faulted, 0, p + 1, v.pagesPerBlock)) {
            const a = p - (p % bp);
            if (a === lastBig) continue;
            lastBig = a;
            if (v.hasThrashing && !maskRangeEmpty(thrashing, 0, a, a + bp)) continue;
            maskFillRange(tr, 0, Math.max(a, first), Math.min(a + bp, end));
          }
          // only [first, end) is ever counted: clip the tree to it, then count it word by word
          if (first > 0) maskClearRange(tr, 0, 0, first);
          if (end < words * 32) maskClearRange(tr, 0, end, words * 32);
          for (let w = 0; w < words; w++) cm[w + 1] = cm[w]! + popcount32(tr[w]!);
        }
        const levels = 31 - Math.clz32(v.pagesPerBlock);
        // 3. faulted pages only (set bits), not every page of the block: a batch faults few pages per block.
        // The largest qualifying subtree is the first found walking down from the root.
        for (let p = maskNextSet(faulted, 0, first, end); p >= 0; p = maskNextSet(faulted, 0, p + 1, end)) {
          if (maskTest(thrashing, 0, p) || maskTest(out, 0, p)) continue;
          let ra = -1;
          let rb = -1;
          for (let k = levels; k >= 0; k--) {
            const lo = (p >>> k) << k;
            const a = lo > first ? lo : first;
            const hi = lo + (1 << k);
            const b = hi < end ? hi : end;
            let count: number;
            if (k >= 5) {
              const w0 = lo >>> 5;
              const w1 = Math.min(w0 + (1 << (k - 5)), words);
              count = cm[w1]! - cm[w0]!;
            } else {
              const bits = (((1 << (1 << k)) - 1) << (lo & 31)) >>> 0;
              count = popcount32((tr[lo >>> 5]! & bits) >>> 0);
            }
            if (count * 100 > (b - a) * threshold) {
              ra = a;
              rb = b;
              break;
            }
          }
          if (ra >= 0) maskFillRange(out, 0, ra, rb);
          if (ra === first && rb === end) break; // whole block chosen
        }
        let n = 0;
        for (let w = 0; w < words; w++) {
          const o = out[w]!;
          if (o === 0) continue;
          const x = (o & ~(faulted[w]! | resident[w]! | thrashing[w]!)) >>> 0;
          out[w] = x;
          n += popcount32(x);
        }
        return n;
      },
    };
  },
};


/** Live pages of basic block `i` (blocks of `bp` pages) inside [first, end). */
function leafPagesOf(i: number, bp: number, first: number, end: number): number {
  return Math.min((i + 1) * bp, end) - Math.max(i * bp, first);
}

/**
 * UVMSmart's TBN over one large page (the VA block's live pages; UVMSmart sizes a large page's tree to its
 * allocation, which `allocSizing=uvmsmart` traces reproduce). Leaves are 64 KiB basic blocks valued by their
 * resident pages; a basic block holding a faulted page counts whole (`update_basic_block(…, MIN_PREFETCH_SIZE, true)`,
 * :3636) and is scheduled whole (its invalid pages, :3653-3667). Then, bottom-up, a node whose value is neither
 * its size nor at most half of it fills every empty leaf under it (`fill_lp_tree` fills only leaves with
 * valid_size 0, :2560-2572), and the fills count in its ancestors. Writes the pages to bring into `out`.
 */
function largePageFill(v: BlockFaultView, out: Uint32Array, leaf: Int32Array): number {
  const first = v.firstPage;
  const end = v.endPage;
  const bp = v.bigPagePages;
  const l0 = Math.floor(first / bp);
  const l1 = Math.ceil(end / bp);
  for (let i = l0; i < l1; i++) {
    const a = Math.max(i * bp, first);
    const b = Math.min((i + 1) * bp, end);
    if (!maskRangeEmpty(v.faulted, 0, a, b)) {
      leaf[i] = b - a;
      maskFillRange(out, 0, a, b);
    } else leaf[i] = maskCountRange(v.resident, 0, a, b);
  }
  for (let span = 2; span * bp <= v.pagesPerBlock; span *= 2) {
    for (let g = l0 - (l0 % span); g < l1; g += span) {
      const lo = Math.max(g, l0);
      const hi = Math.min(g + span, l1);
      let val = 0;
      let size = 0;
      for (let i = lo; i < hi; i++) {
        val += leaf[i]!;
        size += leafPagesOf(i, bp, first, end);
      }
      if (val === size || val * 2 <= size) continue;
      for (let i = lo; i < hi; i++) {
        if (leaf[i] !== 0) continue;
        leaf[i] = leafPagesOf(i, bp, first, end);
        maskFillRange(out, 0, Math.max(i * bp, first), Math.min((i + 1) * bp, end));
      }
    }
  }
  let n = 0;
  for (let w = 0; w < v.words; w++) {
    const x = (out[w]! & ~(v.faulted[w]! | v.resident[w]! | v.thrashing[w]!)) >>> 0;
    out[w] = x;
    n += popcount32(x);
  }
  return n;
}
