import { formatTable } from './text-table';

/**
 * Tables as notebook outputs: an HTML table (classic Jupyter, JupyterLab, VS Code, the HTML export) and the
 * same rows as plain text, in ONE display bundle. Numbers are formatted for reading (`370.1`, not
 * `370.100000`; `12,345`), right-aligned, with the exact value in the cell's `title` (hover) so nothing is
 * lost. Accepts an arquero table (anything with `columnNames()`, `numRows()` and `get(column, row)`) or an
 * array of flat records. Pure: building the bundle sends nothing (the kernel hook and `showTable` do).
 */

/** The parts of an arquero `ColumnTable` used here (duck-typed: display/ must not depend on arquero). */
export interface TableLike {
  columnNames(): string[];
  numRows(): number;
  get(column: string, row?: number): unknown;
}

/** Options of `tableBundle`. */
export interface HtmlTableOptions {
  /** Rows shown at most (default 50); the rest is summarised as `… N more rows`. */
  readonly maxRows?: number;
  /** Format a cell; return undefined to use the default (`formatCell`). Lets callers show units (`ms`, `MiB`). */
  readonly format?: (column: string, value: unknown) => string | undefined;
}

/** Default number of rows a table output shows. */
export const DEFAULT_TABLE_ROWS = 50;

/** True for an arquero-like table. */
export function isTableLike(x: unknown): x is TableLike {
  const t = x as Partial<TableLike> | null;
  return typeof t === 'object' && t !== null && typeof t.columnNames === 'function' && typeof t.numRows === 'function' && typeof t.get === 'function';
}

/** True for a non-empty array of plain objects whose values are all scalars (a list of result rows). */
export function isRecordArray(x: unknown): x is Array<Record<string, unknown>> {
  if (!Array.isArray(x) || x.length === 0) return false;
  return x.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && Object.getPrototypeOf(r) === Object.prototype
    && Object.values(r as object).every((v) => v === null || v === undefined || ['string', 'number', 'boolean', 'bigint'].includes(typeof v)));
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A number for reading: integers with thousands separators (`12,345`); other values with at most 4
 * significant digits below 1000 (`370.1`, `0.01235`, `1.5`) and one decimal from 1000 on (`12,345.7`);
 * trailing zeros dropped; exponent form outside 1e-4…1e15. Non-finite values as `NaN`, `∞`, `-∞`.
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const abs = Math.abs(x);
  if (Number.isInteger(x) && abs < 1e15) return (x < 0 ? '-' : '') + group(String(abs));
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e15)) return x.toExponential(3).replace(/\.?0+e/, 'e');
  const text = abs >= 1000 ? abs.toFixed(1) : String(Number(abs.toPrecision(4)));
  const [i, f] = text.split('.');
  const trimmed = f === undefined ? '' : f.replace(/0+$/, '');
  return `${x < 0 ? '-' : ''}${group(i!)}${trimmed ? `.${trimmed}` : ''}`;
}

/** A cell as text: numbers by `formatNumber`, null/undefined as empty, dates as ISO, the rest by `String`. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint') return group(v.toString());
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** HTML-escape text. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Columns and rows of a table-like value. */
function tableData(t: TableLike | readonly Record<string, unknown>[]): { columns: string[]; rowCount: number; get: (c: string, r: number) => unknown } {
  if (isTableLike(t)) return { columns: t.columnNames(), rowCount: t.numRows(), get: (c, r) => t.get(c, r) };
  const rows = t as readonly Record<string, unknown>[];
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, rowCount: rows.length, get: (c, r) => rows[r]![c] };
}

/** A display bundle (`text/html` + `text/plain`) for a table. */
export function tableBundle(t: TableLike | readonly Record<string, unknown>[], opts: HtmlTableOptions = {}): { data: Record<string, string>; metadata: Record<string, unknown> } {
  const { columns, rowCount, get } = tableData(t);
  const shown = Math.min(rowCount, Math.max(0, opts.maxRows ?? DEFAULT_TABLE_ROWS));
  const cells: string[][] = [];
  const numeric = columns.map(() => true);
  const raw: unknown[][] = [];
  for (let r = 0; r < shown; r++) {
    const row: string[] = [];
    const rawRow: unknown[] = [];
    columns.forEach((c, i) => {
      const v = get(c, r);
      rawRow.push(v);
      if (v !== null && v !== undefined && typeof v !== 'number' && typeof v !== 'bigint') numeric[i] = false;
      row.push(opts.format?.(c, v) ?? formatCell(v));
    });
    cells.push(row);
    raw.push(rawRow);
  }
  const more = rowCount - shown;
  const head = columns.map((c, i) => `<th style="text-align:${numeric[i] ? 'right' : 'left'}">${escapeHtml(c)}</th>`).join('');
  const body = cells.map((row, r) => `<tr>${row.map((text, i) => {
    const v = raw[r]![i];
    const title = typeof v === 'number' && formatCell(v) !== String(v) ? ` title="${escapeHtml(String(v))}"` : '';
    return `<td style="text-align:${numeric[i] ? 'right' : 'left'}"${title}>${escapeHtml(text)}</td>`;
  }).join('')}</tr>`).join('\n');
  const note = `${rowCount} row${rowCount === 1 ? '' : 's'} × ${columns.length} column${columns.length === 1 ? '' : 's'}${more > 0 ? ` (first ${shown} shown, ${more} more)` : ''}`;
  const html = `<div class="gmemlab-table"><table class="dataframe">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>\n<p style="font-size:0.85em;color:#555">${escapeHtml(note)}</p></div>`;
  const text = formatTable(columns.map((c, i) => ({ header: c, align: numeric[i] ? 'right' as const : 'left' as const })), cells) + note;
  return { data: { 'text/html': html, 'text/plain': text }, metadata: {} };
}
