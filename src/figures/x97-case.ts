import { compare } from '../run/run';
import type { RunResult } from '../sim/run-types';
import type { Trace } from '../trace/trace';
import { workloadTrace } from '../workloads/trace';

/** One row of the x97 case: a workload under one MMU mode on the paper-era device. */
export interface X97CaseRow {
  readonly workload: string;
  readonly mode: string;
  readonly deviceFaults: number;
  readonly remoteAccesses: number;
  readonly replicaInstalls: number;
  readonly cpuFaults: number;
  readonly zeroFills: number;
  readonly migrationsH2D: number;
  readonly migrationsD2H: number;
  readonly evictions: number;
  readonly errorEvents: number;
  readonly oomEvents: number;
}

export const X97_MODES = ['share', 'exclusive', 'replicate'] as const;
export const X97_WORKLOADS = ['x97-vecadd', 'x97-bp'] as const;

/**
 * The x97 case (docs/reference-results.md §5, issue 4 acceptance): `gmem-paper` on `x97-sim` (26,214 frames of
 * 4 KiB, FIFO, page tables wired) running the generated `x97-vecadd` and `x97-bp` traces in the three MMU
 * modes. Returns one row per (workload, mode) with the counts X97 reports (device faults) plus remote
 * accesses and replica installs, and the full results. Deterministic for given traces and seed.
 * `traces` defaults to the generators' default instances (seed 0). `debug` checks invariants after every
 * event (O(units) each: slow on these traces; the invariants are tested on smaller traces).
 */
export async function x97Case(
  traces?: Readonly<Record<string, Trace>>,
  seed = 0,
  debug = false,
): Promise<{ rows: X97CaseRow[]; results: RunResult[] }> {
  const rows: X97CaseRow[] = [];
  const results: RunResult[] = [];
  for (const w of X97_WORKLOADS) {
    const trace = traces?.[w] ?? workloadTrace(w, {}, 0);
    const rs = await compare(trace, { systems: X97_MODES.map((m) => `gmem-paper:mode=${m}`), seed, debug });
    rs.forEach((r, i) => {
      const s = r.summary;
      results.push(r);
      rows.push({
        workload: w,
        mode: X97_MODES[i]!,
        deviceFaults: s.deviceFaults,
        remoteAccesses: s.remoteAccesses,
        replicaInstalls: s.extra.replicaInstalls ?? 0,
        cpuFaults: s.cpuFaults,
        zeroFills: s.zeroFills,
        migrationsH2D: s.migrationsH2D,
        migrationsD2H: s.migrationsD2H,
        evictions: s.evictions,
        errorEvents: s.errorEvents,
        oomEvents: s.oomEvents,
      });
    });
  }
  return { rows, results };
}
