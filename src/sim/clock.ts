/**
 * The one simulated clock (docs/cli.md §5). Systems charge every cost on the critical path with `charge`; the
 * engine charges compute time from the trace. The breakdown by cause always sums to `nowNs`.
 */

/** Time causes, in result-field order (`timeComputeNs` … `timeOtherNs`). */
export const Cause = { compute: 0, fault: 1, transfer: 2, evict: 3, invalidate: 4, map: 5, remote: 6, other: 7 } as const;
export type CauseName = keyof typeof Cause;
export type CauseCode = (typeof Cause)[CauseName];
export const CAUSE_NAMES: readonly CauseName[] = Object.keys(Cause) as CauseName[];
/** Result field for each cause: `timeComputeNs`, `timeFaultNs`, … */
export const CAUSE_FIELDS = CAUSE_NAMES.map((c) => `time${c[0]!.toUpperCase()}${c.slice(1)}Ns`) as readonly string[];

export class SimClock {
  /** Simulated time now, ns. */
  nowNs = 0;
  /** Time charged per cause (indexed by `Cause`). */
  readonly byCause = new Float64Array(CAUSE_NAMES.length);

  /** Advance the clock by `ns` (≥ 0) attributed to `cause`. */
  charge(cause: CauseCode, ns: number): void {
    this.nowNs += ns;
    this.byCause[cause]! += ns;
  }

  /**
   * Wait until `tNs` if it is in the future (e.g. a resource busy with asynchronous work), attributing the
   * wait to `cause`. Returns the time waited.
   */
  waitUntil(tNs: number, cause: CauseCode): number {
    const d = tNs - this.nowNs;
    if (d <= 0) return 0;
    this.charge(cause, d);
    return d;
  }
}
