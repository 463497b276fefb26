import { BATCH_ROWS, type EventBatch } from '../../trace/batch';
import { Access, CPU, Flag, NO_AGENT, Op } from '../../trace/event';
import { StringTable } from '../../trace/strings';
import type { Trace, TraceReader } from '../../trace/trace';
import { DiagnosticLog } from '../../log/collector';
import { TraceEmitter } from '../emit/emitter';
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

const DEV0 = 1;

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

function accessBatch(n: number, bytes: number, strings: StringTable): EventBatch {
  return {
    length: n,
    op: new Uint8Array(n).fill(Op.access),
    agent: new Uint16Array(n).fill(DEV0),
    target: new Uint16Array(n).fill(NO_AGENT),
    tNs: new Float64Array(n),
    va: new Float64Array(n),
    bytes: new Float64Array(n).fill(bytes),
    offsetBytes: new Float64Array(n).fill(NaN),
    pageBytes: new Float64Array(n).fill(NaN),
    durNs: new Float64Array(n).fill(NaN),
    access: new Uint8Array(n).fill(Access.r),
    code: new Uint8Array(n),
    flags: new Uint32Array(n),
    count: new Uint32Array(n).fill(1),
    resource: new Uint32Array(n),
    label: new Uint32Array(n),
    strings,
  };
}

/** Trimmed view of the first `n` rows (the last, partial batch). */
function head(b: EventBatch, n: number): EventBatch {
  const s = <T extends { subarray(a: number, z: number): T }>(a: T): T => a.subarray(0, n);
  return {
    length: n, op: s(b.op), agent: s(b.agent), target: s(b.target), tNs: s(b.tNs), va: s(b.va), bytes: s(b.bytes),
    offsetBytes: s(b.offsetBytes), pageBytes: s(b.pageBytes), durNs: s(b.durNs), access: s(b.access), code: s(b.code),
    flags: s(b.flags), count: s(b.count), resource: s(b.resource), label: s(b.label), strings: b.strings,
  };
}

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
    const b = opts.reuseBatches ? (reused ??= accessBatch(rows, p.accessBytes, strings)) : accessBatch(rows, p.accessBytes, strings);
    stream.fill(pages, n);
    const { va, tNs } = b;
    const t0 = done * nsPer;
    for (let i = 0; i < n; i++) {
      va[i] = PAGE_MIX_BASE_VA + pages[i]! * PAGE_MIX_PAGE_BYTES;
      tNs[i] = t0 + i * nsPer;
    }
    done += n;
    yield n === rows ? b : head(b, n);
  }
  em.free(p.events * nsPer, CPU, PAGE_MIX_BASE_VA, sizeBytes);
  yield* em.finish();
}

/**
 * A page-mix trace for benchmarks and streamed runs: like `workloadTrace('page-mix', …)` with the fast-path
 * option `reuseBatches`. `params` must be complete and valid.
 */
export function pageMixTrace(p: Readonly<PageMixParams>, seed = 0, opts: { reuseBatches?: boolean } = {}): Trace {
  const meta = pageMix.meta(p, seed);
  return {
    name: 'workload:page-mix',
    read(): TraceReader {
      const strings = new StringTable();
      return {
        meta,
        strings,
        log: new DiagnosticLog(),
        [Symbol.asyncIterator]: async function* () {
          yield* pageMixBatches(p, seed, strings, opts);
        },
      };
    },
  };
}
