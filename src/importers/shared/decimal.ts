/**
 * Exact decimal-text time conversion: `"0.134"` seconds → 134000000 ns without binary floating point.
 * `fractionDigits` is the number of decimal digits of the target unit per source unit (9 for s → ns,
 * 3 for µs → ns). Returns undefined for text that is not a non-negative decimal number.
 */
export function decimalToUnits(text: string, fractionDigits: number): bigint | undefined {
  const m = /^(\d{1,20})(?:\.(\d{0,30}))?$/.exec(text.trim());
  if (!m) return undefined;
  const frac = (m[2] ?? '').padEnd(fractionDigits, '0');
  const kept = frac.slice(0, fractionDigits);
  let v = BigInt(m[1]!) * 10n ** BigInt(fractionDigits) + BigInt(kept || '0');
  if (frac.length > fractionDigits && frac[fractionDigits]! >= '5') v += 1n; // round half up
  return v;
}
