import type { Trace } from '../trace/trace';
import { generatedTrace } from './generated-trace';
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
  return generatedTrace(`workload:${def.name}`, def.meta(resolved, s), (strings) => def.generate(resolved, s, strings));
}
