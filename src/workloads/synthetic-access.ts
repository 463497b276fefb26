import { BATCH_ROWS, batchHead, type EventBatch } from '../trace/batch';
import { Access, CPU, Flag } from '../trace/event';
import { StringTable } from '../trace/strings';
import type { Trace } from '../trace/trace';
import { Rng } from '../sim/rng';
import { GiB } from '../units';
import { deviceAccessBatch } from './emit/access-batch';
import { TraceEmitter } from './emit/emitter';
import { generatedTrace } from './generated-trace';
import { HEAP_BASE_VA, VaArena } from './emit/va-arena';
import { intIn, numIn, powerOfTwo, problems, workloadMeta } from './params';
import type { WorkloadDef } from './types';

/**
 * `synthetic-access`: the fast access-stream generator for benchmarks and scaling studies (an extension of
 * docs/cli.md §7). `allocations` equal managed (or peer-shared) allocations totalling `footprintBytes`, then
 * `events` device accesses of `accessBytes` each following `pattern`, then the frees. Access batches are
 * filled column by column (no per-row calls), so generation runs at tens of millions of events per second
 * and a 1e8-event trace streams in bounded memory; `syntheticAccessTrace(…, { reuseBatches: true })` also
 * reuses one set of column buffers (for consumers that do not keep batches, e.g. a simulator).
 *
 * Patterns: `sequential` sweeps the whole footprint in order, cyclically; `random` picks a uniform chunk;
 * `hotcold` picks from the first `hotFraction` of the chunks with probability `hotProbability`, otherwise
 * from the rest; `strided` advances `strideBytes` per access, wrapping around.
 */
export type SyntheticAccessParams = {
  events: number;
  footprintBytes: number;
  allocations: number;
  accessBytes: number;
  pattern: string;
  strideBytes: number;
  hotFraction: number;
  hotProbability: number;
  writeFraction: number;
  nsPerAccess: number;
  kind: string;
};

const DEV0 = 1;

/** The `synthetic-access` workload. */
export const syntheticAccess: WorkloadDef<SyntheticAccessParams> = {
  name: 'synthetic-access',
  summary: 'fast benchmark stream: 50,000 random 4 KiB device accesses over one 1 GiB managed allocation, scales to 1e8+ events (footprint 1 GiB)',
  defaults: {
    events: 50000,
    footprintBytes: GiB,
    allocations: 1,
    accessBytes: 4096,
    pattern: 'random',
    strideBytes: 65536,
    hotFraction: 0.1,
    hotProbability: 0.9,
    writeFraction: 0.3,
    nsPerAccess: 10,
    kind: 'managed',
  },
  params: {
    events: { summary: 'access rows', unit: 'count' },
    footprintBytes: { summary: 'total bytes of the allocations (a multiple of allocations × accessBytes)', unit: 'bytes' },
    allocations: { summary: 'equal allocations the footprint is split into', unit: 'count' },
    accessBytes: { summary: 'bytes per access (power of two; accesses are aligned to it)', unit: 'bytes' },
    pattern: { summary: 'address pattern', values: ['sequential', 'random', 'hotcold', 'strided'] },
    strideBytes: { summary: 'address step of the strided pattern (multiple of accessBytes)', unit: 'bytes' },
    hotFraction: { summary: 'hotcold: fraction of the footprint that is hot', unit: 'fraction' },
    hotProbability: { summary: 'hotcold: probability an access goes to the hot part', unit: 'fraction' },
    writeFraction: { summary: 'fraction of accesses that are writes', unit: 'fraction' },
    nsPerAccess: { summary: 'trace time between accesses', unit: 'ns' },
    kind: { summary: 'allocation kind', values: ['managed', 'peer_shared', 'device'] },
  },
  validate: (p) =>
    problems<keyof SyntheticAccessParams>({
      events: intIn(p.events, 1, 2 ** 40),
      allocations: intIn(p.allocations, 1, 1e6),
      accessBytes: powerOfTwo(p.accessBytes, 1),
      footprintBytes: intIn(p.footprintBytes, 1, 2 ** 48) ?? (p.footprintBytes % (p.allocations * p.accessBytes) ? 'a multiple of allocations × accessBytes' : undefined),
      strideBytes: intIn(p.strideBytes, 1, 2 ** 48) ?? (p.strideBytes % p.accessBytes ? 'a multiple of accessBytes' : undefined),
      hotFraction: numIn(p.hotFraction, 0, 1),
      hotProbability: numIn(p.hotProbability, 0, 1),
      writeFraction: numIn(p.writeFraction, 0, 1),
      nsPerAccess: intIn(p.nsPerAccess, 0, 1e9) ?? (p.events * p.nsPerAccess >= 2 ** 53 ? 'small enough that events × nsPerAccess < 2^53 ns' : undefined),
    }),
  generate: (p, seed, strings) => syntheticAccessBatches(p, seed, strings),
  meta: (p, seed) => workloadMeta('synthetic-access', p, seed, ['dev0']),
};

/**
 * The batches of a synthetic-access trace. With `reuseBatches`, every full access batch is the same object
 * refilled (valid only until the next batch is pulled).
 */
export function* syntheticAccessBatches(
  p: Readonly<SyntheticAccessParams>, seed: number, strings: StringTable = new StringTable(), opts: { reuseBatches?: boolean; rows?: number } = {},
): Generator<EventBatch, void, undefined> {
  const rows = opts.rows ?? BATCH_ROWS;
  const rng = new Rng(seed);
  const em = new TraceEmitter(strings);
  const arena = new VaArena(HEAP_BASE_VA);
  const per = p.footprintBytes / p.allocations;
  const chunksPer = per / p.accessBytes;
  const totalChunks = chunksPer * p.allocations;
  const base = new Float64Array(p.allocations);
  const kind = p.kind === 'peer_shared' ? Flag.peer_shared : p.kind === 'device' ? Flag.device : Flag.managed;
  for (let a = 0; a < p.allocations; a++) {
    base[a] = arena.take(per);
    em.alloc(0, p.kind === 'device' ? DEV0 : CPU, base[a]!, per, kind, em.id(`buf${a}`));
  }
  yield* em.finish();

  const pattern = p.pattern === 'sequential' ? 0 : p.pattern === 'random' ? 1 : p.pattern === 'hotcold' ? 2 : 3;
  const hotChunks = Math.max(1, Math.min(totalChunks, Math.round(totalChunks * p.hotFraction)));
  const coldChunks = totalChunks - hotChunks;
  const strideChunks = p.strideBytes / p.accessBytes;
  const ab = p.accessBytes;
  const wf = p.writeFraction;
  const hotP = p.hotProbability;
  const nsPer = p.nsPerAccess;
  let chunk = 0;
  let reused: EventBatch | undefined;
  for (let done = 0; done < p.events; ) {
    const n = Math.min(rows, p.events - done);
    const b = opts.reuseBatches ? (reused ??= deviceAccessBatch(rows, strings)) : deviceAccessBatch(rows, strings);
    const { tNs, va, bytes, access } = b;
    const t0 = done * nsPer;
    // One loop per pattern keeps the per-event work to a few arithmetic operations.
    if (pattern === 0 || pattern === 3) {
      const step = pattern === 0 ? 1 : strideChunks;
      for (let i = 0; i < n; i++) {
        const a = Math.floor(chunk / chunksPer);
        va[i] = base[a]! + (chunk - a * chunksPer) * ab;
        chunk += step;
        if (chunk >= totalChunks) chunk %= totalChunks;
      }
    } else if (pattern === 1) {
      for (let i = 0; i < n; i++) {
        const c = Math.floor(rng.next() * totalChunks);
        const a = Math.floor(c / chunksPer);
        va[i] = base[a]! + (c - a * chunksPer) * ab;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const c = rng.next() < hotP || coldChunks === 0 ? Math.floor(rng.next() * hotChunks) : hotChunks + Math.floor(rng.next() * coldChunks);
        const a = Math.floor(c / chunksPer);
        va[i] = base[a]! + (c - a * chunksPer) * ab;
      }
    }
    for (let i = 0; i < n; i++) tNs[i] = t0 + i * nsPer;
    bytes.fill(ab, 0, n);
    if (wf <= 0) access.fill(Access.r, 0, n);
    else if (wf >= 1) access.fill(Access.w, 0, n);
    else for (let i = 0; i < n; i++) access[i] = rng.next() < wf ? Access.w : Access.r;
    done += n;
    yield n === rows ? b : batchHead(b, n);
  }
  const tEnd = p.events * p.nsPerAccess;
  for (let a = 0; a < p.allocations; a++) em.free(tEnd, p.kind === 'device' ? DEV0 : CPU, base[a]!, per);
  yield* em.finish();
}

/**
 * A synthetic-access trace for benchmarks: like `workloadTrace('synthetic-access', …)` but with the
 * fast-path options (`reuseBatches`: one set of column buffers refilled per batch; only for consumers that
 * process each batch before pulling the next, such as `simulate`). `params` must be complete and valid.
 */
export function syntheticAccessTrace(p: Readonly<SyntheticAccessParams>, seed = 0, opts: { reuseBatches?: boolean } = {}): Trace {
  return generatedTrace('workload:synthetic-access', syntheticAccess.meta(p, seed), (strings) => syntheticAccessBatches(p, seed, strings, opts));
}
