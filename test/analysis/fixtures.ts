/**
 * Small HAND-MADE result sets for the analysis tests (issue 7: "unit tests on small hand-made result sets").
 * Every number here is chosen by hand so expectations can be computed by hand in the tests.
 */
import { CAUSE_FIELDS, CAUSE_NAMES, type CauseName } from '../../src/sim/clock';
import { COUNTER_FIELDS } from '../../src/sim/counters';
import { hashOf } from '../../src/io/hash';
import type { ResolvedRun, RunResult, RunSeries, RunSummary } from '../../src/sim/run-types';
import type { ParamValue } from '../../src/params';

export const MS = 1e6;

export interface RunSketch {
  readonly system: string;
  readonly profile?: string;
  readonly oversub?: number | null;
  readonly params?: Record<string, ParamValue>;
  readonly extra?: Record<string, number>;
  readonly warnings?: Record<string, number>;
  /** Time per cause, ns; simTimeNs is their sum. */
  readonly times: Partial<Record<CauseName, number>>;
  readonly counters?: Partial<Record<(typeof COUNTER_FIELDS)[number], number>>;
  readonly seed?: number;
  readonly trace?: string;
  readonly footprintBytes?: number;
}

/** A docs/cli.md §4 summary from a sketch (every counter not given is 0). */
export function summary(s: RunSketch): RunSummary {
  const footprintBytes = s.footprintBytes ?? 8 * 2 ** 30;
  const oversub = s.oversub === undefined ? null : s.oversub;
  const row: Record<string, unknown> = {
    system: s.system,
    preset: s.system.split(':')[0],
    params: s.params ?? {},
    profile: s.profile ?? 'a100-pcie4',
    capacityBytes: oversub === null ? 40 * 2 ** 30 : Math.floor(footprintBytes / oversub / 2 ** 21) * 2 ** 21,
    footprintBytes,
    oversub,
  };
  for (const f of COUNTER_FIELDS) row[f] = s.counters?.[f] ?? 0;
  let total = 0;
  for (const c of CAUSE_NAMES) total += s.times[c] ?? 0;
  row.simTimeNs = total;
  CAUSE_NAMES.forEach((c, i) => (row[CAUSE_FIELDS[i]!] = s.times[c] ?? 0));
  row.extra = s.extra ?? {};
  row.specHash = hashOf({ ...s, trace: undefined });
  row.traceDigest = hashOf(s.trace ?? 'hand-made');
  row.seed = s.seed ?? 0;
  row.version = '0.1.0';
  row.warnings = s.warnings ?? {};
  return row as unknown as RunSummary;
}

/** A RunResult around a sketch, with the given series (default: two samples). */
export function result(s: RunSketch, series?: RunSeries): RunResult {
  const sum = summary(s);
  const run = { system: sum.system, preset: sum.preset, traceName: s.trace ?? 'traces/hand-made.csv', specHash: sum.specHash } as unknown as ResolvedRun;
  return {
    summary: sum,
    run,
    series: series ?? seriesOf([[0, 0, 0, 0, 0], [sum.simTimeNs, sum.deviceFaults, sum.bytesH2D, sum.mapOps, 0]]),
    resultEvents: [],
    resultEventCounts: {},
    diagnostics: [],
    provenance: {},
  };
}

/** A series from rows [tNs, deviceFaults, bytesH2D, mapOps, residentBytes]; other counters 0 / derived. */
export function seriesOf(rows: readonly (readonly number[])[]): RunSeries {
  const col = (i: number): number[] => rows.map((r) => r[i] ?? 0);
  const zeros = rows.map(() => 0);
  return {
    tNs: col(0),
    events: rows.map((_, i) => (i + 1) * 100),
    deviceFaults: col(1),
    cpuFaults: zeros,
    bytesH2D: col(2),
    bytesD2H: zeros,
    evictions: zeros,
    mapOps: col(3),
    unmapOps: col(3).map((m) => Math.floor(m / 2)),
    residentBytes: col(4),
  };
}

/**
 * An oversubscription sweep by hand: three systems × oversub 0.5, 1, 1.5, 2 on a100-pcie4. Compute is 10 ms
 * everywhere; the rest grows with oversubscription.
 */
export const OVERSUB_TIMES_MS: Readonly<Record<string, readonly (readonly [number, number, number, number])[]>> = {
  // [fault, transfer, evict, other] per oversub level 0.5, 1, 1.5, 2
  'gmem-linux': [[1, 2, 0, 0], [1, 2.5, 0, 0], [3, 6, 2, 0], [6, 12, 4, 0]],
  uvm: [[0.5, 2, 0, 0], [0.6, 2.4, 0, 0], [8, 20, 6, 0], [30, 80, 20, 0]],
  'hmm-svm': [[1.5, 2.5, 0, 0.5], [1.5, 3, 0, 0.5], [5, 9, 3, 0.5], [9, 18, 6, 0.5]],
};
export const OVERSUB_LEVELS = [0.5, 1, 1.5, 2] as const;

export function oversubSweep(): RunResult[] {
  const out: RunResult[] = [];
  OVERSUB_LEVELS.forEach((oversub, k) => {
    for (const system of Object.keys(OVERSUB_TIMES_MS)) {
      const [fault, transfer, evict, other] = OVERSUB_TIMES_MS[system]![k]!;
      const params: Record<string, ParamValue> = system === 'uvm' ? { prefetch: 'tbn', eviction: 'chunk-age' } : system === 'gmem-linux' ? { unitBytes: 2097152 } : { retryFaults: true };
      const extra: Record<string, number> = system === 'hmm-svm' ? { notifierCallbacks: 10 * (k + 1) } : {};
      out.push(
        result({
          system,
          oversub,
          params,
          extra,
          warnings: system === 'uvm' && oversub === 2 ? { 'sim.thrashing': 3 } : {},
          times: { compute: 10 * MS, fault: fault * MS, transfer: transfer * MS, evict: evict * MS, other: other * MS },
          counters: { deviceFaults: Math.round(fault * 1000), bytesH2D: transfer * 2 ** 30, bytesD2H: evict * 2 ** 29, evictions: evict * 100, mapOps: 50 * (k + 1), tlbInvalidations: 7 * k },
        }),
      );
    }
  });
  return out;
}
