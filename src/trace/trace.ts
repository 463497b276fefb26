import { DiagnosticLog } from '../log/collector';
import type { EventBatch } from './batch';
import { StringTable } from './strings';

/**
 * Trace metadata: the `# key=value` lines of a canonical CSV (`format`, `version`, `origin_unix_ns`,
 * `source`, `source_sha256`, `importer`, `devices`, `synthesis`, and generator keys such as `workload`,
 * `seed`, `param.<name>`). Key order is preserved and is the order written back.
 */
export type TraceMeta = Readonly<Record<string, string>>;

/**
 * One pass over a trace. Iterate it to get the batches; `meta` is complete once the first batch has been
 * yielded (readers parse the header first). `log` collects warnings and, in lenient mode, skipped-row counts.
 */
export interface TraceReader extends AsyncIterable<EventBatch> {
  readonly meta: TraceMeta;
  readonly strings: StringTable;
  readonly log: DiagnosticLog;
}

/**
 * A re-readable trace: each `read()` is an independent pass from the start (simulations read a trace more
 * than once, e.g. a footprint pass before `--oversub`). Files are streamed, never loaded whole.
 */
export interface Trace {
  /** Display name: the file path or `workload:<id>`. */
  readonly name: string;
  read(): TraceReader;
  /**
   * The facts a complete earlier pass over this exact content established (`scanTrace`'s result of the given
   * scan version, without the name), when the trace keeps them — `openTrace` does, in the import cache, keyed
   * by the source's content hash — or undefined. Optional: in-memory and generated traces keep nothing.
   */
  knownScan?(version: number): Readonly<Record<string, number | string>> | undefined;
  /** Keep the facts of a complete pass (see `knownScan`); best effort, never throws. */
  rememberScan?(version: number, facts: Readonly<Record<string, number | string>>): void;
}

/** A trace held in memory (generated in a notebook, or small test traces). */
export function memoryTrace(name: string, batches: readonly EventBatch[], meta: TraceMeta = {}): Trace {
  const strings = batches[0]?.strings ?? new StringTable();
  return {
    name,
    read(): TraceReader {
      const log = new DiagnosticLog();
      return {
        meta,
        strings,
        log,
        async *[Symbol.asyncIterator]() {
          for (const b of batches) yield b;
        },
      };
    },
  };
}

/**
 * `trace`, remembering the facts of its first complete scan in memory (`knownScan` / `rememberScan`), for a trace
 * whose rows its owner never changes (an in-memory trace a figure context holds for many runs): every later run on
 * it skips the scan pass (digest, footprint, touched pages), as runs on an unchanged imported file do. A trace that
 * already remembers its scans (an imported file's cache) is returned as it is.
 */
export function rememberingScans(trace: Trace): Trace {
  if (trace.knownScan) return trace;
  const facts = new Map<number, Readonly<Record<string, number | string>>>();
  return {
    name: trace.name,
    read: () => trace.read(),
    knownScan: (version) => facts.get(version),
    rememberScan: (version, f) => void facts.set(version, { ...f }),
  };
}

/** Read a whole trace into memory (for small traces, tests and notebooks). */
export async function collectBatches(trace: Trace): Promise<{ batches: EventBatch[]; reader: TraceReader }> {
  const reader = trace.read();
  const batches: EventBatch[] = [];
  for await (const b of reader) batches.push(b);
  return { batches, reader };
}
