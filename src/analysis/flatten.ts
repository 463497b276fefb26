import { CAUSE_FIELDS } from '../sim/clock';
import { COUNTER_FIELDS } from '../sim/counters';
import type { RunResult, RunSummary } from '../sim/run-types';
import { runStatus, type RunStatus } from '../sim/run-status';
import type { ParamValue } from '../params';
import type { Cell, FlatRow } from './table-input';

/**
 * Where a run sits in a sweep: the trace label and the coordinates that are not already summary fields.
 * `set` holds every `--set` override the run used (fixed and grid values, as written in the sweep file);
 * `scale` the profile-field multipliers (`link.h2dBytesPerNs` → 2 means twice the profile's value).
 */
export interface RunCoordinates {
  /** Trace label: the path as written in the sweep file, or `workload:<id>` with its non-default settings. */
  readonly trace: string;
  readonly set: Readonly<Record<string, ParamValue>>;
  readonly scale: Readonly<Record<string, number>>;
}

/**
 * Anything the analysis layer accepts as "one run": a `RunResult` (from `run()`/`compare()`), a bare
 * `RunSummary` (a docs/cli.md §4 row, e.g. parsed from `gmemlab run --format json`), or a sweep result (a
 * `RunResult` plus its sweep `point`).
 */
export type RunLike = RunSummary | RunResult | (RunResult & { readonly point: RunCoordinates });

/** The docs/cli.md §4 summary of a run-like value. */
export function summaryOf(x: RunLike): RunSummary {
  return 'summary' in x ? x.summary : x;
}

/** The trace label of a run-like value, or null when only a bare summary is known. */
export function traceOf(x: RunLike): string | null {
  if ('point' in x && x.point) return x.point.trace;
  if ('run' in x && x.run) return x.run.traceName;
  return null;
}

/** Summary fields of docs/cli.md §4 in contract order, without the nested records (params, extra, warnings). */
export const SCALAR_SUMMARY_FIELDS: readonly string[] = [
  'system', 'preset', 'profile', 'capacityBytes', 'footprintBytes', 'touchedBytes', 'oversub', 'oversubBasis',
  ...COUNTER_FIELDS, 'status', 'simTimeNs', ...CAUSE_FIELDS, 'specHash', 'traceDigest', 'seed', 'version',
];

/** Columns holding text (everything else in a run row is a number, except `params.*`/`set.*` values). */
export const TEXT_COLUMNS: ReadonlySet<string> = new Set(['trace', 'system', 'preset', 'profile', 'oversubBasis', 'status', 'specHash', 'traceDigest', 'version']);

/**
 * The status (`ok` / `oom` / `error`, src/sim/run-status.ts) of a run or of a flat run row. Rows written before
 * results carried a `status` column get it from their `oomEvents`/`errorEvents` counts.
 */
export function statusOf(x: RunLike | Readonly<Record<string, unknown>>): RunStatus {
  const r = ('summary' in x && typeof x.summary === 'object' && x.summary !== null ? x.summary : x) as Readonly<Record<string, unknown>>;
  if (r.status === 'ok' || r.status === 'oom' || r.status === 'error') return r.status;
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return runStatus({ oomEvents: n(r.oomEvents), errorEvents: n(r.errorEvents) });
}

/**
 * Flatten one run into a result row (one row per run, the layout of `runsTable` and of sweep result files):
 * `trace`, `system`, `preset`, `profile`, `set.*`, `scale.*`, `params.*`, `capacityBytes`, `footprintBytes`,
 * `oversub`, the counters, `simTimeNs` and `time*Ns`, `extra.*`, `specHash`, `traceDigest`, `seed`,
 * `version`, `warnings.*`. Keys inside each prefixed group are sorted.
 */
export function flattenRun(x: RunLike): FlatRow {
  const s = summaryOf(x);
  const point = 'point' in x ? x.point : undefined;
  const row: FlatRow = { trace: traceOf(x), system: s.system, preset: s.preset, profile: s.profile };
  if (point) {
    putGroup(row, 'set', point.set);
    putGroup(row, 'scale', point.scale);
  }
  putGroup(row, 'params', s.params);
  const rec = s as unknown as Record<string, Cell>;
  for (const f of SCALAR_SUMMARY_FIELDS) {
    if (f === 'specHash') putGroup(row, 'extra', s.extra);
    if (!(f in row)) row[f] = f === 'status' ? statusOf(s) : rec[f] ?? null;
  }
  putGroup(row, 'warnings', s.warnings);
  return row;
}

function putGroup(row: FlatRow, prefix: string, rec: Readonly<Record<string, Cell>> | undefined): void {
  if (!rec) return;
  for (const k of Object.keys(rec).sort()) row[`${prefix}.${k}`] = rec[k]!;
}

const GROUP_RANK: Readonly<Record<string, number>> = { set: 4, scale: 5, params: 6, extra: 100, warnings: 200 };
const FIELD_RANK: ReadonlyMap<string, number> = new Map(
  (['trace', 'system', 'preset', 'profile'] as string[]).map((f, i) => [f, i] as [string, number]).concat(
    SCALAR_SUMMARY_FIELDS.slice(3).map((f, i) => [f, f === 'specHash' || f === 'traceDigest' || f === 'seed' || f === 'version' ? 150 + i : 10 + i]),
  ),
);

/** Rank of a column in the run-row layout (see `flattenRun`); unknown columns sort last. */
function rankOf(name: string): number {
  const fixed = FIELD_RANK.get(name);
  if (fixed !== undefined) return fixed;
  const dot = name.indexOf('.');
  if (dot > 0) {
    const g = GROUP_RANK[name.slice(0, dot)];
    if (g !== undefined) return g;
  }
  return 1000;
}

/**
 * Deterministic column order for a union of run-row columns: the `flattenRun` layout, keys inside each
 * prefixed group sorted, unknown columns (user-derived, e.g. `slowdown`) last in name order. Independent of
 * the order runs finished in, so result files are byte-identical for any worker count.
 */
export function orderColumns(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => rankOf(a) - rankOf(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Default of a column missing from a run: 0 for warning counts (absent = none), null otherwise. */
export function missingCell(name: string): Cell {
  return name.startsWith('warnings.') ? 0 : null;
}

/**
 * Run rows as CSV text, the one writer of the run-row layout (`gmemlab run --format csv` and sweep result
 * files): a header of `columns` (default: `orderColumns` over the union of the rows' keys), then one line per
 * row; a cell a row lacks is `missingCell` (empty, or 0 for `warnings.*`). Cells: numbers as JavaScript prints
 * them (shortest round-trip form), `true`/`false`, text quoted (RFC 4180) when it holds a comma, quote or line
 * break or has surrounding spaces. Ends with a newline.
 */
export function runRowsCsv(rows: readonly FlatRow[], columns: readonly string[] = orderColumns(rows.flatMap((r) => Object.keys(r)))): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c] === undefined ? missingCell(c) : r[c]!)).join(','));
  return `${lines.join('\n')}\n`;
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}
