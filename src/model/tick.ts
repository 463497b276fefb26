/**
 * The first tick `next + k·interval` (k ≥ 0) after `nowNs`. Stepping one interval at a time is exact but
 * takes (nowNs − next) / interval iterations: a trace whose clock jumps by 2^53 ns (a damaged timestamp, a
 * 100-day idle gap) made that billions of steps. Short gaps keep the step loop (bit-identical to before);
 * long ones jump in one multiplication and finish with a step or two for rounding. Where the interval is below
 * the resolution of a double at that time (a clock past ~2^62 ns for a 1 µs interval, as `--set
 * link.latencyNs=1e300` made it), a step no longer moves the tick and the loop never ended: the tick is then
 * the next double after `nowNs`.
 */
export function nextTick(next: number, interval: number, nowNs: number): number {
  if (nowNs < next) return next;
  const k = Math.floor((nowNs - next) / interval) + 1;
  let t = k < 64 ? next : next + (k - 1) * interval;
  while (nowNs >= t) {
    const u = t + interval;
    if (u === t) return nextUp(nowNs);
    t = u;
  }
  return t;
}

const f64 = new Float64Array(1);
const bits = new BigUint64Array(f64.buffer);

/** The smallest double above `x` (`x` itself for NaN and +Infinity). */
export function nextUp(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  bits[0] = x > 0 ? bits[0]! + 1n : bits[0]! - 1n;
  return f64[0]!;
}
