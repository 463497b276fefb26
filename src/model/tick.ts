/**
 * The first tick `next + k·interval` (k ≥ 0) after `nowNs`. Stepping one interval at a time is exact but
 * takes (nowNs − next) / interval iterations: a trace whose clock jumps by 2^53 ns (a damaged timestamp, a
 * 100-day idle gap) made that billions of steps. Short gaps keep the step loop (bit-identical to before);
 * long ones jump in one multiplication and finish with at most a step or two for rounding.
 */
export function nextTick(next: number, interval: number, nowNs: number): number {
  if (nowNs < next) return next;
  const k = Math.floor((nowNs - next) / interval) + 1;
  if (k < 64) {
    while (nowNs >= next) next += interval;
    return next;
  }
  let t = next + (k - 1) * interval;
  while (nowNs >= t) t += interval;
  return t;
}
