import { roundSig } from '../analysis/format';
import type { Cell } from '../analysis/table-input';
import { toleranceText } from './compare';
import type { DebateRow } from './debate/types';
import type { ComparedRow, FigureResult, OrderingCheck } from './types';

/**
 * HTML views of figure results for notebooks (`tslab.display.html(...)`): the published-vs-reproduced table
 * shown beside each chart, findings, rankings, evidence tables and the debate table. Pure string builders;
 * every cell is escaped.
 */

/** Escape text for HTML. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(roundSig(v, 4));
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

const STYLE = 'border-collapse:collapse;font-size:12px';
const TH = 'style="text-align:left;border-bottom:1px solid #999;padding:2px 8px"';
const TD = 'style="padding:2px 8px;border-bottom:1px solid #eee"';
const TDR = 'style="padding:2px 8px;border-bottom:1px solid #eee;text-align:right"';

/** A short specHash cell: the first 12 hex digits, the full hash in the tooltip. */
function hashCell(h: string): string {
  if (!h) return `<td ${TD}>—</td>`;
  return `<td ${TD} title="${esc(h)}"><code>${esc(h.slice(0, 12))}</code></td>`;
}

/** The published-vs-reproduced table of a figure: ratio, tolerance, pass (misses in bold), specHash. */
export function comparedTableHtml(rows: readonly ComparedRow[]): string {
  if (rows.length === 0) return '<p><i>No published numbers to compare.</i></p>';
  const head = ['group', 'series', 'published', 'reproduced', 'ratio', 'tolerance', 'result', 'specHash', 'baseline specHash'];
  const body = rows.map((r) => {
    const mark = r.pass ? '<span style="color:#1f77b4">within</span>' : '<b style="color:#d62728">MISS</b>';
    // a calibration row fixed a profile value: shown, not scored
    const res = r.calibration ? `<span title="${esc(r.calibration)}">calibration: ${r.pass ? 'within' : 'outside'}</span>` : mark;
    return (
      `<tr><td ${TD}>${esc(r.group)}</td><td ${TD}>${esc(r.series)}</td><td ${TDR}>${esc(cellText(r.published))} ${esc(r.unit)}</td>` +
      `<td ${TDR}>${esc(cellText(r.reproduced))} ${esc(r.unit)}</td><td ${TDR}>${esc(cellText(r.ratio))}</td><td ${TD}>${esc(toleranceText(r.criterion, r.tolerance))}</td>` +
      `<td ${TD}>${res}</td>${hashCell(r.specHash)}${hashCell(r.baselineSpecHash)}</tr>`
    );
  });
  return `<table style="${STYLE}"><tr>${head.map((h) => `<th ${TH}>${h}</th>`).join('')}</tr>${body.join('')}</table>`;
}

/** Ranking checks as a table. */
export function orderingsHtml(rows: readonly OrderingCheck[]): string {
  if (rows.length === 0) return '';
  const body = rows.map(
    (o) =>
      `<tr><td ${TD}>${esc(o.group)}</td><td ${TD}>${esc(o.metric)}</td><td ${TD}>${esc(o.publishedOrder)}</td><td ${TD}>${esc(o.reproducedOrder)}</td>` +
      `<td ${TDR}>${o.agreeing}/${o.pairs}</td><td ${TD}>${o.pass ? 'match' : '<b style="color:#d62728">MISS</b>'}</td></tr>`,
  );
  return (
    `<table style="${STYLE}"><tr>${['group', 'ranking', 'published (highest first)', 'reproduced', 'pairs agreeing', 'result'].map((h) => `<th ${TH}>${h}</th>`).join('')}</tr>` +
    `${body.join('')}</table>`
  );
}

/** Findings as a list (misses start with "MISS"). */
export function findingsHtml(findings: readonly string[]): string {
  return `<ul style="font-size:13px">${findings.map((f) => `<li>${f.startsWith('MISS') ? `<b>${esc(f.slice(0, 4))}</b>${esc(f.slice(4))}` : esc(f)}</li>`).join('')}</ul>`;
}

/** Any rows as a table (`columns` default: the union of keys; `specHash`-like columns shortened). */
export function rowsTableHtml(rows: ReadonlyArray<Readonly<Record<string, Cell | undefined>>>, columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const body = rows.map(
    (r) => `<tr>${cols.map((c) => (/specHash$/i.test(c) ? hashCell(String(r[c] ?? '')) : `<td ${typeof r[c] === 'number' ? TDR : TD}>${esc(cellText(r[c]))}</td>`)).join('')}</tr>`,
  );
  return `<table style="${STYLE}"><tr>${cols.map((c) => `<th ${TH}>${esc(c)}</th>`).join('')}</tr>${body.join('')}</table>`;
}

/** A figure's method, compared numbers, rankings and findings, for the cell under its chart. */
export function figureHtml(f: FigureResult): string {
  return [
    `<p style="font-size:13px"><b>Method.</b> ${esc(f.method)}</p>`,
    comparedTableHtml(f.rows),
    f.orderings.length ? '<p style="font-size:13px"><b>Rankings</b></p>' + orderingsHtml(f.orderings) : '',
    '<p style="font-size:13px"><b>Findings</b></p>' + findingsHtml(f.findings),
  ].join('\n');
}

/** The debate table: claim, who, experiment, result, verdict (with what it depends on) and the runs behind it. */
export function debateTableHtml(rows: readonly DebateRow[]): string {
  const color = { supported: '#2ca02c', contradicted: '#d62728', depends: '#ff7f0e' } as const;
  const body = rows.map((r) => {
    const verdict = `<b style="color:${color[r.verdict]}">${r.verdict}</b>${r.dependsOn ? ` on ${esc(r.dependsOn)}` : ''}`;
    const hashes = r.specHashes.map((h) => `<code title="${esc(h)}">${esc(h.slice(0, 10))}</code>`).join(' ');
    return (
      `<tr><td ${TD}><b>${esc(r.statement)}</b><br><small>${esc(r.who)}; ${esc(r.sourcing)}</small></td><td ${TD}>${esc(r.experiment)}<br><small>Assumptions: ${esc(r.assumptions)}</small></td>` +
      `<td ${TD}>${esc(r.result)}</td><td ${TD}>${verdict}</td><td ${TD}><small>${hashes}</small></td></tr>`
    );
  });
  return (
    `<table style="${STYLE};vertical-align:top"><tr>${['claim (who; sourcing)', 'experiment', 'result under the stated assumptions', 'verdict', 'runs (specHash)'].map((h) => `<th ${TH}>${h}</th>`).join('')}</tr>` +
    `${body.join('')}</table>`
  );
}
