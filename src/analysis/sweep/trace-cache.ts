import type { EventBatch } from '../../trace/batch';
import type { Trace, TraceMeta, TraceReader } from '../../trace/trace';
import { rememberedScan, SCAN_VERSION, scanTrace, type TraceScan } from '../../run/run';
import { readScanMemo, scanMemoFor, writeScanMemo, type ScanFacts } from '../../trace/cache';
import type { TraceRef } from './expand';
import { openSource } from './open-source';
import { shareBatches, sharedToTrace, type SharedTrace } from './shared-trace';
import { workloadCacheFile } from './workload-cache';

/**
 * Traces up to this many rows are read once per sweep, kept in shared memory (≈ 80 bytes a row: 2e6 rows ≈
 * 160 MB) and replayed by every run in every thread; longer traces stream from their source on every run
 * (each thread reopening it). Replaying gives the same events as re-reading: batches are immutable.
 */
export const TRACE_CACHE_MAX_EVENTS = 2_000_000;

/** The result of the prepare pass over one trace. */
export interface ScannedTrace {
  readonly scan: TraceScan;
  /** Present when the trace has at most the cache limit of rows. */
  readonly shared?: SharedTrace;
}

/**
 * One pass over a trace: `scanTrace` (footprint, digest, agents) and, while it reads, a copy of the batches
 * into shared memory when the trace stays within `maxEvents` rows. A scan remembered by an earlier sweep
 * (`scanMemoOf`) is used instead of recomputing it: the trace is then read only to share it, and not at all
 * when it is too long to share. With a `signal`, the pass yields to the
 * event loop every ~50 ms and stops (throwing the signal's reason) once it is aborted.
 */
export async function scanAndShare(ref: TraceRef, maxEvents = TRACE_CACHE_MAX_EVENTS, signal?: AbortSignal): Promise<ScannedTrace> {
  const source = await openSource(ref);
  const memo = scanMemoOf(ref, source);
  const known = rememberedScan(source.name, memo.known());
  // a remembered scan of a trace too long to share: nothing to read
  if (known && known.events > maxEvents) return { scan: known };
  let kept: EventBatch[] | undefined = [];
  let rows = 0;
  let meta: TraceMeta = {};
  let reader: TraceReader | undefined;
  const tee: Trace = {
    name: source.name,
    read(): TraceReader {
      const r = source.read();
      reader = r;
      return {
        get meta() {
          return r.meta;
        },
        strings: r.strings,
        log: r.log,
        async *[Symbol.asyncIterator]() {
          let yieldAt = Date.now() + 50;
          for await (const b of r) {
            if (signal && Date.now() >= yieldAt) {
              // generated traces never leave the microtask queue: let a SIGINT handler run, then stop if asked
              await new Promise<void>((resolve) => setImmediate(resolve));
              if (signal.aborted) throw signal.reason;
              yieldAt = Date.now() + 50;
            }
            rows += b.length;
            if (kept && rows <= maxEvents) kept.push(b);
            else kept = undefined;
            yield b;
          }
          meta = r.meta;
        },
      };
    },
  };
  let scan: TraceScan;
  if (known) {
    // read only to share the batches (the scan's digest, footprint and counts are remembered)
    for await (const _ of tee.read());
    scan = known;
  } else {
    scan = await scanTrace(tee);
    memo.remember(scan);
  }
  if (!kept || !reader) return { scan };
  return { scan, shared: shareBatches(source.name, kept, meta, reader.strings, reader.log.countsByCode()) };
}

/**
 * Where the scan of a sweep trace is remembered between sweeps: for a file, the import cache's memo of the
 * opened trace (`Trace.knownScan`: keyed by the source's content, importer and options); for a generated
 * workload, a memo beside its workload cache entry (`<key>.scan.json`: keyed by workload, parameters, seed and
 * the generators' code, so it can only describe these events); in-memory traces are not remembered.
 */
function scanMemoOf(ref: TraceRef, source: Trace): { known(): ScanFacts | undefined; remember(scan: TraceScan): void } {
  // the facts scanTrace itself remembers (src/run/run.ts)
  const facts = (s: TraceScan): ScanFacts => ({ digest: s.digest, footprintBytes: s.footprintBytes, ...(s.touchedBytes !== undefined ? { touchedBytes: s.touchedBytes } : {}), events: s.events, maxAgent: s.maxAgent });
  if (ref.kind === 'workload') {
    let file: string | undefined;
    try {
      file = scanMemoFor(workloadCacheFile(ref.workload, ref.set, ref.seed));
    } catch {
      file = undefined; // an unwritable cache folder: scan every time
    }
    return {
      known: () => (file === undefined ? undefined : readScanMemo(file, SCAN_VERSION)),
      remember: (s) => void (file !== undefined && writeScanMemo(file, SCAN_VERSION, facts(s))),
    };
  }
  return {
    known: () => source.knownScan?.(SCAN_VERSION),
    remember: (s) => source.rememberScan?.(SCAN_VERSION, facts(s)),
  };
}

const streamed = new Map<string, Promise<Trace>>();
const shared = new Map<string, Trace>();

/**
 * The trace of a sweep task in this thread: the shared copy when the task carries one (rebuilt once per
 * thread: views, no copy), else the source opened once per thread and streamed on every read.
 */
export async function taskTrace(key: string, ref: TraceRef | undefined, sharedTrace: SharedTrace | undefined): Promise<Trace> {
  if (sharedTrace) {
    let t = shared.get(key);
    if (!t) {
      t = sharedToTrace(sharedTrace);
      shared.set(key, t);
    }
    return t;
  }
  if (!ref) throw new Error('sweep: a task has neither a trace source nor a shared trace');
  let t = streamed.get(key);
  if (!t) {
    t = openSource(ref);
    streamed.set(key, t);
  }
  return t;
}

/** Forget every trace this thread holds (the sweep calls it when it ends). */
export function clearTraceCache(): void {
  streamed.clear();
  shared.clear();
}
