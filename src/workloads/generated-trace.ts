import { DiagnosticLog } from '../log/collector';
import type { EventBatch } from '../trace/batch';
import { StringTable } from '../trace/strings';
import type { Trace, TraceMeta, TraceReader } from '../trace/trace';

/**
 * A re-readable trace over a generator: every `read()` starts a fresh string table and runs `batches` again
 * (generators are deterministic in their parameters and seed). The one wrapper behind `workloadTrace` and the
 * fast-path traces of the benchmark generators.
 */
export function generatedTrace(name: string, meta: TraceMeta, batches: (strings: StringTable) => Iterable<EventBatch>): Trace {
  return {
    name,
    read(): TraceReader {
      const strings = new StringTable();
      return {
        meta,
        strings,
        log: new DiagnosticLog(),
        [Symbol.asyncIterator]: async function* (): AsyncGenerator<EventBatch> {
          for (const b of batches(strings)) yield b;
        },
      };
    },
  };
}
