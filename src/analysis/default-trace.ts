import { isAbsolute, join } from 'node:path';
import { openTrace } from '../importers/open';
import type { Trace } from '../trace/trace';
import { PROJECT_ROOT } from '../version';
import { DEFAULT_SEED, defaultInstanceParams, defaultTracePath, generatedInstanceParams } from '../workloads/defaults';
import type { WorkloadParamInput } from '../workloads/params';
import type { WorkloadId } from '../workloads/types';
import { cachedWorkloadTrace } from './sweep/workload-cache';

/**
 * The default (paper-sized) instance of workload `id`, as notebooks and default commands use it: the committed
 * trace (`traces/<id>…`, DEFAULT_INSTANCE_PARAMS), or, for an instance too large to commit
 * (GENERATED_INSTANCE_PARAMS: the Rodinia kernels at ≥ 1 GiB), the generator's trace through the workload cache —
 * generated on its first complete read and read from the cache file afterwards (src/analysis/sweep/workload-cache.ts).
 * `set` overrides some of the instance's parameters (e.g. `{ pageBytes: '64KiB' }`): that variant is generated through the
 * cache too. `root` is where `traces/` lives (the project root).
 */
export async function defaultInstanceTrace(id: WorkloadId, set: WorkloadParamInput = {}, root: string = PROJECT_ROOT): Promise<Trace> {
  const generated = generatedInstanceParams(id);
  if (generated || Object.keys(set).length > 0) return cachedWorkloadTrace(id, { ...(generated ?? defaultInstanceParams(id)), ...set }, DEFAULT_SEED);
  const path = defaultTracePath(id);
  return openTrace(isAbsolute(path) ? path : join(root, path));
}
