import { fail } from '../log/diagnostic';
import { workloadMessages } from '../log/messages/workloads';
import { rodiniaBackprop } from './rodinia/backprop';
import { rodiniaBfs } from './rodinia/bfs';
import { rodiniaFdtd } from './rodinia/fdtd';
import { rodiniaHotspot } from './rodinia/hotspot';
import { rodiniaNw } from './rodinia/nw';
import { rodiniaPathfinder } from './rodinia/pathfinder';
import { rodiniaSrad } from './rodinia/srad';
import { gameRemap } from './game-remap/index';
import { mlTrain } from './ml-train/index';
import { foreignCsvWorkload } from './foreign-csv';
import { nicRx } from './nic-rx/index';
import { pageMix } from './page-mix/index';
import { syntheticAccess } from './synthetic-access';
import type { WorkloadDef, WorkloadId } from './types';
import { x97Bp } from './x97/bp';
import { x97VecAdd } from './x97/vecadd';

/**
 * The workload registry (docs/cli.md §7): every generator by id, compiler-checked (a missing or misspelt entry
 * fails typecheck). Adding a workload: its folder or file in src/workloads/, one line here, its section in
 * docs/workloads.md and its committed default trace (`npm run traces`).
 */
export const workloads: { readonly [K in WorkloadId]: WorkloadDef<any> } = {
  'game-remap': gameRemap,
  'ml-train': mlTrain,
  'rodinia-bfs': rodiniaBfs,
  'rodinia-hotspot': rodiniaHotspot,
  'rodinia-fdtd': rodiniaFdtd,
  'rodinia-backprop': rodiniaBackprop,
  'rodinia-nw': rodiniaNw,
  'rodinia-pathfinder': rodiniaPathfinder,
  'rodinia-srad': rodiniaSrad,
  'nic-rx': nicRx,
  'x97-vecadd': x97VecAdd,
  'x97-bp': x97Bp,
  'synthetic-access': syntheticAccess,
  'page-mix': pageMix,
  'foreign-csv': foreignCsvWorkload,
};

/** Registered workload ids, in registry order. */
export function workloadIds(): WorkloadId[] {
  return Object.keys(workloads) as WorkloadId[];
}

/** The definition of `id`; an unknown id is bad input listing the known ones. */
export function getWorkload(id: string): WorkloadDef<any> {
  const own = Object.prototype.hasOwnProperty.call(workloads, id);
  const def = own ? (workloads as Record<string, WorkloadDef<any> | undefined>)[id] : undefined;
  if (!def) fail(workloadMessages.unknownWorkload({}, id, workloadIds()));
  return def;
}
