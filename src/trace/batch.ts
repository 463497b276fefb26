import {
  Access, ACCESS_NAMES, Advice, ADVICE_NAMES, agentFromName, agentName, CPU, Flag, FLAG_NAMES, markerKindOf, NO_AGENT,
  Op, OP_NAMES, type FlagName, type TraceEvent,
} from './event';
import { StringTable } from './strings';

// Module-local copy: imported bindings compile to getter calls under tsx (CommonJS), too slow for addRow.
const NOT_GIVEN_AGENT = NO_AGENT;

/** Default rows per batch. */
export const BATCH_ROWS = 65_536;

/**
 * A columnar chunk of events: the transport and simulation form. Row `i` of every column is one event.
 * Numeric "not given" is NaN in float columns (`va`, `bytes`, `pageBytes`, `durNs`), `NO_AGENT` in `target`,
 * 0 in `access`/`code`/`resource`/`label`. Rows are ordered by `tNs`, ties in input order.
 */
export interface EventBatch {
  readonly length: number;
  readonly op: Uint8Array;
  readonly agent: Uint16Array;
  readonly target: Uint16Array;
  /** ns since the trace origin; exact integers < 2^53. */
  readonly tNs: Float64Array;
  readonly va: Float64Array;
  readonly bytes: Float64Array;
  readonly offsetBytes: Float64Array;
  readonly pageBytes: Float64Array;
  readonly durNs: Float64Array;
  /** `Access` code on access rows. */
  readonly access: Uint8Array;
  /** `Advice` code on advise rows, `MarkerKind` on marker rows. */
  readonly code: Uint8Array;
  readonly flags: Uint32Array;
  readonly count: Uint32Array;
  /** `StringTable` ids (0 = none). */
  readonly resource: Uint32Array;
  readonly label: Uint32Array;
  /** The trace-wide string table the ids refer to. */
  readonly strings: StringTable;
}

type Columns = { -readonly [K in Exclude<keyof EventBatch, 'length' | 'strings'>]: EventBatch[K] };

function allocColumns(n: number): Columns {
  return {
    op: new Uint8Array(n),
    agent: new Uint16Array(n),
    target: new Uint16Array(n),
    tNs: new Float64Array(n),
    va: new Float64Array(n),
    bytes: new Float64Array(n),
    offsetBytes: new Float64Array(n),
    pageBytes: new Float64Array(n),
    durNs: new Float64Array(n),
    access: new Uint8Array(n),
    code: new Uint8Array(n),
    flags: new Uint32Array(n),
    count: new Uint32Array(n),
    resource: new Uint32Array(n),
    label: new Uint32Array(n),
  };
}

/** The first `n` rows of a batch as views (no copy): the last, partial batch of a refilled buffer. */
export function batchHead(b: EventBatch, n: number): EventBatch {
  const s = <T extends { subarray(a: number, z: number): T }>(a: T): T => a.subarray(0, n);
  return {
    length: n, op: s(b.op), agent: s(b.agent), target: s(b.target), tNs: s(b.tNs), va: s(b.va), bytes: s(b.bytes),
    offsetBytes: s(b.offsetBytes), pageBytes: s(b.pageBytes), durNs: s(b.durNs), access: s(b.access), code: s(b.code),
    flags: s(b.flags), count: s(b.count), resource: s(b.resource), label: s(b.label), strings: b.strings,
  };
}

/**
 * Builds batches row by row without per-row allocation. `addRow` fills the required fields and sets every
 * optional column to its "not given" value; set optional columns afterwards through `cols` at the returned
 * index. When `full` is true, call `take()` to get the batch and start a new one.
 */
export class BatchBuilder {
  cols: Columns;
  length = 0;
  constructor(readonly strings: StringTable = new StringTable(), readonly capacity: number = BATCH_ROWS) {
    this.cols = allocColumns(capacity);
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  addRow(op: number, tNs: number, agent: number, va: number, bytes: number): number {
    const i = this.length++;
    const c = this.cols;
    c.op[i] = op;
    c.tNs[i] = tNs;
    c.agent[i] = agent;
    c.va[i] = va;
    c.bytes[i] = bytes;
    c.target[i] = NOT_GIVEN_AGENT;
    c.offsetBytes[i] = NaN;
    c.pageBytes[i] = NaN;
    c.durNs[i] = NaN;
    c.access[i] = 0;
    c.code[i] = 0;
    c.flags[i] = 0;
    c.count[i] = 1;
    c.resource[i] = 0;
    c.label[i] = 0;
    return i;
  }

  /** The rows added so far as a batch (views trimmed to `length`); the builder starts a fresh buffer. */
  take(): EventBatch {
    const n = this.length;
    const c = this.cols;
    const batch: EventBatch = {
      length: n,
      op: c.op.subarray(0, n),
      agent: c.agent.subarray(0, n),
      target: c.target.subarray(0, n),
      tNs: c.tNs.subarray(0, n),
      va: c.va.subarray(0, n),
      bytes: c.bytes.subarray(0, n),
      offsetBytes: c.offsetBytes.subarray(0, n),
      pageBytes: c.pageBytes.subarray(0, n),
      durNs: c.durNs.subarray(0, n),
      access: c.access.subarray(0, n),
      code: c.code.subarray(0, n),
      flags: c.flags.subarray(0, n),
      count: c.count.subarray(0, n),
      resource: c.resource.subarray(0, n),
      label: c.label.subarray(0, n),
      strings: this.strings,
    };
    this.cols = allocColumns(this.capacity);
    this.length = 0;
    return batch;
  }

  /**
   * Append one authoring-form event (allocates; for edges, tests and small importers). The event is assumed
   * valid: use `validateEvent` first for untrusted input. Unknown names throw (a programming error).
   */
  push(e: TraceEvent): number {
    const agent = e.agent === undefined ? CPU : agentFromName(e.agent);
    if (agent < 0) throw new Error(`unknown agent ${e.agent}`);
    const i = this.addRow(Op[e.op], e.tNs, agent, e.va ?? NaN, e.bytes ?? NaN);
    const c = this.cols;
    if (e.target !== undefined) {
      const t = agentFromName(e.target);
      if (t < 0) throw new Error(`unknown target ${e.target}`);
      c.target[i] = t;
    }
    if (e.access !== undefined) c.access[i] = Access[e.access];
    if (e.advice !== undefined) c.code[i] = Advice[e.advice];
    if (e.op === 'marker') c.code[i] = markerKindOf(e.label ?? '');
    if (e.flags !== undefined) c.flags[i] = flagBits(e.flags);
    if (e.resource !== undefined) c.resource[i] = this.strings.intern(e.resource);
    if (e.label !== undefined) c.label[i] = this.strings.intern(e.label);
    if (e.offsetBytes !== undefined) c.offsetBytes[i] = e.offsetBytes;
    if (e.count !== undefined) c.count[i] = e.count;
    if (e.pageBytes !== undefined) c.pageBytes[i] = e.pageBytes;
    if (e.durNs !== undefined) c.durNs[i] = e.durNs;
    return i;
  }
}

function flagBits(names: readonly FlagName[]): number {
  let bits = 0;
  for (const n of names) {
    const b = Flag[n];
    if (b === undefined) throw new Error(`unknown flag ${n}`);
    bits |= b;
  }
  return bits;
}

/** Authoring events → batches (one shared string table). */
export function eventsToBatches(
  events: Iterable<TraceEvent>,
  strings: StringTable = new StringTable(),
  rows: number = BATCH_ROWS,
): EventBatch[] {
  const b = new BatchBuilder(strings, rows);
  const out: EventBatch[] = [];
  for (const e of events) {
    b.push(e);
    if (b.full) out.push(b.take());
  }
  if (b.length > 0 || out.length === 0) out.push(b.take());
  return out;
}

/** Row `i` of a batch in authoring form (allocates; for edges, tests and debugging). */
export function rowToEvent(b: EventBatch, i: number): TraceEvent {
  const op = OP_NAMES[b.op[i]!]!;
  const e: Record<string, unknown> = { op, tNs: b.tNs[i] };
  e.agent = agentName(b.agent[i]!);
  if (!Number.isNaN(b.va[i]!)) e.va = b.va[i];
  if (!Number.isNaN(b.bytes[i]!)) e.bytes = b.bytes[i];
  if (b.access[i]) e.access = ACCESS_NAMES[b.access[i]!];
  if (op === 'advise' && b.code[i]) e.advice = ADVICE_NAMES[b.code[i]!];
  if (b.target[i] !== NO_AGENT) e.target = agentName(b.target[i]!);
  if (b.flags[i]) e.flags = FLAG_NAMES.filter((n) => b.flags[i]! & Flag[n]);
  if (b.resource[i]) e.resource = b.strings.get(b.resource[i]!);
  if (!Number.isNaN(b.offsetBytes[i]!)) e.offsetBytes = b.offsetBytes[i];
  if (b.count[i] !== 1) e.count = b.count[i];
  if (!Number.isNaN(b.pageBytes[i]!)) e.pageBytes = b.pageBytes[i];
  if (!Number.isNaN(b.durNs[i]!)) e.durNs = b.durNs[i];
  if (b.label[i]) e.label = b.strings.get(b.label[i]!);
  return e as unknown as TraceEvent;
}

/** All rows of the batches in authoring form. */
export function batchesToEvents(batches: Iterable<EventBatch>): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const b of batches) for (let i = 0; i < b.length; i++) out.push(rowToEvent(b, i));
  return out;
}
