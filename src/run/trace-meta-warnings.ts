import type { Diagnostic } from '../log/diagnostic';
import { runMessages } from '../log/messages/run';
import type { RunResult } from '../sim/run-types';

/** Trace metadata key an importer sets when it invented the addresses (value: the layout's name). */
export const SYNTHESIZED_ADDRESSES_KEY = 'synthesized_addresses';

/**
 * Warnings a run owes to its trace's metadata rather than to its events: today one, `run.synthesized-addresses`,
 * when the importer synthesized the addresses (`# synthesized_addresses=<layout>`, e.g. Kineto traces of
 * PyTorch ≤ 1.9). The metadata travels with the trace (canonical CSV, Arrow, cache), so a result computed
 * from a re-imported or cached copy carries the warning too.
 */
export function traceMetaWarnings(meta: Readonly<Record<string, string>>): Diagnostic[] {
  const layout = meta[SYNTHESIZED_ADDRESSES_KEY];
  return layout === undefined ? [] : [runMessages.synthesizedAddresses({}, layout)];
}

/**
 * `result` with the warnings of its trace's metadata (`provenance.traceMeta`) added to `summary.warnings`
 * (keys kept sorted, as the engine writes them) and `diagnostics`; the result itself when there are none.
 */
export function withTraceMetaWarnings(result: RunResult): RunResult {
  const meta = (result.provenance.traceMeta ?? {}) as Readonly<Record<string, string>>;
  const extra = traceMetaWarnings(meta);
  if (extra.length === 0) return result;
  const counts: Record<string, number> = { ...result.summary.warnings };
  for (const d of extra) counts[d.code] = (counts[d.code] ?? 0) + 1;
  const warnings: Record<string, number> = {};
  for (const k of Object.keys(counts).sort()) warnings[k] = counts[k]!;
  return { ...result, summary: { ...result.summary, warnings }, diagnostics: [...extra, ...result.diagnostics] };
}
