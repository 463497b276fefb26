/**
 * Units used throughout gmemlab. Every quantity is a plain `number` whose unit is in its name:
 * bytes (`…Bytes`), nanoseconds (`…Ns`, `tNs`) and bytes per nanosecond (`…BytesPerNs`; 1 byte/ns = 1 GB/s,
 * decimal). Values stay exact integers below 2^53 (`MAX_EXACT`).
 */

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;
export const KB = 1e3;
export const MB = 1e6;
export const GB = 1e9;
export const TB = 1e12;

export const US_NS = 1e3;
export const MS_NS = 1e6;
export const S_NS = 1e9;

/** 2^53: addresses, sizes and times must stay below this to be exact in a float64. */
export const MAX_EXACT = 2 ** 53;

/** 1 GB/s (decimal) is exactly 1 byte per ns. */
export function gbpsToBytesPerNs(gbPerS: number): number {
  return gbPerS;
}

/** Gigabits per second (network line rates) to bytes per ns. */
export function gbitpsToBytesPerNs(gbitPerS: number): number {
  return gbitPerS / 8;
}

const BYTE_SUFFIXES: Readonly<Record<string, number>> = {
  b: 1, kib: KiB, mib: MiB, gib: GiB, tib: TiB, kb: KB, mb: MB, gb: GB, tb: TB, k: KiB, m: MiB, g: GiB, t: TiB,
};
const TIME_SUFFIXES: Readonly<Record<string, number>> = { ns: 1, us: US_NS, 'µs': US_NS, 'μs': US_NS, ms: MS_NS, s: S_NS };

export type QuantityKind = 'bytes' | 'ns';

/**
 * Parse a number with an optional unit suffix: `64KiB`, `2MiB`, `80GB`, `45us`, `1.5ms`, `4096`.
 * Bare numbers are taken in the base unit (bytes or ns). Binary suffixes (KiB, K) are powers of 1024,
 * decimal ones (KB) powers of 1000. Returns `undefined` when the text is not such a quantity.
 */
export function parseQuantity(text: string, kind: QuantityKind): number | undefined {
  const m = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-zµμ]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const suffix = m[2]!.toLowerCase();
  if (suffix === '') return value;
  const table = kind === 'bytes' ? BYTE_SUFFIXES : TIME_SUFFIXES;
  const scale = table[suffix];
  return scale === undefined ? undefined : value * scale;
}

/** Human-readable binary size: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < KiB) return `${bytes} B`;
  const units: Array<[number, string]> = [[TiB, 'TiB'], [GiB, 'GiB'], [MiB, 'MiB'], [KiB, 'KiB']];
  for (const [size, name] of units) if (abs >= size) return `${trim(bytes / size)} ${name}`;
  return `${bytes} B`;
}

/** Human-readable duration: 1500 → "1.5 µs". */
export function formatNs(ns: number): string {
  const abs = Math.abs(ns);
  if (abs >= S_NS) return `${trim(ns / S_NS)} s`;
  if (abs >= MS_NS) return `${trim(ns / MS_NS)} ms`;
  if (abs >= US_NS) return `${trim(ns / US_NS)} µs`;
  return `${trim(ns)} ns`;
}

function trim(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** Round `x` up to a multiple of `unit` (unit > 0). */
export function roundUp(x: number, unit: number): number {
  return Math.ceil(x / unit) * unit;
}

/** Round `x` down to a multiple of `unit` (unit > 0). */
export function roundDown(x: number, unit: number): number {
  return Math.floor(x / unit) * unit;
}
