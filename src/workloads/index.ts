import { foreignCsvWorkload } from './foreign-csv';
import type { WorkloadDef, WorkloadId } from './types';

/**
 * The workload registry (`gmemlab generate`, `gmemlab workloads`). Owned by the workloads engineer; this
 * file was started by trace-io with its own entry only. Adding a workload: one line here.
 */
export const workloads = {
  'foreign-csv': foreignCsvWorkload,
} satisfies { readonly [K in WorkloadId]?: WorkloadDef<any> };
