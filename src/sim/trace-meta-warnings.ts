import type { Diagnostic } from '../log/diagnostic';
import { runMessages } from '../log/messages/run';
import { SYNTHESIZED_ADDRESSES_KEY, SYNTHESIZED_TIMES_KEY } from '../trace/meta-keys';

/**
 * Warnings a run owes to its trace's metadata rather than to its events (src/trace/meta-keys.ts):
 * `run.synthesized-addresses` when the importer synthesized the addresses (`# synthesized_addresses=<layout>`,
 * e.g. Kineto traces of PyTorch ≤ 1.9), `run.synthesized-times` when the source had no times (e.g. PyTorch
 * < 2.1 memory snapshots). The metadata travels with the trace (canonical CSV, Arrow, cache), so a result computed
 * from a re-imported or cached copy carries the warning too. The engine adds them to every result
 * (`summary.warnings` and first in `diagnostics`).
 */
export function traceMetaWarnings(meta: Readonly<Record<string, string>>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const layout = meta[SYNTHESIZED_ADDRESSES_KEY];
  if (layout !== undefined) out.push(runMessages.synthesizedAddresses({}, layout));
  const times = meta[SYNTHESIZED_TIMES_KEY];
  if (times !== undefined) out.push(runMessages.synthesizedTimes({}, times));
  return out;
}
