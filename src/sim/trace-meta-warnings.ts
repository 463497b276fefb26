import type { Diagnostic } from '../log/diagnostic';
import { runMessages } from '../log/messages/run';

/** Trace metadata key an importer sets when it invented the addresses (value: the layout's name). */
export const SYNTHESIZED_ADDRESSES_KEY = 'synthesized_addresses';

/**
 * Warnings a run owes to its trace's metadata rather than to its events: today one, `run.synthesized-addresses`,
 * when the importer synthesized the addresses (`# synthesized_addresses=<layout>`, e.g. Kineto traces of
 * PyTorch ≤ 1.9). The metadata travels with the trace (canonical CSV, Arrow, cache), so a result computed
 * from a re-imported or cached copy carries the warning too. The engine adds them to every result
 * (`summary.warnings` and first in `diagnostics`).
 */
export function traceMetaWarnings(meta: Readonly<Record<string, string>>): Diagnostic[] {
  const layout = meta[SYNTHESIZED_ADDRESSES_KEY];
  return layout === undefined ? [] : [runMessages.synthesizedAddresses({}, layout)];
}
