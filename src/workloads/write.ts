import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { openAtomicWriter, prepareOutputFile } from '../io/atomic';
import type { EventBatch } from '../trace/batch';
import { RowEncoder } from '../trace/canonical-csv/encode';
import { HEADER_LINE, metaLines, writeCanonicalCsv } from '../trace/canonical-csv/write';
import { Op, OP_COUNT, OP_CSV_NAMES } from '../trace/event';
import { FootprintTracker } from '../trace/footprint';
import type { TraceMeta } from '../trace/trace';
import { getWorkload } from './index';
import { checkSeed, resolveWorkloadParams, type WorkloadParamInput } from './params';
import type { WorkloadId } from './types';

/** What `generate` wrote: counts for the summary line and for tests. */
export interface GenerateSummary {
  readonly workload: WorkloadId;
  readonly seed: number;
  readonly target: string;
  readonly events: number;
  /** Access rows weighted by `count`. */
  readonly accesses: number;
  /** Rows per op (canonical CSV names), ops that occur only, in op-code order. */
  readonly opCounts: Readonly<Record<string, number>>;
  /** docs/cli.md §3 footprint of the generated trace. */
  readonly footprintBytes: number;
  /** `t_ns` of the last row. */
  readonly lastTNs: number;
  readonly elapsedMs: number;
}

/** Running statistics over a batch stream (op counts, footprint, time span), passing batches through. */
export class StreamStats {
  readonly ops = new Float64Array(OP_COUNT);
  readonly footprint = new FootprintTracker();
  events = 0;
  /** Access rows weighted by `count` (docs/cli.md §4 `accesses`). */
  accesses = 0;
  lastTNs = 0;

  *tap(batches: Iterable<EventBatch>): Generator<EventBatch, void, undefined> {
    for (const b of batches) {
      this.add(b);
      yield b;
    }
  }

  add(b: EventBatch): void {
    this.footprint.update(b);
    const { op, count } = b;
    for (let i = 0; i < b.length; i++) {
      const o = op[i]!;
      this.ops[o]++;
      if (o === Op.access) this.accesses += count[i]!;
    }
    this.events += b.length;
    if (b.length) this.lastTNs = b.tNs[b.length - 1]!;
  }

  opCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    this.ops.forEach((n, code) => {
      if (n > 0) out[OP_CSV_NAMES[code]!] = n;
    });
    return out;
  }
}

/**
 * Canonical CSV through gzip, atomically (the same bytes as `writeCanonicalCsv`, compressed at level 9;
 * gzip output is deterministic for a given zlib build, and the header carries no timestamp).
 */
export async function writeCanonicalCsvGzip(batches: Iterable<EventBatch>, meta: TraceMeta, target: string): Promise<number> {
  const w = openAtomicWriter(target);
  const gz = createGzip({ level: 9 });
  gz.pipe(w.stream, { end: false });
  const ended = once(gz, 'end');
  const write = async (s: string | Buffer): Promise<void> => {
    if (!gz.write(s)) await once(gz, 'drain');
  };
  // byte-level rows (the bytes of batchToCsv without per-row strings); a copy, as gzip may still hold the chunk
  const enc = new RowEncoder();
  let rows = 0;
  try {
    await write(metaLines(meta) + HEADER_LINE);
    for (const b of batches) {
      if (b.length) await write(Buffer.from(enc.encode(b)));
      rows += b.length;
    }
    gz.end();
    await ended;
    await w.commit();
    return rows;
  } catch (e) {
    gz.destroy();
    await w.abort();
    throw e;
  }
}

/**
 * Check the output before generating: a regular file or a new path (io.output-not-regular otherwise), its
 * missing folders created as for every gmemlab output (io.cannot-write when that fails), exit 2 either way.
 */
function checkTarget(target: string): void {
  prepareOutputFile(target);
}

/**
 * Generate workload `id` and write it to `target`: canonical CSV (gzip-compressed when the name ends in
 * `.gz`), or the workload's own `write` (foreign dialects). Atomic: on error the target is untouched.
 */
export async function writeWorkloadTrace(id: string, params: WorkloadParamInput, seed: number | string, target: string): Promise<GenerateSummary> {
  const def = getWorkload(id);
  const resolved = resolveWorkloadParams(def, params);
  const s = checkSeed(seed);
  checkTarget(target);
  const t0 = performance.now();
  const stats = new StreamStats();
  if (def.write) {
    await def.write(resolved, s, target);
    for (const b of def.generate(resolved, s)) stats.add(b);
  } else if (target.endsWith('.gz')) {
    await writeCanonicalCsvGzip(stats.tap(def.generate(resolved, s)), def.meta(resolved, s), target);
  } else {
    await writeCanonicalCsv(stats.tap(def.generate(resolved, s)), def.meta(resolved, s), target);
  }
  return {
    workload: def.name,
    seed: s,
    target,
    events: stats.events,
    accesses: stats.accesses,
    opCounts: stats.opCounts(),
    footprintBytes: stats.footprint.peakBytes,
    lastTNs: stats.lastTNs,
    elapsedMs: performance.now() - t0,
  };
}
