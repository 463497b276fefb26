import { MAX_CELL_CHARS, type LinearPattern } from './pattern';
import { ownTable, SI_TO_BINARY, SIZE_UNITS, TIME_UNITS, type ColumnClass, type ColumnRule } from './spec';

/**
 * Exact value conversions for `--map`: decimal text × unit is computed in BigInt on the decimal digits, so
 * `12.345 us` is exactly 12345 ns and `0.5KiB` exactly 512 bytes (never a float product such as
 * 1000.9999999999999). A result with a fraction of a ns is rounded half up; a fraction of a byte is an error.
 * Results are decimal strings, which the canonical row parser then range-checks (< 2^53).
 */

/**
 * Converted text (`''`: not given), or an `error` saying what was expected; `rewritten` is the value that
 * failed when `replace`/`values` changed the cell (messages show it next to the raw cell).
 */
export type Converted = { readonly text: string } | { readonly error: string; readonly rewritten?: string };

/** The origin of `rebase` (the first row's time) and the last rebased value. */
export interface RebaseState {
  origin?: bigint;
  rebased?: bigint;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const WITH_SUFFIX = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-zµμ]*)\s*$/;

/** A decimal number as `mantissa × 10^exp` (BigInt), or null. */
export function parseDecimal(text: string): { m: bigint; exp: number } | null {
  const t = NUMBER.exec(text.trim());
  if (!t || (t[2] === '' && (t[3] ?? '') === '')) return null;
  const frac = t[3] ?? '';
  let m = BigInt((t[2] || '0') + frac);
  if (t[1] === '-') m = -m;
  return { m, exp: -frac.length + (t[4] ? Number(t[4]) : 0) };
}

/** `value × scale`, exact; rounds half up to an integer when `round`, else null when not an integer. */
export function scaleExact(d: { m: bigint; exp: number }, scale: bigint, round: boolean): bigint | null {
  let m = d.m * scale;
  if (d.exp >= 0) return m * 10n ** BigInt(d.exp);
  const div = 10n ** BigInt(-d.exp);
  const q = m / div;
  const r = m % div;
  if (r === 0n) return q;
  if (!round) return null;
  m = r < 0n ? -r : r;
  return 2n * m >= div ? (d.m < 0n ? q - 1n : q + 1n) : q;
}

/** Parse `0x…` hex or a decimal integer as BigInt. */
function parseInteger(text: string): bigint | null {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t);
  if (/^\d+$/.test(t)) return BigInt(t);
  return null;
}

/**
 * Convert one foreign cell for a canonical column of class `cls` by `rule`: `replace` rewrites, then
 * `values` renames (flags: per `|`/`;`-separated token), then the unit conversion. An empty cell, or one
 * that `replace`/`values` turn into the empty string (nvprof's `-` → `""`), is empty: "not given", for every
 * column class (the canonical row rules then decide whether the row needed it). `state.origin` holds the
 * first row's time for `rebase` (set by the first call); `state.rebased` the last rebased time, which is
 * negative for a row earlier than the first (the caller reports or, when sorting, shifts it).
 */
export function convertValue(
  raw: string,
  cls: ColumnClass,
  rule: ColumnRule,
  replace: ReadonlyArray<readonly [LinearPattern, string]>,
  column: string,
  state: RebaseState,
): Converted {
  let v = raw.trim();
  if (v === '') return { text: '' };
  // patterns run in time linear in the cell; longer cells than any real value are refused, not matched
  if (replace.length > 0 && v.length > MAX_CELL_CHARS) return { error: `a value of at most ${MAX_CELL_CHARS} characters (the column has replace patterns)` };
  if (cls === 'text') {
    const one = (s: string): string => {
      let x = s;
      for (const [re, to] of replace) x = re.replaceFirst(x, to);
      return rule.values && Object.prototype.hasOwnProperty.call(rule.values, x) ? rule.values[x]! : x;
    };
    if (column === 'flags' && !(rule.values && Object.hasOwn(rule.values, v))) {
      return { text: v.split(/[|;]/).map((t) => one(t.trim())).filter((t) => t !== '').join('|') };
    }
    return { text: one(v) };
  }
  const cell = v;
  for (const [re, to] of replace) v = re.replaceFirst(v, to);
  if (rule.values && Object.prototype.hasOwnProperty.call(rule.values, v)) v = rule.values[v]!;
  if (v !== cell) {
    v = v.trim();
    if (v === '') return { text: '' };
  }
  if (cls === 'integer') {
    const n = parseInteger(v);
    return n === null ? failed('an integer', v, cell) : { text: n.toString() };
  }
  let n: bigint | null;
  if (cls === 'time') n = convertTime(v, rule.unit ?? 'ns');
  else n = convertAmount(v, rule, cls);
  if (n === null) return failed(expectation(cls, rule), v, cell);
  if (cls === 'time' && rule.rebase) {
    if (state.origin === undefined) state.origin = n;
    n -= state.origin;
    state.rebased = n;
  }
  if (rule.base !== undefined) n += BigInt(rule.base);
  return { text: n.toString() };
}

function failed(error: string, value: string, cell: string): Converted {
  return value === cell ? { error } : { error, rewritten: value };
}

function convertTime(v: string, unit: string): bigint | null {
  let scale = TIME_UNITS[unit];
  let num = v;
  if (unit === 'auto') {
    const m = WITH_SUFFIX.exec(v);
    if (!m) return null;
    scale = m[2] === '' ? 1n : TIME_UNITS[m[2]!];
    num = m[1]!;
  }
  const d = parseDecimal(num);
  return d && scale !== undefined ? scaleExact(d, scale, true) : null;
}

function convertAmount(v: string, rule: ColumnRule, cls: ColumnClass): bigint | null {
  const unit = rule.unit ?? 'B';
  if (cls === 'address' && (unit === 'B' || unit === 'page')) {
    const n = parseInteger(v);
    if (n === null) return null;
    return unit === 'page' ? n * BigInt(rule.pageBytes!) : n;
  }
  if (unit === 'page') {
    const d = parseDecimal(v);
    return d ? scaleExact(d, BigInt(rule.pageBytes!), false) : null;
  }
  let scale = sizeScale(unit, rule);
  let num = v;
  if (unit === 'auto') {
    const m = WITH_SUFFIX.exec(v);
    if (!m) return null;
    scale = m[2] === '' ? 1n : sizeScale(canonicalSizeUnit(m[2]!), rule);
    num = m[1]!;
  }
  const d = parseDecimal(num);
  return d && scale !== undefined ? scaleExact(d, scale, false) : null;
}

/** Bytes per `unit` (a `SIZE_UNITS` key): KB, MB, GB and TB are powers of 1024 with `sizeUnits: "binary"`. */
function sizeScale(unit: string, rule: ColumnRule): bigint | undefined {
  return SIZE_UNITS[rule.sizeUnits === 'binary' ? (SI_TO_BINARY[unit] ?? unit) : unit];
}

/** `k`, `KB`, `kib`, `K` … → the `SIZE_UNITS` key (binary for bare K/M/G/T, as `parseQuantity`). */
function canonicalSizeUnit(s: string): string {
  return SIZE_SUFFIXES[s.toLowerCase()] ?? s;
}

const SIZE_SUFFIXES = ownTable({
  b: 'B', k: 'KiB', kib: 'KiB', m: 'MiB', mib: 'MiB', g: 'GiB', gib: 'GiB', t: 'TiB', tib: 'TiB', kb: 'KB', mb: 'MB', gb: 'GB', tb: 'TB',
});

function expectation(cls: ColumnClass, rule: ColumnRule): string {
  const unit = rule.unit ?? (cls === 'time' ? 'ns' : 'B');
  if (unit === 'auto') {
    if (cls === 'time') return 'a time with an optional unit (45us, 1.5ms)';
    return rule.sizeUnits === 'binary' ? 'a size with an optional unit (4096, 64KiB, 2MB; KB, MB, GB, TB binary)' : 'a size with an optional unit (4096, 64KiB, 2MB)';
  }
  if (unit === 'page') return `a whole page number (× ${rule.pageBytes} bytes)`;
  if (cls === 'address') return `an address (decimal or 0x hex) in ${unit}`;
  if (cls === 'time') return `a number of ${unit}`;
  return `a whole number of bytes when counted in ${unit}${rule.sizeUnits === 'binary' && Object.hasOwn(SI_TO_BINARY, unit) ? ` (binary: ${SI_TO_BINARY[unit]})` : ''}`;
}
