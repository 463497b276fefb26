/** The agents of the GPUs a source names by index (`numberGpus`). */
export interface GpuNumbering {
  /** The GPUs that occur, ascending. */
  readonly gpus: readonly number[];
  /** GPU index → agent code (dev0 = 1). */
  readonly agentOf: ReadonlyMap<number, number>;
  /** The metadata `device_map`: `dev0=gpu1 dev1=gpu3`. */
  readonly deviceMap: string;
}

/**
 * The agents of the GPUs that occur in a source (docs/importers.md, the Agents rule): with `compact` (the importers'
 * `compactDevices` option, default on) they are dev0, dev1, … in ascending GPU order, so that a trace of cuda:1 runs
 * on a one-device platform; without, GPU N is devN. Kineto and the snapshot importer share it.
 */
export function numberGpus(occurring: Iterable<number>, compact: boolean): GpuNumbering {
  const gpus = [...new Set(occurring)].sort((a, b) => a - b);
  const agentOf = new Map<number, number>(gpus.map((d, k) => [d, (compact ? k : d) + 1]));
  return { gpus, agentOf, deviceMap: gpus.map((d) => `dev${agentOf.get(d)! - 1}=gpu${d}`).join(' ') };
}
