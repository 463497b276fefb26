import { flattenRun, runRowsCsv } from './flatten';
import { placeholderFields } from '../profiles/resolve';
import { formatBytes, formatNs } from '../units';
import { COUNTER_FIELDS } from '../sim/counters';
import { CAUSE_FIELDS } from '../sim/clock';
import type { RunResult } from '../sim/run-types';

/**
 * Output formats of `gmemlab run` (docs/cli.md §1, §4):
 * - `json`: an array, one object per system item, every docs/cli.md §4 field (nested `params`, `extra`, `warnings`).
 * - `csv`: one row per system in the run-row layout of sweep result files and `runsTable` (`flattenRun`,
 *   src/analysis/flatten.ts: `trace`, identity, `params.*`, capacity, counters, times, `extra.*`, provenance,
 *   `warnings.*`; keys sorted inside each group; a missing cell empty, a missing warning count 0).
 * - `table`: human-readable, one column per system, one row per field, sizes and times in human units,
 *   followed by the placeholder (P) profile fields the numbers depend on and any warnings.
 */
export type ResultFormat = 'table' | 'json' | 'csv';

export function formatResults(results: readonly RunResult[], format: ResultFormat): string {
  if (format === 'json') return `${JSON.stringify(results.map((r) => r.summary), null, 2)}\n`;
  if (format === 'csv') return resultsCsv(results);
  return resultsTable(results);
}

/** `gmemlab run --format csv`: one `flattenRun` row per result, written like a sweep result file. */
export function resultsCsv(results: readonly RunResult[]): string {
  return runRowsCsv(results.map(flattenRun));
}

const BYTE_FIELDS = new Set(['capacityBytes', 'footprintBytes', 'bytesH2D', 'bytesD2H', 'prefetchedBytes']);

function human(field: string, v: unknown): string {
  if (typeof v !== 'number') return v === null ? '—' : String(v);
  if (BYTE_FIELDS.has(field) || field.endsWith('Bytes')) return formatBytes(v);
  if (field.endsWith('Ns')) return formatNs(v);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(6)));
}

export function resultsTable(results: readonly RunResult[]): string {
  if (results.length === 0) return 'no results\n';
  const fields: string[] = ['preset', 'profile', 'capacityBytes', 'footprintBytes', 'oversub', ...COUNTER_FIELDS, 'simTimeNs', ...CAUSE_FIELDS];
  const rows: string[][] = [['', ...results.map((r) => r.summary.system)]];
  const s = (r: RunResult): Record<string, unknown> => r.summary as unknown as Record<string, unknown>;
  for (const f of fields) rows.push([f, ...results.map((r) => human(f, s(r)[f]))]);
  const extraKeys = [...new Set(results.flatMap((r) => Object.keys(r.summary.extra)))];
  for (const k of extraKeys) {
    if (results.every((r) => !r.summary.extra[k])) continue;
    rows.push([`extra.${k}`, ...results.map((r) => human(k, r.summary.extra[k] ?? 0))]);
  }
  const paramKeys = [...new Set(results.flatMap((r) => Object.keys(r.summary.params)))];
  for (const k of paramKeys) rows.push([`params.${k}`, ...results.map((r) => human(k, r.summary.params[k] ?? '—'))]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const text = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  const out = [...text];
  const placeholders = [...new Set(results.flatMap((r) => placeholderFields(r.run.platform)))];
  if (placeholders.length > 0) out.push('', `placeholder (P) profile values in use: ${placeholders.join(', ')}`);
  const warn = results.flatMap((r) => Object.entries(r.summary.warnings).map(([k, n]) => `${r.summary.system}: ${k} × ${n}`));
  if (warn.length > 0) out.push('', 'warnings:', ...warn.map((w) => `  ${w}`));
  return `${out.join('\n')}\n`;
}
