import { CSV_COLUMNS, type CsvColumn } from '../event';

/**
 * Column kinds of the canonical CSV as small integers (the row parser switches on them). `Ignored` is an
 * `x_…` column: carried in the file, never read.
 */
export const Col = {
  tNs: 0,
  op: 1,
  agent: 2,
  va: 3,
  bytes: 4,
  access: 5,
  advice: 6,
  target: 7,
  flags: 8,
  resource: 9,
  offset: 10,
  count: 11,
  pageBytes: 12,
  durNs: 13,
  label: 14,
  ignored: 15,
} as const;
/** One of the `Col` codes. */
export type ColKind = (typeof Col)[keyof typeof Col];

/** Canonical column name → kind (the index in `CSV_COLUMNS`). */
export function colKindOf(name: string): ColKind | -1 {
  const i = (CSV_COLUMNS as readonly string[]).indexOf(name);
  return i < 0 ? -1 : (i as ColKind);
}

/** Kind → canonical column name. */
export function colName(kind: ColKind): CsvColumn | 'x_' {
  return kind === Col.ignored ? 'x_' : CSV_COLUMNS[kind]!;
}

/**
 * The columns of one file: kind per field position, the name shown in messages for each field (the header
 * text, or for `--map` input the foreign column it came from), and where each canonical column sits.
 */
export interface ColumnLayout {
  readonly kinds: Uint8Array;
  readonly names: readonly string[];
  /** Canonical kind → field index, or -1 when the header lacks the column. */
  readonly indexOf: Int32Array;
}

/** Build a layout from field kinds and display names. */
export function makeLayout(kinds: readonly ColKind[], names: readonly string[]): ColumnLayout {
  const indexOf = new Int32Array(CSV_COLUMNS.length).fill(-1);
  kinds.forEach((k, i) => {
    if (k !== Col.ignored) indexOf[k] = i;
  });
  return { kinds: Uint8Array.from(kinds), names, indexOf };
}
