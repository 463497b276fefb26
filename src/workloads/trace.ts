import { DiagnosticLog } from '../log/collector';
import type { EventBatch } from '../trace/batch';
import { StringTable } from '../trace/strings';
import type { Trace, TraceReader } from '../trace/trace';
import { getWorkload } from './index';
import { checkSeed, resolveWorkloadParams, type WorkloadParamInput } from './params';
import type { WorkloadId } from './types';

/**
 * A generated workload as a re-readable `Trace` (notebooks, tests, `run` on a generator without a file).
 * Parameters are resolved and validated up front (bad ids, parameters or seeds throw `GmemlabError`); each
 * `read()` regenerates the trace lazily from the start, batch by batch, so a 1e8-event trace streams in
 * bounded memory and two reads give identical events. `params` values may be typed or text with units
 * (`{ pageBytes: '64KiB' }`), as on the command line.
 */
export function workloadTrace(id: WorkloadId | string, params: WorkloadParamInput = {}, seed: number = 0): Trace {
  const def = getWorkload(id);
  const resolved = resolveWorkloadParams(def, params);
  const s = checkSeed(seed);
  const meta = def.meta(resolved, s);
  return {
    name: `workload:${def.name}`,
    read(): TraceReader {
      const strings = new StringTable();
      return {
        meta,
        strings,
        log: new DiagnosticLog(),
        [Symbol.asyncIterator]: async function* (): AsyncGenerator<EventBatch> {
          for (const b of def.generate(resolved, s, strings)) yield b;
        },
      };
    },
  };
}
