import type { EventBatch } from '../trace/batch';
import { FootprintTracker } from '../trace/footprint';
import type { Trace } from '../trace/trace';

/** Options of `footprintTimeline`. */
export interface FootprintTimelineOptions {
  /**
   * Most rows returned (default 2,000, at least 4). A trace with more changes is reduced to equal time
   * buckets holding each bucket's maximum, so the peak is always kept exactly.
   */
  readonly maxPoints?: number;
}

/** One point of a footprint timeline: live bytes from `tNs` until the next point's `tNs`. */
export interface FootprintPoint {
  readonly tNs: number;
  /**
   * Live device-accessible bytes (each allocation rounded up to 2 MiB, the footprint definition of docs/cli.md §3).
   * In a reduced timeline: the maximum over the bucket starting at `tNs`.
   */
  readonly liveBytes: number;
}

/** A footprint timeline and what it summarises. */
export interface FootprintTimeline {
  /** Time-ordered points; draw as a step function (`interpolate: 'step-after'`). */
  readonly points: readonly FootprintPoint[];
  /** The trace footprint: the peak of `liveBytes` (equal to `footprintOf` of the trace). */
  readonly peakBytes: number;
  /** First and last event time (0 and 0 for an empty trace). */
  readonly firstNs: number;
  readonly lastNs: number;
  /** Rows read. */
  readonly events: number;
  /** Live-bytes changes found (before any reduction). */
  readonly changes: number;
  /** True when the points are bucket maxima rather than every change. */
  readonly reduced: boolean;
}

/**
 * Live device-accessible memory over time, from one streaming pass over a trace (a `Trace` or batches):
 * the series whose peak is the trace footprint (docs/cli.md §3; `FootprintTracker` rules: `managed`,
 * `peer_shared` and `device` allocations, each rounded up to 2 MiB). It starts with 0 at the first event,
 * has one point per change of live bytes (several changes at the same time each give a point, last one
 * wins in a step chart), and ends at the last event time with the final value. When that is more than
 * `maxPoints` rows, the span is cut into `maxPoints − 2` equal buckets and each bucket with a change gives
 * one point holding the bucket's maximum (an upper envelope that keeps the peak).
 */
export async function footprintTimeline(trace: Trace | Iterable<EventBatch> | AsyncIterable<EventBatch>, opts: FootprintTimelineOptions = {}): Promise<FootprintTimeline> {
  const maxPoints = Math.max(4, Math.floor(opts.maxPoints ?? 2000));
  const tracker = new FootprintTracker();
  let ts: number[] = [];
  let vs: number[] = [];
  let events = 0;
  let firstNs = NaN;
  let lastNs = 0;
  const source: Iterable<EventBatch> | AsyncIterable<EventBatch> = isTrace(trace) ? trace.read() : trace;
  for await (const b of source) {
    if (b.length === 0) continue;
    if (events === 0) firstNs = b.tNs[0]!;
    events += b.length;
    lastNs = b.tNs[b.length - 1]!;
    for (let i = 0; i < b.length; i++) {
      if (tracker.row(b, i)) {
        ts.push(b.tNs[i]!);
        vs.push(tracker.liveBytes);
      }
    }
  }
  if (events === 0) return { points: [], peakBytes: 0, firstNs: 0, lastNs: 0, events: 0, changes: 0, reduced: false };
  const changes = ts.length;
  const finalBytes = tracker.liveBytes;
  let reduced = false;
  if (changes + 2 > maxPoints) {
    reduced = true;
    const buckets = maxPoints - 2;
    const span = lastNs - firstNs;
    const width = span > 0 ? span / buckets : 1;
    const bt: number[] = [];
    const bv: number[] = [];
    let current = -1;
    for (let k = 0; k < changes; k++) {
      const j = span > 0 ? Math.min(buckets - 1, Math.floor((ts[k]! - firstNs) / width)) : 0;
      if (j !== current) {
        current = j;
        bt.push(firstNs + j * width);
        bv.push(vs[k]!);
      } else if (vs[k]! > bv[bv.length - 1]!) bv[bv.length - 1] = vs[k]!;
    }
    ts = bt;
    vs = bv;
  }
  const points: FootprintPoint[] = [{ tNs: firstNs, liveBytes: 0 }];
  for (let k = 0; k < ts.length; k++) points.push({ tNs: ts[k]!, liveBytes: vs[k]! });
  points.push({ tNs: lastNs, liveBytes: finalBytes });
  return { points, peakBytes: tracker.peakBytes, firstNs, lastNs, events, changes, reduced };
}

function isTrace(x: unknown): x is Trace {
  return typeof x === 'object' && x !== null && typeof (x as Trace).read === 'function';
}
