import { formatBytes } from '../units';
import type { EventBatch } from './batch';
import { Op } from './event';
import type { Trace, TraceReader } from './trace';

const OP_MAP = Op.map;

/** Options of `withMapPageBytes`. */
export interface MapPageBytesOptions {
  /** The page size every selected `map` row gets, bytes (a power of two). */
  readonly to: number;
  /** Select only `map` rows whose `page_bytes` is this (default: every `map` row, with or without one). */
  readonly from?: number;
}

/**
 * A what-if view of a binding trace: the same events with the `page_bytes` of `map` rows replaced — e.g.
 * "the game's 64 KiB sparse-texture binds, had they used 4 KiB or 2 MiB pages". Nothing else changes (the
 * ranges stay where they are, so a range not aligned to the new size is what systems see: gpuvm-sparse falls
 * back to the largest aligned supported size and counts it in `extra.pageSizeFallbacks`). Lazy and
 * re-readable like its source; batches are copied only when a row changes (source batches may be shared or
 * reused). The name records the rewrite: `<source> (map pages 4 KiB)`.
 */
export function withMapPageBytes(trace: Trace, opts: MapPageBytesOptions): Trace {
  const to = opts.to;
  if (!(Number.isInteger(to) && to > 0 && (to & (to - 1)) === 0)) throw new Error(`withMapPageBytes: 'to' must be a power of two in bytes (got ${to})`);
  const from = opts.from;
  const name = `${trace.name} (map pages ${formatBytes(to)}${from === undefined ? '' : ` instead of ${formatBytes(from)}`})`;
  return {
    name,
    read(): TraceReader {
      const src = trace.read();
      return {
        get meta() {
          return src.meta;
        },
        get strings() {
          return src.strings;
        },
        get log() {
          return src.log;
        },
        async *[Symbol.asyncIterator]() {
          for await (const b of src) yield rewriteBatch(b, to, from);
        },
      };
    },
  };
}

/** `b` with the selected `map` rows' page size set to `to` (the same object when no row changes). */
export function rewriteBatch(b: EventBatch, to: number, from?: number): EventBatch {
  let pages: Float64Array | undefined;
  const { op, pageBytes } = b;
  for (let i = 0; i < b.length; i++) {
    if (op[i] !== OP_MAP) continue;
    const p = pageBytes[i]!;
    if (from !== undefined && p !== from) continue;
    if (p === to) continue;
    pages ??= Float64Array.from(pageBytes);
    pages[i] = to;
  }
  return pages ? { ...b, pageBytes: pages } : b;
}
