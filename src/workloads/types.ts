import type { EventBatch } from '../trace/batch';
import type { TraceMeta } from '../trace/trace';
import type { ParamDoc, ParamValue } from '../systems/types';

/** Workload ids of `gmemlab generate` (cli.md §7). */
export type WorkloadId =
  | 'game-remap'
  | 'ml-train'
  | 'rodinia-bfs'
  | 'rodinia-hotspot'
  | 'rodinia-fdtd'
  | 'rodinia-backprop'
  | 'rodinia-nw'
  | 'rodinia-pathfinder'
  | 'rodinia-srad'
  | 'nic-rx'
  | 'x97-vecadd'
  | 'x97-bp'
  | 'foreign-csv';

/**
 * A seeded workload generator: the same parameters and seed always give byte-identical output.
 * `generate` yields batches lazily (a 1e8-event trace is never fully in memory) sharing one string table.
 * `meta` holds the metadata lines written with the trace (`workload`, `seed`, `param.<name>` …).
 * A generator that writes a foreign dialect instead of canonical CSV provides `write`.
 */
export interface WorkloadDef<P extends Record<string, ParamValue> = Record<string, ParamValue>> {
  readonly name: WorkloadId;
  /** One line for `gmemlab workloads`, stating the default footprint. */
  readonly summary: string;
  readonly defaults: Readonly<P>;
  readonly params: Readonly<Record<keyof P & string, ParamDoc>>;
  generate(params: Readonly<P>, seed: number): Iterable<EventBatch>;
  meta(params: Readonly<P>, seed: number): TraceMeta;
  /** Custom writer (e.g. the foreign-csv dialect); default is canonical CSV. */
  write?(params: Readonly<P>, seed: number, target: string): Promise<void>;
}
