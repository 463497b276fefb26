import { gzipSync } from 'node:zlib';
import { Rng } from '../sim/rng';

/**
 * Input mutations for the fuzz runner (src/fuzz/runner.ts): pure functions of (input, other inputs, seeded
 * generator), so a seed reproduces every mutated input exactly. Each mutation names itself (`detail`), which
 * the runner saves beside a crashing input.
 *
 * Operators, chosen to reach the parsers' edge cases rather than only their first byte check:
 * - `flip`: 1–8 bytes replaced (random byte, one bit, or a byte that is structural in text formats);
 * - `truncate`: the input cut at a random point (or just before its end);
 * - `insert` / `delete`: a few random or structural bytes inserted, a short range removed;
 * - `splice`: the head of this input joined to the tail of another corpus input (often of another format);
 * - `repeat`: a chunk repeated in place (long lines, duplicated records, deep nesting);
 * - `huge-number`: a run of digits replaced by a huge, negative, fractional, hex or non-finite number, or
 *   1–8 bytes overwritten by an extreme binary integer (length fields of pickles, Arrow, SQLite);
 * - `gzip`: another mutation, then gzip-compressed (the gzip reader path);
 * - `gzip-damage`: the input gzip-compressed, then its compressed bytes flipped or truncated.
 * 1–3 operators are stacked. Outputs are capped at `maxBytes` (default 8 MiB or 4× the input).
 */
export type MutationKind = 'flip' | 'truncate' | 'insert' | 'delete' | 'splice' | 'repeat' | 'huge-number' | 'gzip' | 'gzip-damage';

export const MUTATION_KINDS: readonly MutationKind[] = ['flip', 'truncate', 'insert', 'delete', 'splice', 'repeat', 'huge-number', 'gzip', 'gzip-damage'];

/** A mutated input and how it was made. */
export interface Mutated {
  readonly bytes: Uint8Array;
  /** The operators applied, in order, with their positions (e.g. `flip@120,truncate@4000`). */
  readonly detail: string;
  /** The operator kinds applied. */
  readonly kinds: readonly MutationKind[];
}

/** Bytes that are structural in the text formats gmemlab reads (CSV, JSON, JSON Lines, kernel logs). */
const STRUCTURAL = [0x22, 0x2c, 0x0a, 0x0d, 0x3b, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x2d, 0x2e, 0x30, 0x39, 0x78, 0x23, 0x5c, 0x00, 0xff, 0x80, 0xc3, 0xef, 0x09, 0x20];

/** Tokens inserted by `insert`: quoting, separators, numbers at the limits, BOMs, invalid UTF-8, nesting. */
const TOKENS = [
  '"', '""', ',', ',,,,', '\n', '\r\n', '\r', '\u0000', '#', '0x', '-', '-1', 'NaN', '1e400', '\ufeff', '{', '}', '[', ']',
  '[[[[[[[[[[', '{"a":', 'null', 'true', ':', '\\', '\\u0000', '\\ud800', '9007199254740993', 'x_', 't_ns', 'op', ' ',
].map((s) => Buffer.from(s, 'utf8'));

/** Replacements for a run of ASCII digits. */
const NUMBERS = [
  '9'.repeat(20), '9'.repeat(400), '18446744073709551616', '9007199254740992', '9007199254740993', '-1', '-0', '0', '00000000',
  '1e308', '1e999', '-1e999', '1.5', '0.000001', 'NaN', 'Infinity', '-Infinity', '4294967296', '4294967295', '2147483648',
  '0x' + 'f'.repeat(16), '0x' + 'f'.repeat(30), '0x', '1_000', '+5', ' 5', '5 ', '１２',
  // large but valid (< 2^53): they pass validation and reach the simulators (huge allocations, far addresses)
  '9007199254740991', '4503599627370496', '281474976710656', '1099511627776', '0x1fffffffffffff', '0x7ffffffff000', '4294967295',
];

/** Extreme binary integers written by `huge-number` over 1, 2, 4 or 8 bytes (both byte orders). */
const BINARY: ReadonlyArray<(w: number) => number[]> = [
  (w) => new Array<number>(w).fill(0xff), // -1 / max unsigned
  (w) => new Array<number>(w).fill(0), // zero
  (w) => [...new Array<number>(w - 1).fill(0xff), 0x7f], // max signed, little-endian
  (w) => [0x7f, ...new Array<number>(w - 1).fill(0xff)], // max signed, big-endian
  (w) => [...new Array<number>(w - 1).fill(0), 0x80], // min signed, little-endian
];

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

function pick<T>(rng: Rng, a: readonly T[]): T {
  return a[rng.int(a.length)]!;
}

/** A position biased towards the start (headers, magic bytes and length fields live there). */
function position(rng: Rng, n: number): number {
  if (n <= 0) return 0;
  return rng.next() < 0.3 ? rng.int(Math.min(n, 256)) : rng.int(n);
}

/** Start of a run of ASCII digits near `from` (searching forward, wrapping), or -1. */
function digitRun(b: Uint8Array, from: number): [number, number] | undefined {
  const n = b.length;
  for (let k = 0; k < n; k++) {
    const i = (from + k) % n;
    if (b[i]! >= 0x30 && b[i]! <= 0x39) {
      let s = i;
      while (s > 0 && b[s - 1]! >= 0x30 && b[s - 1]! <= 0x39) s--;
      let e = i;
      while (e < n && b[e]! >= 0x30 && b[e]! <= 0x39) e++;
      return [s, e];
    }
  }
  return undefined;
}

function one(kind: MutationKind, input: Uint8Array, others: readonly Uint8Array[], rng: Rng): { bytes: Uint8Array; detail: string } {
  const n = input.length;
  switch (kind) {
    case 'flip': {
      const b = Uint8Array.from(input);
      if (n === 0) return { bytes: Uint8Array.of(pick(rng, STRUCTURAL)), detail: 'flip@0' };
      const flips = 1 + rng.int(8);
      const at: number[] = [];
      for (let f = 0; f < flips; f++) {
        const i = position(rng, n);
        const r = rng.next();
        b[i] = r < 0.4 ? rng.int(256) : r < 0.7 ? b[i]! ^ (1 << rng.int(8)) : pick(rng, STRUCTURAL);
        at.push(i);
      }
      return { bytes: b, detail: `flip@${at.join('/')}` };
    }
    case 'truncate': {
      const cut = rng.next() < 0.2 ? Math.max(0, n - 1 - rng.int(16)) : rng.int(n + 1);
      return { bytes: input.subarray(0, cut), detail: `truncate@${cut}` };
    }
    case 'insert': {
      const i = position(rng, n + 1);
      const tok = rng.next() < 0.7 ? pick(rng, TOKENS) : Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      return { bytes: concat(input.subarray(0, i), tok, input.subarray(i)), detail: `insert@${i}+${tok.length}` };
    }
    case 'delete': {
      const i = position(rng, n);
      const len = Math.min(n - i, rng.next() < 0.8 ? 1 + rng.int(64) : 1 + rng.int(Math.max(1, n >> 3)));
      return { bytes: concat(input.subarray(0, i), input.subarray(i + len)), detail: `delete@${i}-${len}` };
    }
    case 'splice': {
      const other = others.length ? pick(rng, others) : input;
      const a = rng.int(n + 1);
      const b = rng.int(other.length + 1);
      return { bytes: concat(input.subarray(0, a), other.subarray(b)), detail: `splice@${a}+other@${b}` };
    }
    case 'repeat': {
      if (n === 0) return { bytes: input, detail: 'repeat@0' };
      const i = position(rng, n);
      const len = Math.min(n - i, 1 + rng.int(rng.next() < 0.5 ? 64 : 4096));
      const times = 2 + rng.int(rng.next() < 0.8 ? 8 : 200);
      const chunk = input.subarray(i, i + len);
      const parts: Uint8Array[] = [input.subarray(0, i)];
      for (let k = 0; k < times; k++) parts.push(chunk);
      parts.push(input.subarray(i + len));
      return { bytes: concat(...parts), detail: `repeat@${i}+${len}x${times}` };
    }
    case 'huge-number': {
      const run = n > 0 && rng.next() < 0.7 ? digitRun(input, position(rng, n)) : undefined;
      if (run) {
        const num = Buffer.from(pick(rng, NUMBERS), 'utf8');
        return { bytes: concat(input.subarray(0, run[0]), num, input.subarray(run[1])), detail: `number@${run[0]}=${num.toString('utf8').slice(0, 24)}` };
      }
      const b = Uint8Array.from(input);
      const width = pick(rng, [1, 2, 4, 8]);
      const i = position(rng, Math.max(0, n - width + 1));
      const pattern = pick(rng, BINARY);
      const bytes = pattern(width);
      for (let k = 0; k < width && i + k < n; k++) b[i + k] = bytes[k]!;
      return { bytes: b, detail: `binary@${i}x${width}=${Buffer.from(bytes).toString('hex')}` };
    }
    case 'gzip': {
      const inner = pick(rng, MUTATION_KINDS.filter((k) => k !== 'gzip' && k !== 'gzip-damage'));
      const m = one(inner, input, others, rng);
      return { bytes: gzipSync(m.bytes, { level: 1 + rng.int(9) }), detail: `gzip(${m.detail})` };
    }
    case 'gzip-damage': {
      const gz = gzipSync(input, { level: 6 });
      const m = one(rng.next() < 0.5 ? 'truncate' : 'flip', gz, [], rng);
      return { bytes: m.bytes, detail: `gzip-damage(${m.detail})` };
    }
  }
}

/** Apply 1–3 seeded mutations to `input` (gzip ones only last). */
export function mutate(input: Uint8Array, others: readonly Uint8Array[], rng: Rng, maxBytes?: number): Mutated {
  const cap = maxBytes ?? Math.max(8 << 20, input.length * 4);
  const count = 1 + (rng.next() < 0.35 ? 1 + rng.int(2) : 0);
  let bytes = input;
  const kinds: MutationKind[] = [];
  const details: string[] = [];
  for (let k = 0; k < count; k++) {
    const last = k === count - 1;
    const choices = last ? MUTATION_KINDS : MUTATION_KINDS.filter((x) => x !== 'gzip' && x !== 'gzip-damage');
    const kind = pick(rng, choices);
    const m = one(kind, bytes, others, rng);
    bytes = m.bytes.length > cap ? m.bytes.subarray(0, cap) : m.bytes;
    kinds.push(kind);
    details.push(m.bytes.length > cap ? `${m.detail}(capped)` : m.detail);
  }
  return { bytes, detail: details.join(','), kinds };
}
