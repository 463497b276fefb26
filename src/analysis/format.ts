import { formatBytes, formatNs } from '../units';

/** The kind of quantity a result column holds, from its name (units are in names: `…Ns`, `…Bytes`, `bytes…`). */
export type QuantityUnit = 'ns' | 'bytes' | 'count' | 'ratio';

/** Infer the unit of a column from its name: `simTimeNs` → ns, `bytesH2D`/`capacityBytes` → bytes, `…Ratio`/`slowdown` → ratio. */
export function unitOfColumn(name: string): QuantityUnit {
  const base = name.slice(name.lastIndexOf('.') + 1);
  if (/Ns$/.test(base)) return 'ns';
  if (/Bytes$/.test(base) || /^bytes/.test(base)) return 'bytes';
  if (/Ratio$/.test(base) || base === 'slowdown' || base === 'ratio') return 'ratio';
  return 'count';
}

/** Counts with thousands separators below one million, then `1.23 M`, `4.5 G`. */
export function formatCount(x: number): string {
  const abs = Math.abs(x);
  if (abs >= 1e9) return `${sig(x / 1e9)} G`;
  if (abs >= 1e6) return `${sig(x / 1e6)} M`;
  if (Number.isInteger(x)) return x.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sig(x);
}

/** A ratio as `1.45×` (3 significant digits). */
export function formatRatio(x: number): string {
  return `${sig(x)}×`;
}

/** Format a value of the given unit for tables; null/undefined/NaN → `—`. */
export function formatValue(x: unknown, unit: QuantityUnit): string {
  if (typeof x !== 'number' || Number.isNaN(x)) return x == null ? '—' : String(x);
  switch (unit) {
    case 'ns':
      return formatNs(x);
    case 'bytes':
      return formatBytes(x);
    case 'ratio':
      return formatRatio(x);
    case 'count':
      return formatCount(x);
  }
}

/** `x` to 3 significant digits without trailing zeros. */
export function sig(x: number, digits = 3): string {
  return Number(x.toPrecision(digits)).toString();
}

/** Round to `digits` significant digits (stable numbers in chart data and golden files). */
export function roundSig(x: number, digits = 6): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}
