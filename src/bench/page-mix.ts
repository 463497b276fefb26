/**
 * The realistic benchmark trace (docs/bench-trace.md) in the form the systems benchmark needs: the page
 * stream generated once into an `Int32Array` (so generation is not timed), a `Trace` over it that refills one
 * reused batch (the same input for the bare LRU kernel and for every simulator), and the reference FIFO used
 * to check the FIFO configurations' miss counts.
 */
import { BATCH_ROWS, BatchBuilder } from '../trace/batch';
import { Access, CPU, Flag, Op } from '../trace/event';
import { StringTable } from '../trace/strings';
import type { Trace, TraceReader } from '../trace/trace';
import { DiagnosticLog } from '../log/collector';
import { PAGE_MIX_BASE_VA, PAGE_MIX_PAGE_BYTES } from '../workloads/page-mix/index';
import { PageMixStream, type PageMixShape } from '../workloads/page-mix/stream';

/** docs/bench-trace.md §Check values (N = 20,000,000, seed 0). */
export const BENCH_TRACE_CHECK = {
  events: 20_000_000,
  distinctPages: 2_108_965,
  /** Capacities in pages at 25 / 50 / 75 % of the distinct pages (floor). */
  framesAt: [527_241, 1_054_482, 1_581_723],
  lruMisses: [9_384_615, 2_893_845, 2_263_325],
  fifoMisses: [9_708_427, 5_689_541, 3_052_361],
} as const;

/** The first `events` pages of the stream. */
export function pageMixPages(shape: Readonly<PageMixShape>, events: number, seed = 0): Int32Array {
  const out = new Int32Array(events);
  new PageMixStream(shape, seed).fill(out, events);
  return out;
}

/** Distinct values of `pages` (all in [0, vaPages)). */
export function distinctPages(pages: Int32Array, vaPages: number): number {
  const seen = new Uint8Array(vaPages);
  let n = 0;
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i]!;
    if (seen[p] === 0) {
      seen[p] = 1;
      n++;
    }
  }
  return n;
}

/**
 * A trace of one managed allocation over `vaPages` pages at `PAGE_MIX_BASE_VA`, one 4 KiB device read per
 * entry of `pages` (t = 10 ns apart, as the page-mix workload), then the free. Access rows are written into ONE
 * reused batch (consumers process a batch before pulling the next).
 */
export function pagesTrace(pages: Int32Array, vaPages: number): Trace {
  // local copies: imported bindings compile to getter calls under tsx (CommonJS interop)
  const BASE_VA = PAGE_MIX_BASE_VA;
  const PAGE_BYTES = PAGE_MIX_PAGE_BYTES;
  const sizeBytes = vaPages * PAGE_BYTES;
  return {
    name: `page-mix:${pages.length}`,
    read(): TraceReader {
      const strings = new StringTable();
      return {
        meta: { workload: 'page-mix' },
        strings,
        log: new DiagnosticLog(),
        async *[Symbol.asyncIterator]() {
          const head = new BatchBuilder(strings, 1);
          const a = head.addRow(Op.alloc, 0, CPU, PAGE_MIX_BASE_VA, sizeBytes);
          head.cols.flags[a] = Flag.managed;
          yield head.take();
          const rows = BATCH_ROWS;
          const b = new BatchBuilder(strings, rows);
          for (let r = 0; r < rows; r++) b.addRow(Op.access, 0, 1, 0, PAGE_MIX_PAGE_BYTES);
          b.cols.access.fill(Access.r);
          const full = b.take();
          const va = full.va as Float64Array;
          const t = full.tNs as Float64Array;
          for (let done = 0; done < pages.length; ) {
            const n = Math.min(rows, pages.length - done);
            for (let r = 0; r < n; r++) {
              va[r] = BASE_VA + pages[done + r]! * PAGE_BYTES;
              t[r] = (done + r) * 10;
            }
            done += n;
            yield n === rows ? full : { ...full, length: n };
          }
          const tail = new BatchBuilder(strings, 1);
          tail.addRow(Op.free, pages.length * 10, CPU, PAGE_MIX_BASE_VA, sizeBytes);
          yield tail.take();
        },
      };
    },
  };
}

/** Reference FIFO over `pages` with `frames` frames (a ring of slots and a direct page index). Returns misses. */
export function fifoMisses(pages: Int32Array, vaPages: number, frames: number): number {
  const slotOf = new Int32Array(vaPages).fill(-1);
  const pageOf = new Int32Array(frames);
  let used = 0;
  let hand = 0;
  let misses = 0;
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i]!;
    if (slotOf[p]! >= 0) continue;
    misses++;
    let s: number;
    if (used < frames) s = used++;
    else {
      s = hand;
      hand = hand + 1 === frames ? 0 : hand + 1;
      slotOf[pageOf[s]!] = -1;
    }
    pageOf[s] = p;
    slotOf[p] = s;
  }
  return misses;
}
