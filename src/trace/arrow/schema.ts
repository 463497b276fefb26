import { OP_CSV_NAMES } from '../event';
import { arrowTypes as t, type Field, type Schema } from './flechette-internal';

/**
 * The Arrow layout of a gmemlab trace (`import -o out.arrow` and the import cache). One record batch per
 * `EventBatch`, columns mirroring it so loading is zero-copy: numbers as float64 (NaN = not given, exact
 * integers < 2^53), codes as small integers, and names as dictionaries so that arquero (`aq.loadArrow`)
 * shows readable values: `op` (fixed dictionary of the canonical op names), `agent`/`target` (`cpu`,
 * `dev0`, …; the key is the agent code, the dictionary grows by deltas; `target` is null when not given),
 * `access` (`''`, `r`, `w`, `rw`, `atomic`; key = `Access` code), `resource`/`label` (key = the trace's
 * `StringTable` id, the dictionary grows by deltas; `''` = none). `code` is the advice code of advise rows
 * and the marker kind of marker rows; `flags` the `Flag` bits.
 * File-level metadata (footer) holds the trace digest, metadata lines, import diagnostics and a SHA-256 of
 * every message block, so a damaged file is detected before any of its batches is used.
 */
export const ARROW_FORMAT = 'gmemlab-events-arrow';
/** Version of the layout (2: CRC-32 block checksums); files of another version are not read. */
export const ARROW_FORMAT_VERSION = 2;

/** Dictionary ids of the dictionary-encoded columns. */
export const Dict = { op: 0, agent: 1, target: 2, access: 3, resource: 4, label: 5 } as const;

/** Column names in file order. */
export const ARROW_COLUMNS = [
  't_ns', 'op', 'agent', 'target', 'va', 'bytes', 'offset', 'page_bytes', 'dur_ns', 'access', 'code', 'flags', 'count',
  'resource', 'label',
] as const;

/** Fixed dictionary values of `op` (by op code). */
export const OP_DICTIONARY: readonly string[] = OP_CSV_NAMES;
/** Fixed dictionary values of `access` (by access code; 0 = none). */
export const ACCESS_DICTIONARY: readonly string[] = ['', 'r', 'w', 'rw', 'atomic'];

/** The Arrow schema of a gmemlab trace file (column order = `ARROW_COLUMNS`). */
export function traceSchema(): Schema {
  const f = (name: string, type: Field['type'], nullable = false): Field => t.field(name, type, nullable, null);
  return {
    fields: [
      f('t_ns', t.float64()),
      f('op', t.dictionary(t.utf8(), t.int8(), false, Dict.op)),
      f('agent', t.dictionary(t.utf8(), t.uint16(), false, Dict.agent)),
      f('target', t.dictionary(t.utf8(), t.uint16(), false, Dict.target), true),
      f('va', t.float64()),
      f('bytes', t.float64()),
      f('offset', t.float64()),
      f('page_bytes', t.float64()),
      f('dur_ns', t.float64()),
      f('access', t.dictionary(t.utf8(), t.uint8(), false, Dict.access)),
      f('code', t.uint8()),
      f('flags', t.uint32()),
      f('count', t.uint32()),
      f('resource', t.dictionary(t.utf8(), t.uint32(), false, Dict.resource)),
      f('label', t.dictionary(t.utf8(), t.uint32(), false, Dict.label)),
    ],
    metadata: new Map([
      ['gmemlab.format', ARROW_FORMAT],
      ['gmemlab.format_version', String(ARROW_FORMAT_VERSION)],
    ]),
  };
}

/** What the footer metadata `gmemlab.trace` holds (JSON), checked by `gmemlab.trace_sha256`. */
export interface ArrowTraceInfo {
  readonly format: string;
  readonly version: number;
  readonly rows: number;
  /** `TraceDigest` of the events. */
  readonly digest: string;
  /** Trace metadata lines, in order. */
  readonly meta: Record<string, string>;
  /** Diagnostics of the import that produced the file: counts by code and the kept examples. */
  readonly log: { readonly counts: Record<string, number>; readonly examples: readonly unknown[] };
  /** Checksum of the blocks (checksum.ts). */
  readonly checksum: 'crc32' | 'sha256';
  /** Every message after the schema, in file order, with the checksum of its bytes. */
  readonly blocks: ReadonlyArray<{
    readonly kind: 'dictionary' | 'record';
    readonly offset: number;
    readonly length: number;
    readonly check: string;
  }>;
}
