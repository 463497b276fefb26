import type { DiagnosticLog } from '../log/collector';
import type { InputFile } from '../io/input';
import type { EventBatch } from '../trace/batch';
import type { StringTable } from '../trace/strings';
import type { ParamDoc, ParamValue } from '../params';

/**
 * Input format ids (`--from`, docs/cli.md §1). `arrow` (added by trace-io) is gmemlab's own Arrow IPC trace
 * file (`import -o out.arrow`, and the import cache).
 */
export type FormatId =
  | 'csv'
  | 'arrow'
  | 'pytorch-snapshot'
  | 'kineto'
  | 'pytorch-timeline'
  | 'nsys-sqlite'
  | 'uvm-fault-log'
  | 'rocprofv3-csv'
  | 'rocprofv3-scratch'
  | 'gfxr-jsonl'
  | 'vma-json'
  | 'vma-recording';

/**
 * Context of one import pass. Importers report problems through `log` (warnings; in strict mode structural
 * errors are thrown as `GmemlabError` with file/line/col or offset), write metadata lines into `meta`
 * (`importer`, `source`, `synthesis`, `origin_unix_ns`, …), and put recorded outcomes that are not events
 * (faults, migrations, batch timings seen on real hardware) into `observations`.
 */
export interface ImportContext {
  /** The input path as given (for messages). */
  readonly file: string;
  readonly strict: boolean;
  readonly log: DiagnosticLog;
  /** Trace-wide string table every emitted batch must use. */
  readonly strings: StringTable;
  /** Metadata lines to attach to the trace (insertion order kept). */
  readonly meta: Record<string, string>;
  /** Observation rows: `kind` plus numeric/string columns (one table per kind when exported). */
  observe(kind: string, row: Readonly<Record<string, number | string>>): void;
  /**
   * Aborted when the user interrupts (SIGINT/SIGTERM in the CLI): importers with long loops that do no I/O
   * check it every few thousand steps and yield to the event loop (src/importers/shared/checkpoint.ts).
   */
  readonly signal?: AbortSignal;
}

/**
 * One input format. `read` streams the input and yields batches in time order (importers of unordered
 * sources sort stably). Options are a flat record, documented, settable from the CLI (`--opt key=value`).
 * Bump `version` when the output for the same input changes: cached imports keyed by it go stale.
 */
export interface ImporterDef<O extends Record<string, ParamValue> = Record<string, ParamValue>> {
  readonly name: FormatId;
  /** One line for `gmemlab formats`. */
  readonly summary: string;
  readonly version: number;
  readonly defaults: Readonly<O>;
  readonly options: Readonly<Record<keyof O & string, ParamDoc>>;
  /** True if `head` (first decompressed bytes) looks like this format. Must not throw. */
  sniff(head: Uint8Array, fileName: string): boolean;
  read(input: InputFile, opts: Readonly<O>, ctx: ImportContext): AsyncIterable<EventBatch>;
}
