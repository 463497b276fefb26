import type { ColumnTable } from 'arquero';
import type { EventBatch } from '../trace/batch';
import { agentFromName, Op } from '../trace/event';
import type { Trace } from '../trace/trace';
import { tableFromRows, type FlatRow } from './table-input';

const OP_ACCESS = Op.access;
const OP_KERNEL_BEGIN = Op.kernelBegin;
const OP_KERNEL_END = Op.kernelEnd;

/** Options of `tlbReachTable`. */
export interface TlbReachOptions {
  /** Page sizes to compare, bytes (default 4 KiB, 64 KiB, 2 MiB). */
  readonly pageSizes?: readonly number[];
  /**
   * TLB entries assumed for the reach column (reach = entries × page size). GPU TLB sizes are not public;
   * this is a stated assumption of the caller, not a profile value.
   */
  readonly entries: number;
  /** The device whose kernels are measured (default `dev0`). */
  readonly agent?: string;
}

/**
 * TLB reach versus working set, per page size: how many translations each kernel of a trace needs if the
 * memory it touches were mapped with pages of that size, against how much memory `entries` TLB entries
 * cover. One streaming pass.
 *
 * A kernel's working set is the set of distinct pages (aligned to the page size) overlapped by the device's
 * `access` rows between its `kernel_begin` and `kernel_end` (accesses outside kernels are counted in
 * `accessesOutsideKernels` and otherwise ignored). One row per page size:
 * `pageBytes`, `kernels`, `pagesMean`, `pagesMedian`, `pagesMax` (translations needed by the average,
 * median and largest kernel), `workingSetBytesMax` (= pagesMax × pageBytes: memory those translations map,
 * which grows with the page size by the rounding of partly used pages), `entries`, `reachBytes`
 * (entries × pageBytes), `kernelsWithinReach` (share of kernels with at most `entries` pages),
 * `accessesOutsideKernels`. Cost: O(pages touched) per access row.
 */
export async function tlbReachTable(trace: Trace | Iterable<EventBatch> | AsyncIterable<EventBatch>, opts: TlbReachOptions): Promise<ColumnTable> {
  const sizes = [...(opts.pageSizes ?? [4096, 65536, 2 * 1024 * 1024])];
  if (sizes.some((s) => !(Number.isInteger(s) && s > 0)) || !(Number.isInteger(opts.entries) && opts.entries > 0)) {
    throw new Error(`tlbReachTable: page sizes and entries must be positive integers (got pageSizes ${JSON.stringify(sizes)}, entries ${opts.entries})`);
  }
  const dev = agentFromName(opts.agent ?? 'dev0');
  const sets = sizes.map(() => new Set<number>());
  const perKernel: number[][] = sizes.map(() => []);
  let inKernel = false;
  let outside = 0;
  const source: Iterable<EventBatch> | AsyncIterable<EventBatch> = isTrace(trace) ? trace.read() : trace;
  for await (const b of source) {
    const { op, agent, va, bytes } = b;
    for (let i = 0; i < b.length; i++) {
      if (agent[i] !== dev) continue;
      const o = op[i];
      if (o === OP_KERNEL_BEGIN) {
        inKernel = true;
        for (const s of sets) s.clear();
      } else if (o === OP_KERNEL_END) {
        if (inKernel) for (let k = 0; k < sizes.length; k++) perKernel[k]!.push(sets[k]!.size);
        inKernel = false;
      } else if (o === OP_ACCESS) {
        if (!inKernel) {
          outside++;
          continue;
        }
        const start = va[i]!;
        const end = start + Math.max(1, bytes[i]!);
        for (let k = 0; k < sizes.length; k++) {
          const p = sizes[k]!;
          const set = sets[k]!;
          for (let page = Math.floor(start / p), last = Math.floor((end - 1) / p); page <= last; page++) set.add(page);
        }
      }
    }
  }
  const rows: FlatRow[] = sizes.map((p, k) => {
    const counts = perKernel[k]!;
    const sorted = [...counts].sort((a, b) => a - b);
    const n = sorted.length;
    const max = n ? sorted[n - 1]! : null;
    return {
      pageBytes: p,
      kernels: n,
      pagesMean: n ? sorted.reduce((a, c) => a + c, 0) / n : null,
      pagesMedian: n ? (n % 2 ? sorted[n >> 1]! : (sorted[(n >> 1) - 1]! + sorted[n >> 1]!) / 2) : null,
      pagesMax: max,
      workingSetBytesMax: max === null ? null : max * p,
      entries: opts.entries,
      reachBytes: opts.entries * p,
      kernelsWithinReach: n ? counts.filter((c) => c <= opts.entries).length / n : null,
      accessesOutsideKernels: outside,
    };
  });
  return tableFromRows(rows, ['pageBytes', 'kernels', 'pagesMean', 'pagesMedian', 'pagesMax', 'workingSetBytesMax', 'entries', 'reachBytes', 'kernelsWithinReach', 'accessesOutsideKernels']);
}

function isTrace(x: unknown): x is Trace {
  return typeof x === 'object' && x !== null && typeof (x as Trace).read === 'function';
}
