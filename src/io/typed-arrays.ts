/** The typed-array kinds of per-id columns (structure-of-arrays tables of models) and of parser scratch arrays. */
export type NumericArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array;

/**
 * A copy of `a` of the same kind with length `n` (≥ `a.length`): the first `a.length` elements are `a`'s, the
 * rest are `fill` (default 0, what a fresh typed array holds). Structure-of-arrays tables grow by replacing
 * each column with `grown(column, n, valueOfAFreeId)`; the canonical CSV parsers grow their field-offset arrays
 * the same way. Not for hot paths: it allocates (callers double, so this runs O(log n) times).
 */
export function grown<T extends NumericArray>(a: T, n: number, fill = 0): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  if (fill !== 0) b.fill(fill);
  b.set(a as ArrayLike<number> & T);
  return b;
}
