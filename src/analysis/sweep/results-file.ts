import { existsSync, readFileSync } from 'node:fs';
import * as Papa from 'papaparse';
import type { ColumnTable } from 'arquero';
import { writeFileAtomic } from '../../io/atomic';
import { fail, GmemlabError, type Location } from '../../log/diagnostic';
import { JsonSyntaxError, parseJsonWithPositions, type JsonPath, type PositionedJson } from '../../io/json-positions';
import { sweepMessages } from '../../log/messages/sweep';
import { foundText } from '../../log/found-text';
import { missingCell, orderColumns, runRowsCsv, TEXT_COLUMNS } from '../flatten';
import { tableFromRows, type Cell, type FlatRow } from '../table-input';

/** Result file formats, chosen by the extension of `-o`. */
export type ResultsFormat = 'csv' | 'json';

/** The format for a results path (`.csv` or `.json`); anything else is an error (exit 2). */
export function resultsFormatOf(path: string): ResultsFormat {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.json$/i.test(path)) return 'json';
  return fail(sweepMessages.badOutput({ file: path }, path));
}

/**
 * The rows of a results file: one flat run row (the `runsTable` layout) per run, keyed by `specHash`.
 *
 * Text form (both formats): columns in `orderColumns` order over the union of all rows; a missing cell is
 * empty (CSV) / null (JSON), except warning counts, which are 0. CSV cells: numbers as JavaScript prints them
 * (shortest round-trip form), `true`/`false`, text quoted when it holds a comma, quote or line break. The text
 * depends only on the set of rows and their order, never on when they were added, so a sweep writes the same
 * bytes whatever its worker count, and a resumed sweep the same bytes as an uninterrupted one.
 */
export class ResultRows {
  private readonly rows: FlatRow[] = [];
  private readonly byHash = new Map<string, number>();

  /** Rows in file order. */
  all(): readonly FlatRow[] {
    return this.rows;
  }

  get size(): number {
    return this.rows.length;
  }

  has(specHash: string): boolean {
    return this.byHash.has(specHash);
  }

  get(specHash: string): FlatRow | undefined {
    const i = this.byHash.get(specHash);
    return i === undefined ? undefined : this.rows[i];
  }

  /** Append a row (a second row with the same specHash replaces the first in place). */
  add(row: FlatRow): void {
    const h = String(row.specHash);
    const i = this.byHash.get(h);
    if (i !== undefined) this.rows[i] = row;
    else {
      this.byHash.set(h, this.rows.length);
      this.rows.push(row);
    }
  }

  /** Column order of the file. */
  columns(): string[] {
    return orderColumns(this.rows.flatMap((r) => Object.keys(r)));
  }

  /** As an arquero table (typed cells; see `loadResults`). */
  table(): ColumnTable {
    return tableFromRows(this.rows, this.columns(), missingCell);
  }

  /** The file text in `format`. */
  text(format: ResultsFormat): string {
    const cols = this.columns();
    if (format === 'json') {
      const full = this.rows.map((r) => cols.map((c) => (r[c] === undefined ? missingCell(c) : r[c]!)));
      return `[${full.map((cells) => `\n  {${cells.map((v, i) => `${JSON.stringify(cols[i])}: ${JSON.stringify(v)}`).join(', ')}}`).join(',')}${full.length ? '\n' : ''}]\n`;
    }
    return runRowsCsv(this.rows, cols);
  }

  /** Write atomically (temporary name, then rename: an interruption never leaves a partial file). */
  write(path: string, format: ResultsFormat = resultsFormatOf(path)): void {
    writeFileAtomic(path, this.text(format));
  }
}

/** Type a CSV cell by its column: text columns stay text, `params.*`/`set.*` are inferred, all others are numbers. */
function typedCell(col: string, s: string, where: { file: string; line: number }): Cell {
  if (s === '') return null;
  if (TEXT_COLUMNS.has(col)) return s;
  if (col.startsWith('params.') || col.startsWith('set.')) {
    if (s === 'true') return true;
    if (s === 'false') return false;
    const n = Number(s);
    return Number.isFinite(n) && String(n) === s ? n : s;
  }
  const n = Number(s);
  if (Number.isNaN(n)) throw new GmemlabError(sweepMessages.resultsUnreadable({ ...where, field: col }, `column '${col}' holds ${JSON.stringify(s)}, not a number`));
  return n;
}

/**
 * A JSON cell checked as `typedCell` types a CSV cell: text columns hold text, `params.*`/`set.*` any scalar,
 * all others numbers; null is a missing cell. The JSON form was taken on trust: `"simTimeNs": "oops"` or an
 * object was resumed as a result while the same text in a CSV file was refused.
 */
function checkJsonCell(col: string, v: unknown, where: Location): void {
  if (v === null) return;
  const scalar = col.startsWith('params.') || col.startsWith('set.');
  const ok = TEXT_COLUMNS.has(col) ? typeof v === 'string' : scalar ? ['string', 'number', 'boolean'].includes(typeof v) : typeof v === 'number';
  const expected = TEXT_COLUMNS.has(col) ? 'text' : scalar ? 'a number, text or true/false' : 'a number';
  if (!ok) fail(sweepMessages.resultsUnreadable(where, `column '${col}' holds ${foundText(v)}, not ${expected}`));
}

/**
 * A column name a row object can hold: not a property every object inherits (`__proto__`, `constructor`,
 * `toString`, …). A results file with a `"__proto__"` column ended in an internal error inside arquero
 * (`data.__proto__.at is not a function`); in CSV the assignment to `row.__proto__` dropped the column unseen.
 */
function checkColumnName(col: string, where: Location): void {
  if (col in Object.prototype) fail(sweepMessages.resultsUnreadable({ ...where, field: col }, `a column named '${col}', which no sweep writes`));
}

/**
 * Read a results file written by a sweep (CSV or JSON, by extension) for resuming or analysis. A missing
 * file gives no rows. A file without a `specHash` column, with rows of the wrong width, or with text where
 * numbers belong is an error naming its line (`sweep.results-unreadable`, exit 2): resuming from it could
 * silently skip runs.
 */
export function readResultRows(path: string): ResultRows {
  const out = new ResultRows();
  const format = resultsFormatOf(path);
  if (!existsSync(path)) return out;
  const text = readFileSync(path, 'utf8');
  // an empty file (`touch results.csv`) holds no rows to lose, like a header alone; papaparse's own complaint
  // about it ("Unable to auto-detect delimiting character") told the user nothing
  if (text.replace(/^\uFEFF/, '').trim() === '') return out;
  if (format === 'json') {
    // with positions, so a bad row or cell is named by its line (and a repeated key is an error, not a pick)
    let parsed: PositionedJson;
    try {
      parsed = parseJsonWithPositions(text);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      return fail(sweepMessages.resultsUnreadable({ file: path, line: e.line, col: e.col }, `not valid JSON (${e.reason})`));
    }
    const at = (p: JsonPath): { file: string; line: number; col: number } => ({ file: path, ...parsed.where(p) });
    const v = parsed.value;
    if (!Array.isArray(v)) fail(sweepMessages.resultsUnreadable(at([]), 'expected a JSON array of run rows'));
    (v as unknown[]).forEach((r, i) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r) || typeof (r as FlatRow).specHash !== 'string') fail(sweepMessages.resultsUnreadable({ ...at([i]), field: `[${i}]` }, 'a row without a specHash'));
      for (const [col, cell] of Object.entries(r)) {
        checkColumnName(col, at([i, col]));
        checkJsonCell(col, cell, { ...at([i, col]), field: `[${i}].${col}` });
      }
      out.add(r as FlatRow);
    });
    return out;
  }
  // results files are always comma-separated: with the delimiter guessed, a file holding one column (or any other
  // CSV, such as a trace given as -o by mistake) was refused with papaparse's "Unable to auto-detect delimiting
  // character; defaulted to ','" instead of saying what is missing
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true, delimiter: ',' });
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0]!;
    fail(sweepMessages.resultsUnreadable({ file: path, line: (e.row ?? 0) + 1 }, e.message));
  }
  const [header, ...body] = parsed.data;
  if (!header || !header.includes('specHash')) fail(sweepMessages.resultsUnreadable({ file: path, line: 1 }, "no 'specHash' column in the header"));
  for (const c of header) checkColumnName(c, { file: path, line: 1 });
  body.forEach((cells, i) => {
    const line = i + 2;
    if (cells.length !== header.length) fail(sweepMessages.resultsUnreadable({ file: path, line }, `${cells.length} cells, but the header has ${header.length} columns (a truncated or hand-edited file?)`));
    const row: FlatRow = {};
    header.forEach((c, k) => (row[c] = typedCell(c, cells[k]!, { file: path, line })));
    if (typeof row.specHash !== 'string' || row.specHash === '') fail(sweepMessages.resultsUnreadable({ file: path, line, field: 'specHash' }, 'empty specHash'));
    out.add(row);
  });
  return out;
}

/** Load a sweep results file as an arquero table (the `runsTable` layout, typed cells). */
export function loadResults(path: string): ColumnTable {
  if (!existsSync(path)) fail(sweepMessages.resultsUnreadable({ file: path }, 'file not found'));
  return readResultRows(path).table();
}
