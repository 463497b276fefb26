import { flattenRun, runRowsCsv, statusOf } from './flatten';
import { placeholderFields } from '../profiles/resolve';
import { formatBytes, formatNs } from '../units';
import { COUNTER_FIELDS } from '../sim/counters';
import { CAUSE_FIELDS, CAUSE_NAMES } from '../sim/clock';
import type { RunResult, RunSummary } from '../sim/run-types';
import type { Platform } from '../profiles/types';
import { maxOf } from '../extremes';

/**
 * Output formats of `gmemlab run` (docs/cli.md §1, §4):
 * - `json`: an array, one object per system item, every docs/cli.md §4 field (nested `params`, `extra`, `warnings`).
 * - `csv`: one row per system in the run-row layout of sweep result files and `runsTable` (`flattenRun`,
 *   src/analysis/flatten.ts: `trace`, identity, `params.*`, capacity, counters, times, `extra.*`, provenance,
 *   `warnings.*`; keys sorted inside each group; a missing cell empty, a missing warning count 0).
 * - `table`: the short summary (`resultsSummary`): one row per system — status, simulated time, the top cost
 *   cause, faults, migrated bytes, evictions — in at most 20 lines for up to 8 systems; with `all` the full
 *   field list (`resultsTable`).
 */
export type ResultFormat = 'table' | 'json' | 'csv';

/** Options of `formatResults`. */
export interface FormatResultsOptions {
  /** `table` format: every field, one row per field (`resultsTable`), instead of the short summary. */
  readonly all?: boolean;
}

export function formatResults(results: readonly RunResult[], format: ResultFormat, opts: FormatResultsOptions = {}): string {
  if (format === 'json') return `${JSON.stringify(results.map((r) => r.summary), null, 2)}\n`;
  if (format === 'csv') return resultsCsv(results);
  return opts.all ? resultsTable(results) : resultsSummary(results);
}

/** The largest cost cause of a run other than compute, as `fault 62 %` (`compute 100 %` when nothing else was charged). */
export function topCostCause(s: RunSummary): string {
  const rec = s as unknown as Record<string, number>;
  let best = -1;
  for (let i = 1; i < CAUSE_FIELDS.length; i++) if (rec[CAUSE_FIELDS[i]!]! > 0 && (best < 0 || rec[CAUSE_FIELDS[i]!]! > rec[CAUSE_FIELDS[best]!]!)) best = i;
  if (best < 0) best = 0;
  // the ratio first: 100 × a time past 1.8e306 ns (a `--set link.h2dBytesPerNs=1e-300` run) overflowed to
  // Infinity, and the summary said "transfer Infinity %"
  const share = s.simTimeNs > 0 ? 100 * (rec[CAUSE_FIELDS[best]!]! / s.simTimeNs) : 0;
  return `${CAUSE_NAMES[best]} ${share >= 10 || share === 0 ? share.toFixed(0) : share.toFixed(1)} %`;
}

/**
 * How the capacity of a run was chosen, in words (states the oversubscription basis). With the run's `platform`, a
 * capacity the user set (`--set device.memory.capacityBytes=…`, source `O`) is said to come from that override:
 * it was reported "(from the profile)", so `--set device.memory.capacityBytes=0` read as a profile without memory.
 */
export function describeCapacity(s: RunSummary, platform?: Platform): string {
  const cap = `capacity ${formatBytes(s.capacityBytes)}`;
  const fp = `footprint ${formatBytes(s.footprintBytes)} allocated${s.touchedBytes !== null && s.touchedBytes !== undefined ? `, ${formatBytes(s.touchedBytes)} touched` : ''}`;
  const override = platform?.device.sources['memory.capacityBytes'];
  if (s.oversub === null) return `${cap} (${override?.status === 'O' ? `from ${override.ref}` : 'from the profile'}); ${fp}`;
  const basis = s.oversubBasis ?? 'allocated';
  return `${cap} = ${basis} footprint / oversub ${s.oversub} (basis ${basis}${basis === 'touched' ? ': distinct 4 KiB pages accessed' : ': peak live allocations, 2 MiB granules'}); ${fp}`;
}

/**
 * The short `gmemlab run` summary: a context line (trace, profile, capacity and oversubscription basis), one
 * row per system (status, simulated time, top cost cause, faults, migrated bytes, evictions), a footnote for
 * failed runs, the placeholder (P) profile fields in use, a one-line warning count, and a pointer to `--all`.
 */
export function resultsSummary(results: readonly RunResult[]): string {
  if (results.length === 0) return 'no results\n';
  const first = results[0]!.summary;
  const out: string[] = [];
  out.push(`trace ${results[0]!.run?.traceName ?? '?'} · profile ${first.profile} · ${describeCapacity(first, results[0]!.run?.platform)}`);
  const header = ['system', 'status', 'sim time', 'top cost', 'faults', 'migrated', 'evictions'];
  const body = results.map((r) => {
    const s = r.summary;
    const st = statusOf(s);
    return [s.system, st, st === 'ok' ? formatNs(s.simTimeNs) : `${formatNs(s.simTimeNs)} *`, topCostCause(s), (s.deviceFaults + s.cpuFaults).toLocaleString('en-US'), formatBytes(s.bytesH2D + s.bytesD2H), s.evictions.toLocaleString('en-US')];
  });
  const rows = [header, ...body];
  const widths = header.map((_, c) => maxOf(rows.map((row) => row[c]!.length)));
  for (const row of rows) out.push(row.map((cell, c) => (c === 0 || c === 1 || c === 3 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  const failed = results.filter((r) => statusOf(r.summary) !== 'ok');
  if (failed.length > 0) out.push(`* status oom/error: the run reported OOM or error events and skipped the failed work; its time is NOT comparable (${failed.map((r) => `${r.summary.system}: ${r.summary.oomEvents} OOM, ${r.summary.errorEvents} error events`).join('; ')})`);
  const placeholders = [...new Set(results.flatMap((r) => (r.run?.platform ? placeholderFields(r.run.platform) : [])))];
  if (placeholders.length > 0) out.push(`placeholder (P) profile values in use: ${placeholders.join(', ')}`);
  const warn = results.filter((r) => Object.keys(r.summary.warnings).length > 0).map((r) => `${r.summary.system}: ${Object.entries(r.summary.warnings).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  if (warn.length > 0) out.push(`warnings: ${warn.join('; ')}`);
  out.push('every field: --all; machine-readable: --format json|csv');
  return `${out.join('\n')}\n`;
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
  const fields: string[] = ['preset', 'profile', 'capacityBytes', 'footprintBytes', 'touchedBytes', 'oversub', 'oversubBasis', ...COUNTER_FIELDS, 'status', 'simTimeNs', ...CAUSE_FIELDS];
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
  const widths = rows[0]!.map((_, c) => maxOf(rows.map((row) => row[c]!.length)));
  const text = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  const out = [...text];
  const placeholders = [...new Set(results.flatMap((r) => placeholderFields(r.run.platform)))];
  if (placeholders.length > 0) out.push('', `placeholder (P) profile values in use: ${placeholders.join(', ')}`);
  const warn = results.flatMap((r) => Object.entries(r.summary.warnings).map(([k, n]) => `${r.summary.system}: ${k} × ${n}`));
  if (warn.length > 0) out.push('', 'warnings:', ...warn.map((w) => `  ${w}`));
  return `${out.join('\n')}\n`;
}
