import type { Trace } from '../../trace/trace';
import { workloadTrace } from '../../workloads/trace';
import type { TraceRef } from './expand';

/**
 * Open the trace of a sweep point: a generated workload (`workloadTrace`: regenerated lazily on every read,
 * byte-identical for the same id, parameters and seed), an in-memory trace, or a file through trace-io's
 * `openTrace` (loaded by path, so this module builds before that one lands; until then a file trace is an
 * internal error that says so).
 */
export async function openSource(ref: TraceRef): Promise<Trace> {
  if (ref.kind === 'memory') return ref.trace;
  if (ref.kind === 'workload') return workloadTrace(ref.workload, ref.set, ref.seed);
  const modPath = '../../trace/open';
  let mod: { openTrace: (path: string, opts?: Record<string, unknown>) => Promise<Trace> | Trace };
  try {
    // require by a variable path: this module builds before trace-io's lands (and import() would bypass tsx's CJS hook)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modPath) as typeof mod;
  } catch (e) {
    throw new Error(`sweep: reading trace files needs src/trace/open.ts (trace-io), which this build lacks (${(e as Error).message})`);
  }
  const opts: Record<string, unknown> = {};
  if (ref.from !== undefined) opts.from = ref.from;
  if (ref.map !== undefined) opts.map = ref.map;
  if (ref.lenient) opts.lenient = true;
  return await mod.openTrace(ref.path, opts);
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
