import type { EventBatch } from '../../trace/batch';
import { StringTable } from '../../trace/strings';
import { memoryTrace, type Trace, type TraceMeta } from '../../trace/trace';

/** Column names of an `EventBatch` (everything but `length` and `strings`). */
const COLUMNS = ['op', 'agent', 'target', 'tNs', 'va', 'bytes', 'offsetBytes', 'pageBytes', 'durNs', 'access', 'code', 'flags', 'count', 'resource', 'label'] as const;
type ColumnName = (typeof COLUMNS)[number];
type TypedColumn = EventBatch[ColumnName];

/**
 * A trace in shared memory: every column of every batch concatenated into one `SharedArrayBuffer`-backed
 * typed array, plus the batch lengths, the string table as a list and the metadata. Posting it to a worker
 * thread shares the columns instead of copying them, so a sweep reads (or generates) a trace once and every
 * thread replays the same bytes.
 */
export interface SharedTrace {
  readonly name: string;
  readonly meta: TraceMeta;
  /** `StringTable` entries by id (index 0 = ''). */
  readonly strings: readonly string[];
  readonly batchLengths: readonly number[];
  readonly columns: { readonly [K in ColumnName]: EventBatch[K] };
  /**
   * Warning counts by code of the pass that read the trace (lenient-import skips, semantic-check warnings):
   * every replay's reader log starts with them, so results record them as a streamed read would.
   */
  readonly warnings?: Readonly<Record<string, number>>;
}

/** Copy batches (sharing one string table) into shared memory; `warnings` = the reading pass's counts by code. */
export function shareBatches(name: string, batches: readonly EventBatch[], meta: TraceMeta, strings: StringTable, warnings: Readonly<Record<string, number>> = {}): SharedTrace {
  const total = batches.reduce((n, b) => n + b.length, 0);
  const columns = {} as Record<ColumnName, TypedColumn>;
  for (const c of COLUMNS) {
    const proto = (batches[0]?.[c] ?? new Float64Array(0)) as TypedColumn;
    const Ctor = proto.constructor as new (buf: SharedArrayBuffer) => TypedColumn;
    const col = new Ctor(new SharedArrayBuffer(Math.max(1, total) * proto.BYTES_PER_ELEMENT));
    let at = 0;
    for (const b of batches) {
      col.set(b[c].subarray(0, b.length) as never, at);
      at += b.length;
    }
    columns[c] = col;
  }
  const list: string[] = [];
  for (let i = 0; i < strings.size; i++) list.push(strings.get(i));
  return { name, meta, strings: list, batchLengths: batches.map((b) => b.length), columns: columns as SharedTrace['columns'], warnings: { ...warnings } };
}

/** A re-readable trace over shared columns (no copy): batches are views with the original boundaries. */
export function sharedToTrace(s: SharedTrace): Trace {
  const strings = new StringTable();
  for (let i = 1; i < s.strings.length; i++) strings.intern(s.strings[i]!);
  const batches: EventBatch[] = [];
  let at = 0;
  for (const n of s.batchLengths) {
    const b: Record<string, unknown> = { length: n, strings };
    for (const c of COLUMNS) b[c] = s.columns[c].subarray(at, at + n);
    batches.push(b as unknown as EventBatch);
    at += n;
  }
  const base = memoryTrace(s.name, batches, s.meta);
  const warnings = Object.entries(s.warnings ?? {});
  return {
    name: base.name,
    read() {
      const r = base.read();
      for (const [code, n] of warnings) r.log.addCount(code, n);
      return r;
    },
  };
}
