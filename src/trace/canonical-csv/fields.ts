import { MAX_DEVICE_INDEX as MAX_DEV } from '../event';

// module-local copy: imported bindings are getter calls under tsx (CommonJS output)
const MAX_DEVICE_INDEX = MAX_DEV;

/**
 * Field parsers over raw bytes `buf[s..e)` (no string per field). Numbers are exact: a value ≥ 2^53 is
 * reported, never rounded. Results ≥ 0 are values; "not given" (empty field) is NaN; problems are the
 * negative sentinels below, so callers stay allocation-free until they build a message.
 */

/** Syntax error (not a number of the expected form). */
export const BAD = -1;
/** A negative number. */
export const NEGATIVE = -2;
/** ≥ 2^53: not exactly representable. */
export const TOO_LARGE = -3;

const LIMIT = 2 ** 53;

/** Decimal integer ≥ 0. */
export function parseDecimal(buf: Uint8Array, s: number, e: number): number {
  if (s === e) return NaN;
  let c = buf[s]!;
  if (c === 45 /* - */) return s + 1 < e && isDigits(buf, s + 1, e) ? NEGATIVE : BAD;
  let v = 0;
  for (let p = s; p < e; p++) {
    c = buf[p]!;
    if (c < 48 || c > 57) return BAD;
    v = v * 10 + (c - 48);
  }
  return v >= LIMIT ? TOO_LARGE : v;
}

/** Decimal integer ≥ 0, or `0x`/`0X`-prefixed hexadecimal (any case). */
export function parseAddress(buf: Uint8Array, s: number, e: number): number {
  if (e - s > 2 && buf[s] === 48 && (buf[s + 1] === 120 || buf[s + 1] === 88)) {
    let v = 0;
    for (let p = s + 2; p < e; p++) {
      const c = buf[p]!;
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else return BAD;
      v = v * 16 + d;
    }
    return v >= LIMIT ? TOO_LARGE : v;
  }
  if (e - s > 1 && buf[s] === 45 && buf[s + 1] === 48 && (buf[s + 2] === 120 || buf[s + 2] === 88)) return NEGATIVE;
  return parseDecimal(buf, s, e);
}

function isDigits(buf: Uint8Array, s: number, e: number): boolean {
  for (let p = s; p < e; p++) if (buf[p]! < 48 || buf[p]! > 57) return false;
  return true;
}

/** `cpu`/`host` → 0, `dev<N>` → N+1 (as `agentFromName`), else -1. */
export function parseAgent(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 3 && buf[s] === 99 && buf[s + 1] === 112 && buf[s + 2] === 117) return 0;
  if (n === 4 && buf[s] === 104 && buf[s + 1] === 111 && buf[s + 2] === 115 && buf[s + 3] === 116) return 0;
  if (n < 4 || n > 8 || buf[s] !== 100 || buf[s + 1] !== 101 || buf[s + 2] !== 118) return -1;
  let v = 0;
  for (let p = s + 3; p < e; p++) {
    const c = buf[p]!;
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v <= MAX_DEVICE_INDEX ? v + 1 : -1;
}

/**
 * Check a text field: returns 0 for plain ASCII, 1 when it holds bytes ≥ 0x80 (decode as UTF-8 and
 * validate), or -1 when it holds control bytes (binary data; tab is allowed, and CR/LF inside quoted
 * fields, which the quoted path has already unescaped).
 */
export function textClass(buf: Uint8Array, s: number, e: number, allowNewlines: boolean): number {
  let hi = 0;
  for (let p = s; p < e; p++) {
    const c = buf[p]!;
    if (c < 32) {
      if (c === 9 || (allowNewlines && (c === 10 || c === 13))) continue;
      return -1;
    }
    if (c >= 128) hi = 1;
  }
  return hi;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode `buf[s..e)` as UTF-8; `null` when invalid. */
export function decodeUtf8(buf: Uint8Array, s: number, e: number): string | null {
  try {
    return utf8.decode(buf.subarray(s, e));
  } catch {
    return null;
  }
}

/** Decode ASCII bytes (fast path for fields known to hold only bytes < 0x80). */
export function decodeAscii(buf: Buffer, s: number, e: number): string {
  return buf.toString('latin1', s, e);
}

/** The field as text for messages (lossy for invalid UTF-8; bounded by the caller's `quote`). */
export function fieldText(buf: Buffer, s: number, e: number): string {
  return buf.toString('utf8', s, Math.min(e, s + 200));
}
