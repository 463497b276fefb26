import { BATCH_ROWS, batchHead, type EventBatch } from '../../trace/batch';
import { Access, CPU, Flag } from '../../trace/event';
import { StringTable } from '../../trace/strings';
import type { Trace } from '../../trace/trace';
import { deviceAccessBatch } from '../emit/access-batch';
import { TraceEmitter } from '../emit/emitter';
import { generatedTrace } from '../generated-trace';
import { HEAP_BASE_VA } from '../emit/va-arena';
import { intIn, powerOfTwo, problems, workloadMeta } from '../params';
import type { WorkloadDef } from '../types';
import { BENCH_TRACE_SHAPE, PageMixStream, shapeProblems, type PageMixShape } from './stream';

/**
 * `page-mix`: the realistic benchmark trace of docs/bench-trace.md as a seeded generator — one managed
 * allocation spanning `vaPages` 4 KiB pages, then `events` device reads, one per page of the stream
 * (`stream.ts`: layer sweeps forward and backward, a Zipf(alpha) hot region, uniform random pages), then the
 * free. Page p is at `PAGE_MIX_BASE_VA + p · 4096`. Seed 0 with the default shape is the specified stream; the
 * benchmark's instance is `events=20000000` (docs/bench-trace.md §Check values).
 *
 * Access batches are filled column by column; `pageMixTrace(…, { reuseBatches: true })` refills one set of
 * column buffers (for consumers that process each batch before pulling the next, e.g. `simulate`), so a
 * 1e8-event run streams in bounded memory.
 */
export type PageMixParams = PageMixShape & {
  events: number;
  accessBytes: number;
  nsPerAccess: number;
};

/** Page size of the stream (docs/bench-trace.md: 4 KiB pages). */
export const PAGE_MIX_PAGE_BYTES = 4096;
/** Virtual address of page 0 (2 MiB aligned). */
export const PAGE_MIX_BASE_VA = HEAP_BASE_VA;

/** The `page-mix` workload. */
export const pageMix: WorkloadDef<PageMixParams> = {
  name: 'page-mix',
  summary: 'realistic benchmark stream (docs/bench-trace.md): 200,000 page reads mixing layer sweeps, a Zipf(0.9) hot set and 1 % random pages over one 64 GiB managed allocation (footprint 64 GiB; 20,000,000 events touch 8.05 GiB)',
  defaults: { events: 200_000, ...BENCH_TRACE_SHAPE, accessBytes: PAGE_MIX_PAGE_BYTES, nsPerAccess: 10 },
  params: {
    events: { summary: 'access rows (the benchmark instance has 20,000,000)', unit: 'count' },
    vaPages: { summary: 'address space in 4 KiB pages (VA_PAGES; the allocation spans it)', unit: 'count' },
    layers: { summary: 'layers of the sequential sweep (LAYERS)', unit: 'count' },
    weightPagesPerLayer: { summary: 'weight pages per layer (WPL)', unit: 'count' },
    activationPagesPerLayer: { summary: 'activation pages per layer (APL)', unit: 'count' },
    weightBasePage: { summary: 'first weight page (W_BASE)', unit: 'count' },
    activationGapPages: { summary: 'pages between the last weight page and the first activation page', unit: 'count' },
    hotPages: { summary: 'pages of the Zipf hot region (HOT_PAGES)', unit: 'count' },
    hotBasePage: { summary: 'first page of the hot region (HOT_BASE)', unit: 'count' },
    alpha: { summary: 'Zipf exponent of the hot region (ALPHA)' },
    pRandom: { summary: 'probability of a uniform random page (P_RANDOM)', unit: 'fraction' },
    pZipf: { summary: 'probability of a hot page (P_ZIPF); the rest are sequential', unit: 'fraction' },
    accessBytes: { summary: 'bytes per access (power of two, at most 4 KiB; page-aligned)', unit: 'bytes' },
    nsPerAccess: { summary: 'trace time between accesses', unit: 'ns' },
  },
  validate: (p) => [
    ...problems<keyof PageMixParams>({
      events: intIn(p.events, 1, 2 ** 40),
      accessBytes: powerOfTwo(p.accessBytes, 1) ?? (p.accessBytes > PAGE_MIX_PAGE_BYTES ? 'a power of two up to 4096' : undefined),
      nsPerAccess: intIn(p.nsPerAccess, 0, 1e9) ?? (p.events * p.nsPerAccess >= 2 ** 53 ? 'small enough that events × nsPerAccess < 2^53 ns' : undefined),
    }),
    ...shapeProblems(p),
  ],
  generate: (p, seed, strings) => pageMixBatches(p, seed, strings),
  meta: (p, seed) => workloadMeta('page-mix', p, seed, ['dev0']),
};

/** The batches of a page-mix trace. With `reuseBatches`, every full access batch is the same object refilled. */
export function* pageMixBatches(
  p: Readonly<PageMixParams>, seed: number, strings: StringTable = new StringTable(), opts: { reuseBatches?: boolean; rows?: number } = {},
): Generator<EventBatch, void, undefined> {
  const rows = opts.rows ?? BATCH_ROWS;
  const stream = new PageMixStream(p, seed);
  const em = new TraceEmitter(strings);
  const sizeBytes = p.vaPages * PAGE_MIX_PAGE_BYTES;
  em.alloc(0, CPU, PAGE_MIX_BASE_VA, sizeBytes, Flag.managed, em.id('pages'));
  yield* em.finish();
  const pages = new Int32Array(rows);
  const nsPer = p.nsPerAccess;
  let reused: EventBatch | undefined;
  for (let done = 0; done < p.events; ) {
    const n = Math.min(rows, p.events - done);
    const b = opts.reuseBatches ? (reused ??= deviceAccessBatch(rows, strings, p.accessBytes, Access.r)) : deviceAccessBatch(rows, strings, p.accessBytes, Access.r);
    stream.fill(pages, n);
    const { va, tNs } = b;
    const t0 = done * nsPer;
    for (let i = 0; i < n; i++) {
      va[i] = PAGE_MIX_BASE_VA + pages[i]! * PAGE_MIX_PAGE_BYTES;
      tNs[i] = t0 + i * nsPer;
    }
    done += n;
    yield n === rows ? b : batchHead(b, n);
  }
  em.free(p.events * nsPer, CPU, PAGE_MIX_BASE_VA, sizeBytes);
  yield* em.finish();
}

/**
 * A page-mix trace for benchmarks and streamed runs: like `workloadTrace('page-mix', …)` with the fast-path
 * option `reuseBatches`. `params` must be complete and valid.
 */
export function pageMixTrace(p: Readonly<PageMixParams>, seed = 0, opts: { reuseBatches?: boolean } = {}): Trace {
  return generatedTrace('workload:page-mix', pageMix.meta(p, seed), (strings) => pageMixBatches(p, seed, strings, opts));
}
