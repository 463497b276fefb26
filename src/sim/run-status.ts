/**
 * Run status (docs/cli.md §4): whether a run's time can be compared with other runs. A run that reported an
 * out-of-memory event (`oomEvents` > 0: an access or allocation the capacity could not serve, so the work it
 * stood for was not done) is `oom`; one with other modelled failures that skip work (`fault-error`,
 * `alloc-error`, `data-loss`) is `error`; otherwise `ok`. An `hmadvise-error` (the call returns EINVAL to the
 * program, the advice is not applied, every access is still served) does not make a run fail: the engine
 * passes `errorEvents` without them (src/sim/engine.ts). OOM wins when both occur: it is
 * the more common and the more specific cause. Only `ok` runs have a comparable `simTimeNs`: a failed access
 * is counted but its work is skipped, so a failed run is usually *faster* than a correct one.
 */
export type RunStatus = 'ok' | 'oom' | 'error';

/** Every status, best first. */
export const RUN_STATUSES: readonly RunStatus[] = ['ok', 'oom', 'error'];

/** The status of a run from its failure counters (`errorEvents`: those that skip work). */
export function runStatus(counts: { readonly oomEvents: number; readonly errorEvents: number }): RunStatus {
  if (counts.oomEvents > 0) return 'oom';
  if (counts.errorEvents > 0) return 'error';
  return 'ok';
}
