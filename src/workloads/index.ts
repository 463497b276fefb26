import { fail } from '../log/diagnostic';
import { workloadMessages } from '../log/messages/workloads';
import { rodiniaBackprop } from './rodinia/backprop';
import { rodiniaBfs } from './rodinia/bfs';
import { rodiniaFdtd } from './rodinia/fdtd';
import { rodiniaHotspot } from './rodinia/hotspot';
import { rodiniaNw } from './rodinia/nw';
import { rodiniaPathfinder } from './rodinia/pathfinder';
import { rodiniaSrad } from './rodinia/srad';
import type { WorkloadDef, WorkloadId } from './types';

/**
 * Workload ids whose generator lives on another branch and is registered there (`foreign-csv`: trace-io).
 * Remove an id from this list when adding its entry below; the compiler then requires the entry.
 */
type PendingWorkloadId = 'foreign-csv';

/**
 * The workload registry (cli.md §7): every generator by id, compiler-checked (a missing or misspelt entry
 * fails typecheck). Adding a workload: its folder or file in src/workloads/, one line here, its section in
 * docs/workloads.md and its committed default trace (`npm run traces`).
 */
export const workloads: { readonly [K in Exclude<WorkloadId, PendingWorkloadId>]: WorkloadDef<any> } & {
  readonly [K in PendingWorkloadId]?: WorkloadDef<any>;
} = {
  'rodinia-bfs': rodiniaBfs,
  'rodinia-hotspot': rodiniaHotspot,
  'rodinia-fdtd': rodiniaFdtd,
  'rodinia-backprop': rodiniaBackprop,
  'rodinia-nw': rodiniaNw,
  'rodinia-pathfinder': rodiniaPathfinder,
  'rodinia-srad': rodiniaSrad,
} as any;

/** Registered workload ids, in registry order. */
export function workloadIds(): WorkloadId[] {
  return (Object.keys(workloads) as WorkloadId[]).filter((k) => workloads[k] !== undefined);
}

/** The definition of `id`; an unknown id is bad input listing the known ones. */
export function getWorkload(id: string): WorkloadDef<any> {
  const def = (workloads as Record<string, WorkloadDef<any> | undefined>)[id];
  if (!def) fail(workloadMessages.unknownWorkload({}, id, workloadIds()));
  return def;
}
