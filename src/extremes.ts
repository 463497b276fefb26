/**
 * The largest and smallest of a list, as `Math.max(...xs)` / `Math.min(...xs)` answer them (−∞ / +∞ for an empty
 * list, NaN when one is NaN) but in a loop: spreading passes every element as an argument, and a list of some
 * 10^5 elements overflows the call stack (`gmemlab sweep --dry-run` over 200,000 points died in the table width).
 */
export function maxOf(xs: readonly number[], init = -Infinity): number {
  let m = init;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]!);
  return m;
}

export function minOf(xs: readonly number[], init = Infinity): number {
  let m = init;
  for (let i = 0; i < xs.length; i++) m = Math.min(m, xs[i]!);
  return m;
}
