/**
 * Parameters of plug-ins (systems, policies, workloads, importers): the value types `--set`, item syntax
 * (`uvm:prefetch=none`) and `--opt` accept, and the documentation each parameter carries. The lowest layer
 * (docs/architecture.md §layers), so every plug-in folder can describe its parameters without importing
 * the engine.
 */

/** Parameter value types a plug-in accepts (from `--set`, item syntax and `--opt`). */
export type ParamValue = number | boolean | string;

/** Documentation of one parameter: what it means, its unit if numeric, and allowed values if an enum. */
export interface ParamDoc {
  readonly summary: string;
  readonly unit?: 'bytes' | 'ns' | 'fraction' | 'count';
  readonly values?: readonly string[];
}
