import { formatDiagnosticLine } from '../log/diagnostic';
import type { TraceSummary } from '../trace/summary';
import { formatBytes, formatNs } from '../units';

const int = (n: number): string => n.toLocaleString('en-US');
const hex = (n: number): string => `0x${n.toString(16)}`;

/** The human-readable summary `import` and `inspect` print (one fact per line, aligned). */
export function formatSummary(
  s: TraceSummary,
  extra: ReadonlyArray<[string, string]> = [],
  after: ReadonlyArray<[string, string]> = [],
): string {
  const rows: Array<[string, string]> = [];
  rows.push(['trace', s.name]);
  for (const [k, v] of extra) rows.push([k, v]);
  rows.push(['events', s.timeSpan ? `${int(s.events)} over ${formatNs(s.timeSpan.durationNs)} (t_ns ${s.timeSpan.firstNs} … ${s.timeSpan.lastNs})` : '0']);
  const ops = Object.entries(s.eventsByOp).map(([op, n]) => `${op} ${int(n)}`);
  rows.push(['ops', ops.length ? ops.join(', ') : 'none']);
  if (s.eventsByOp.access) rows.push(['accesses', `${int(s.accesses)} (weighted by count)`]);
  rows.push(['agents', s.agents.length ? s.agents.map((a) => (s.eventsByAgent[a] ? `${a} (${int(s.eventsByAgent[a]!)} event${s.eventsByAgent[a] === 1 ? '' : 's'})` : `${a} (target only)`)).join(', ') : 'none']);
  rows.push(['VA span', s.vaSpan ? `${hex(s.vaSpan.minVa)} … ${hex(s.vaSpan.endVa)} (${formatBytes(s.vaSpan.bytes)})` : 'no addresses']);
  rows.push(['footprint', `${formatBytes(s.footprintBytes)} (peak live managed/peer_shared/device bytes, 2 MiB granules)`]);
  rows.push(['digest', s.digest]);
  const w = Object.entries(s.warnings);
  rows.push(['warnings', w.length ? w.map(([c, n]) => `${c} ×${int(n)}`).join(', ') : 'none']);
  const metaKeys = Object.keys(s.meta).filter((k) => k !== 'format' && k !== 'version');
  if (metaKeys.length) rows.push(['metadata', metaKeys.map((k) => `${k}=${s.meta[k]!.length > 60 ? `${s.meta[k]!.slice(0, 57)}…` : s.meta[k]}`).join(', ')]);
  for (const r of after) rows.push(r);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}

/** The kept diagnostics, one `file:line:col: …` line each (at most 5 per code). */
export function formatDiagnostics(s: TraceSummary): string {
  return s.diagnostics.map((d) => `${formatDiagnosticLine(d)}\n`).join('');
}
