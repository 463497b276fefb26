import { openTrace, type OpenTraceOptions } from '../../importers/open';
import type { Trace } from '../../trace/trace';
import { cachedWorkloadTrace } from './workload-cache';
import type { TraceRef } from './expand';

/**
 * Open the trace of a sweep point: a generated workload (`workloadTrace`, identical for the same id,
 * parameters and seed; large ones kept in the import cache after their first complete read:
 * workload-cache.ts), an in-memory trace, or a file (`openTrace`: any importable format, Arrow import
 * cache, `--map` for foreign CSV, strict unless `lenient`).
 */
export async function openSource(ref: TraceRef): Promise<Trace> {
  if (ref.kind === 'memory') return ref.trace;
  if (ref.kind === 'workload') return cachedWorkloadTrace(ref.workload, ref.set, ref.seed);
  const opts: { -readonly [K in keyof OpenTraceOptions]: OpenTraceOptions[K] } = {};
  if (ref.from !== undefined) opts.from = ref.from as OpenTraceOptions['from'];
  if (ref.map !== undefined) opts.map = ref.map;
  if (ref.lenient) opts.strict = false;
  return openTrace(ref.path, opts);
}

let nextMemoryId = 1;

/** Cache key of a trace reference within one thread (memory traces by object identity). */
export function sourceKey(ref: TraceRef, memoryIds: WeakMap<Trace, number>): string {
  if (ref.kind !== 'memory') return JSON.stringify(ref);
  let id = memoryIds.get(ref.trace);
  if (id === undefined) {
    id = nextMemoryId++;
    memoryIds.set(ref.trace, id);
  }
  return `memory:${id}`;
}
