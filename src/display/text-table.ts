/**
 * Plain-text tables for terminals and logs: columns padded to their widest cell, numbers right-aligned,
 * a dashed rule under the header. Used by the notebook summary (`npm start`) and `npm run bench`.
 */
import { maxOf } from '../extremes';

export interface TextColumn {
  readonly header: string;
  /** Default: right for cells that all look numeric, else left. */
  readonly align?: 'left' | 'right';
}

const NUMERIC = /^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?%?$/i;

/** Format `rows` (cells as text) under `columns`. Missing cells print empty. Ends with a newline. */
export function formatTable(columns: readonly (TextColumn | string)[], rows: readonly (readonly string[])[]): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const widths = cols.map((c, i) => maxOf(rows.map((r) => (r[i] ?? '').length), c.header.length));
  const right = cols.map((c, i) => c.align === 'right' || (c.align === undefined && rows.length > 0 && rows.every((r) => (r[i] ?? '') === '' || NUMERIC.test(r[i]!))));
  const line = (cells: readonly string[]): string =>
    cols.map((_, i) => (right[i] ? (cells[i] ?? '').padStart(widths[i]!) : (cells[i] ?? '').padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cols.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}
