import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as Papa from 'papaparse';
import { fail } from '../log/diagnostic';
import { figureMessages } from '../log/messages/figures';
import { PROJECT_ROOT } from '../version';

/**
 * The published reference numbers (datasets/reference/*.csv, transcribed from docs/reference-results.md
 * with a source column) as typed rows and arquero tables. Figures and notebooks read published numbers only
 * through this module: never type them into code.
 *
 * File format: an optional first line starting with `#` (the table's description, kept as `description`), a
 * header, then RFC 4180 rows. Every file has a fixed schema below; a missing column, an extra column, a cell
 * that is not a number where one is expected, or an empty cell in a required column is an error naming the
 * file, line and field (`figures.reference-*`). Numbers are plain decimals (no units, no thousands separators).
 */

/** Cell types: `n` number, `n?` number or empty (→ null), `s` text, `s?` text or empty (→ null). */
export type ColumnType = 'n' | 'n?' | 's' | 's?';

/** The schema of every reference table: column → type, in file order. */
export const REFERENCE_SCHEMAS = {
  /** UVMSmart (ISCA'19) simulated runtimes; `slowdown` vs the same benchmark's no-oversubscription TBN run. */
  'isca19-uvmsmart-runtimes': {
    config: 's', label: 's', oversub_pct: 'n', prefetch: 's', eviction: 's', benchmark: 's', runtime_us: 'n', slowdown: 'n', kind: 's', source: 's', note: 's?',
  },
  /** Measured H2D cudaMemcpy time by size, GTX 1080 Ti on PCIe 3 x16. */
  'gtx1080ti-transfer-time': { size_bytes: 'n', time_us: 'n', rate_gibps: 'n', rate_gbps: 'n', kind: 's', source: 's' },
  /** Real GTX 1080 Ti oversubscription runs (nvprof), labels 100/125/150. */
  'gtx1080ti-real-oversub': {
    app: 's', oversub_pct: 'n', main_kernel_s: 'n', slowdown: 'n', h2d_migrations: 'n?', h2d_bytes: 'n?', d2h_bytes: 'n?', fault_groups: 'n?', fault_group_total_s: 'n?', kind: 's', source: 's',
  },
  /** Allen & Ge (SC'21) figure readings (±20 %). */
  'sc21-uvm-readings': { reading: 's', description: 's', unit: 's', low: 'n', high: 'n', kind: 's', figure: 's', source: 's' },
  /** GMEM's own quantitative claims. */
  'gmem-claims': { claim: 's', description: 's', stated: 's', unit: 's', value: 'n', kind: 's', source: 's', workbench_check: 's' },
  /** Memory-management code sizes (claims). */
  'mm-code-size': { codebase: 's', description: 's', lines: 'n', lines_high: 'n?', kind: 's', source: 's' },
  /** Claims of the RFC review thread the workbench tests (the-debate notebook). */
  'rfc-thread-claims': { claim: 's', statement: 's', who: 's', status: 's', test: 's' },
} as const satisfies Record<string, Record<string, ColumnType>>;

export type ReferenceName = keyof typeof REFERENCE_SCHEMAS;
/** The reference table names, in schema order. */
export const REFERENCE_NAMES = Object.keys(REFERENCE_SCHEMAS) as ReferenceName[];

type CellOf<T extends ColumnType> = T extends 'n' ? number : T extends 'n?' ? number | null : T extends 's' ? string : string | null;
/** The typed row of reference table `N`. */
export type ReferenceRow<N extends ReferenceName> = { -readonly [K in keyof (typeof REFERENCE_SCHEMAS)[N]]: CellOf<(typeof REFERENCE_SCHEMAS)[N][K] & ColumnType> };

export type Isca19Row = ReferenceRow<'isca19-uvmsmart-runtimes'>;
export type TransferTimeRow = ReferenceRow<'gtx1080ti-transfer-time'>;
export type RealOversubRow = ReferenceRow<'gtx1080ti-real-oversub'>;
export type Sc21Reading = ReferenceRow<'sc21-uvm-readings'>;
export type GmemClaim = ReferenceRow<'gmem-claims'>;
export type CodeSizeRow = ReferenceRow<'mm-code-size'>;
export type RfcClaim = ReferenceRow<'rfc-thread-claims'>;

/** A loaded reference table. */
export interface ReferenceTable<N extends ReferenceName> {
  readonly name: N;
  /** The file's `#` description line without the `#` (empty when the file has none). */
  readonly description: string;
  /** Path as given to the loader (relative to the project root when inside it). */
  readonly path: string;
  /** Typed rows in file order. */
  readonly rows: ReadonlyArray<Readonly<ReferenceRow<N>>>;
  /** The same rows as an arquero table (columns in file order). */
  readonly table: ColumnTable;
}

/** Folder of the bundled reference tables. */
export const REFERENCE_DIR = join(PROJECT_ROOT, 'datasets', 'reference');

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Load reference table `name` from `dir` (default: the project's datasets/reference). Pure apart from reading
 * the file; throws `GmemlabError` (`figures.reference-*`) on a missing file or a malformed cell.
 *
 * @example loadReference('gtx1080ti-transfer-time').rows.map((r) => r.time_us)
 */
export function loadReference<N extends ReferenceName>(name: N, dir: string = REFERENCE_DIR): ReferenceTable<N> {
  const schema = REFERENCE_SCHEMAS[name] as Readonly<Record<string, ColumnType>>;
  if (!schema) fail(figureMessages.unknownFigure({}, String(name), REFERENCE_NAMES));
  const file = join(dir, `${name}.csv`);
  const shown = file.startsWith(PROJECT_ROOT) ? relative(PROJECT_ROOT, file) : file;
  if (!existsSync(file)) fail(figureMessages.referenceMissing({ file: shown }, name, dir));
  return parseReference(name, readFileSync(file, 'utf8'), shown);
}

/** Parse the text of reference table `name` (see `loadReference`); `file` names it in errors. */
export function parseReference<N extends ReferenceName>(name: N, text: string, file: string = `${name}.csv`): ReferenceTable<N> {
  const schema = REFERENCE_SCHEMAS[name] as Readonly<Record<string, ColumnType>>;
  let body = text.replace(/^\uFEFF/, '');
  let description = '';
  let firstLine = 1;
  if (body.startsWith('#')) {
    const nl = body.indexOf('\n');
    description = (nl < 0 ? body : body.slice(0, nl)).replace(/^#\s*/, '').trim();
    body = nl < 0 ? '' : body.slice(nl + 1);
    firstLine = 2;
  }
  const parsed = Papa.parse<string[]>(body, { skipEmptyLines: true });
  const [header = [], ...records] = parsed.data;
  const names = Object.keys(schema);
  const head = header.map((h) => h.trim());
  if (head.join(',') !== names.join(',')) fail(figureMessages.referenceHeader({ file, line: firstLine }, names, head));
  const rows: Array<Record<string, unknown>> = [];
  records.forEach((rec, r) => {
    const line = firstLine + 1 + r;
    if (rec.length !== names.length) {
      fail(figureMessages.referenceCell({ file, line }, `${names.length} fields`, `${rec.length} fields`));
    }
    const row: Record<string, unknown> = {};
    names.forEach((col, c) => {
      const type = schema[col]!;
      const raw = rec[c]!.trim();
      const where = { file, line, field: col };
      if (raw === '') {
        if (type === 'n?' || type === 's?') row[col] = null;
        else fail(figureMessages.referenceCell(where, type === 'n' ? 'a number' : 'text', 'an empty cell'));
        return;
      }
      if (type === 'n' || type === 'n?') {
        if (!NUMBER.test(raw)) fail(figureMessages.referenceCell(where, 'a number', JSON.stringify(raw)));
        row[col] = Number(raw);
      } else row[col] = raw;
    });
    rows.push(row);
  });
  const cols: Record<string, unknown[]> = {};
  for (const n of names) cols[n] = rows.map((r) => r[n]);
  return { name, description, path: file, rows: rows as unknown as ReferenceRow<N>[], table: aq.table(cols, names) };
}

/** The arquero table of reference table `name` (shorthand for `loadReference(name).table`). */
export function referenceTable(name: ReferenceName, dir?: string): ColumnTable {
  return loadReference(name, dir).table;
}
