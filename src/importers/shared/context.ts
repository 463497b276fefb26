import { DiagnosticLog } from '../../log/collector';
import { fail, type Diagnostic } from '../../log/diagnostic';
import { StringTable } from '../../trace/strings';
import type { ImportContext } from '../types';

/** Observation rows by kind, in arrival order (recorded outcomes: faults, migrations, batch timings …). */
export type ObservationTables = Map<string, Array<Readonly<Record<string, number | string>>>>;

/** An `ImportContext` that also exposes the observation rows it collected. */
export interface CollectingImportContext extends ImportContext {
  readonly observations: ObservationTables;
}

export interface ImportContextOptions {
  readonly strict?: boolean;
  readonly log?: DiagnosticLog;
  readonly strings?: StringTable;
  readonly signal?: AbortSignal;
}

/**
 * A plain in-memory `ImportContext` (tests, notebooks, the CLI until a richer one exists): diagnostics go to
 * a `DiagnosticLog`, metadata to a record, observations to per-kind arrays. Default `strict: true`.
 */
export function createImportContext(file: string, opts: ImportContextOptions = {}): CollectingImportContext {
  const observations: ObservationTables = new Map();
  return {
    file,
    strict: opts.strict ?? true,
    log: opts.log ?? new DiagnosticLog(),
    strings: opts.strings ?? new StringTable(),
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    meta: {},
    observations,
    observe(kind, row) {
      let list = observations.get(kind);
      if (!list) observations.set(kind, (list = []));
      list.push(row);
    },
  };
}

/**
 * Report a structural problem of one record: thrown in strict mode, counted in the log (and the record
 * skipped by the caller) in lenient mode. Returns normally only in lenient mode.
 */
export function structural(ctx: ImportContext, d: Diagnostic): void {
  if (ctx.strict) fail(d);
  ctx.log.add(d);
}
