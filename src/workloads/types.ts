import type { EventBatch } from '../trace/batch';
import type { StringTable } from '../trace/strings';
import type { TraceMeta } from '../trace/trace';
import type { ParamDoc, ParamValue } from '../params';

/**
 * Workload ids of `gmemlab generate` (docs/cli.md §7), plus `synthetic-access` (an extension: the fast
 * access-stream generator used by benchmarks, docs/workloads.md).
 */
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
  | 'synthetic-access'
  | 'page-mix'
  | 'foreign-csv';

/**
 * A seeded workload generator: the same parameters and seed always give byte-identical output.
 * `generate` yields batches lazily (a 1e8-event trace is never fully in memory) sharing one string table
 * (`strings` when given, so a `TraceReader` can expose it before the first batch; a fresh one otherwise).
 * `meta` holds the metadata lines written with the trace (`workload`, `seed`, `param.<name>` …).
 * A generator that writes a foreign dialect instead of canonical CSV provides `write`.
 *
 * Parameters: `defaults` fixes each parameter's type (number, boolean or string); `params` documents each
 * one (numeric `unit` 'bytes'/'ns' values accept unit suffixes on the command line, `values` lists the
 * allowed strings). `validate` checks a resolved parameter set as a whole (ranges, integrality, relations)
 * and returns a problem text per bad parameter; generators may assume a validated set.
 */
export interface WorkloadDef<P extends Record<string, ParamValue> = Record<string, ParamValue>> {
  readonly name: WorkloadId;
  /** One line for `gmemlab workloads`, stating the default footprint. */
  readonly summary: string;
  readonly defaults: Readonly<P>;
  readonly params: Readonly<Record<keyof P & string, ParamDoc>>;
  /** Problems with a resolved parameter set, as `[param, expected]` pairs (empty = valid). */
  validate?(params: Readonly<P>): ReadonlyArray<readonly [keyof P & string, string]>;
  generate(params: Readonly<P>, seed: number, strings?: StringTable): Iterable<EventBatch>;
  meta(params: Readonly<P>, seed: number): TraceMeta;
  /** Custom writer (e.g. the foreign-csv dialect); default is canonical CSV. */
  write?(params: Readonly<P>, seed: number, target: string): Promise<void>;
}
