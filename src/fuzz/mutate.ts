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

/*
 * Structural mutations (issue 18): inputs shaped like the hostile cases an adversarial run found, which
 * byte-level operators almost never produce. Each target names the ones that fit its format (targets.ts):
 * - `shared-refs`: a pickle whose memo makes one object reachable many times — nested tuples that each hold
 *   the previous one twice (2^depth paths from 1 KB), or a snapshot whose devices all share one trace list;
 * - `cyclic-key`: a pickle dict key that contains itself (a tuple holding a list holding the tuple, or a list
 *   holding itself), or a tuple/list key nested tens of thousands deep;
 * - `huge-string`: one string of up to several MiB — a JSON string literal or a CSV field of the input made
 *   huge (plain, escaped or multi-byte), or a pickle holding one huge string;
 * - `wide-csv`: the input's header (and some rows) widened to hundreds … 100 k columns.
 */
export type StructuralKind = 'shared-refs' | 'cyclic-key' | 'huge-string' | 'wide-csv';

export const STRUCTURAL_KINDS: readonly StructuralKind[] = ['shared-refs', 'cyclic-key', 'huge-string', 'wide-csv'];

/** Pickle opcodes used by the builders (protocol 2 and 4 subsets the safe reader accepts). */
const P = {
  PROTO: 0x80, STOP: 0x2e, MARK: 0x28, POP: 0x30, EMPTY_TUPLE: 0x29, TUPLE1: 0x85, TUPLE2: 0x86, EMPTY_LIST: 0x5d, APPEND: 0x61,
  EMPTY_DICT: 0x7d, SETITEM: 0x73, SETITEMS: 0x75, BININT: 0x4a, BININT1: 0x4b, BINUNICODE: 0x58, BINPUT: 0x71, LONG_BINPUT: 0x72,
  BINGET: 0x68, LONG_BINGET: 0x6a,
} as const;

/** A tiny pickle writer: appends opcodes; `bytes()` closes the stream with STOP. */
export class PickleWriter {
  private readonly chunks: Buffer[] = [];
  private cur: number[] = [];
  constructor(protocol = 2) {
    this.cur.push(P.PROTO, protocol);
  }
  private flushCur(): void {
    if (this.cur.length) this.chunks.push(Buffer.from(this.cur));
    this.cur = [];
  }
  op(...codes: number[]): this {
    for (const c of codes) this.cur.push(c);
    if (this.cur.length > 65536) this.flushCur();
    return this;
  }
  /** The same opcode `n` times (deep nesting without a per-byte call). */
  repeat(code: number, n: number): this {
    this.flushCur();
    this.chunks.push(Buffer.alloc(n, code));
    return this;
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(P.BININT1, n);
    const b = Buffer.alloc(4);
    b.writeInt32LE(n | 0);
    return this.op(P.BININT, ...b);
  }
  str(s: string | Buffer): this {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    this.op(P.BINUNICODE, ...len);
    this.flushCur();
    this.chunks.push(b);
    return this;
  }
  put(i: number): this {
    if (i < 256) return this.op(P.BINPUT, i);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(i);
    return this.op(P.LONG_BINPUT, ...b);
  }
  get(i: number): this {
    if (i < 256) return this.op(P.BINGET, i);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(i);
    return this.op(P.LONG_BINGET, ...b);
  }
  bytes(): Uint8Array {
    this.op(P.STOP);
    this.flushCur();
    return Buffer.concat(this.chunks);
  }
}

/** `{x_depth: 1}` (or `{'k': x_depth}`) where x_0 = () and x_i = (x_{i−1}, x_{i−1}) through the memo: 2^depth paths. */
export function sharedTuplePickle(depth: number, asKey = true): Uint8Array {
  const w = new PickleWriter(2).op(P.EMPTY_DICT);
  if (!asKey) w.str('k');
  // as Python's pickler writes it: x_{i−1} is on the stack, its second occurrence a memo reference
  w.op(P.EMPTY_TUPLE).put(0);
  for (let i = 1; i <= depth; i++) w.get(i - 1).op(P.TUPLE2).put(i);
  if (asKey) w.int(1);
  return w.op(P.SETITEM).bytes();
}

/**
 * A PyTorch memory snapshot (`{'segments': [], 'device_traces': [...]}`) whose `devices` devices all share one
 * list of `entries` alloc/free_completed entries (memo references, as `pickle` writes a list referenced twice).
 * With `devices` = 1 it is an ordinary small snapshot.
 */
export function sharedListSnapshotPickle(devices: number, entries: number): Uint8Array {
  const w = new PickleWriter(2).op(P.EMPTY_DICT).str('segments').op(P.EMPTY_LIST, P.SETITEM).str('device_traces').op(P.EMPTY_LIST);
  // the keys and action names are written once (memoised on first use) and referenced by every entry
  const memo = new Map<string, number>();
  w.op(P.EMPTY_LIST).put(0); // the shared list
  let next = 1;
  const s = (t: string): void => {
    const m = memo.get(t);
    if (m !== undefined) w.get(m);
    else {
      w.str(t).put(next);
      memo.set(t, next++);
    }
  };
  for (let i = 0; i < entries; i++) {
    const free = i % 2 === 1;
    w.op(P.EMPTY_DICT, P.MARK);
    s('action');
    s(free ? 'free_completed' : 'alloc');
    s('addr');
    w.int(0x100000 + (i >> 1) * 512);
    s('size');
    w.int(512);
    s('stream');
    w.int(0);
    s('time_us');
    w.int(i);
    w.op(P.SETITEMS, P.APPEND);
  }
  w.op(P.APPEND); // device 0's list into device_traces
  for (let d = 1; d < devices; d++) w.get(0).op(P.APPEND);
  return w.op(P.SETITEM).bytes();
}

/** A dict whose key contains itself: `cycle-tuple` {t: L} with t = (L,), L = [t]; `cycle-list` {L: 1} with L = [L]. */
export function cyclicKeyPickle(variant: 'cycle-tuple' | 'cycle-list'): Uint8Array {
  const w = new PickleWriter(2).op(P.EMPTY_DICT);
  if (variant === 'cycle-list') return w.op(P.EMPTY_LIST).put(0).get(0).op(P.APPEND).int(1).op(P.SETITEM).bytes();
  // stack: D, t=(L,) | L, t → APPEND → D, t, L → SETITEM
  return w.op(P.EMPTY_LIST).put(0).op(P.TUPLE1).put(1).get(0).get(1).op(P.APPEND, P.SETITEM).bytes();
}

/** A dict key nested `depth` deep: `((((),),),)…` or `[[[[…]]]]`. */
export function deepKeyPickle(depth: number, kind: 'tuple' | 'list'): Uint8Array {
  const w = new PickleWriter(2).op(P.EMPTY_DICT);
  if (kind === 'tuple') w.op(P.EMPTY_TUPLE).repeat(P.TUPLE1, depth);
  else w.repeat(P.EMPTY_LIST, depth).repeat(P.APPEND, depth - 1);
  return w.int(1).op(P.SETITEM).bytes();
}

/** `{'segments': <one string of `bytes` bytes>}`. */
export function hugeStringPickle(bytes: number): Uint8Array {
  return new PickleWriter(2).op(P.EMPTY_DICT).str('segments').str(Buffer.alloc(bytes, 0x61)).op(P.SETITEM).bytes();
}

function isPickle(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === P.PROTO && b[1]! <= 5;
}

/** Lines of a text input (without their line ends) and the line end it uses. */
function lines(b: Uint8Array): { rows: string[]; eol: string } {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'); // byte-preserving
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const rows = text.split(eol);
  if (rows.length > 1 && rows[rows.length - 1] === '') rows.pop();
  return { rows, eol };
}

function fromLatin1(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** Content of a huge string of `n` bytes: plain, JSON escapes, or multi-byte UTF-8. */
function hugeFill(rng: Rng, n: number, json: boolean): { fill: Buffer; how: string } {
  const r = rng.int(json ? 3 : 2);
  if (r === 0) return { fill: Buffer.alloc(n, 0x61), how: 'plain' };
  if (r === 1) return { fill: Buffer.alloc(n - (n % 2), Buffer.from('é', 'utf8')), how: 'utf8' };
  return { fill: Buffer.alloc(n - (n % 6), '\\u0041'), how: 'escaped' };
}

function structural(kind: StructuralKind, input: Uint8Array, rng: Rng, cap: number): { bytes: Uint8Array; detail: string } {
  const n = input.length;
  switch (kind) {
    case 'shared-refs': {
      if (rng.next() < 0.5) {
        const depth = 16 + rng.int(49); // 16..64: 2^64 paths in < 1 KB
        const asKey = rng.next() < 0.7;
        return { bytes: sharedTuplePickle(depth, asKey), detail: `shared-refs(tuple depth ${depth}${asKey ? ' key' : ' value'})` };
      }
      const devices = 2 + rng.int(63);
      const entries = 1 + rng.int(2000);
      return { bytes: sharedListSnapshotPickle(devices, entries), detail: `shared-refs(${devices} devices share ${entries} entries)` };
    }
    case 'cyclic-key': {
      const r = rng.int(4);
      if (r < 2) {
        const v = r === 0 ? 'cycle-tuple' : 'cycle-list';
        return { bytes: cyclicKeyPickle(v), detail: `cyclic-key(${v})` };
      }
      const depth = pick(rng, [1000, 50_000, 200_000, Math.max(1000, Math.min(1_000_000, cap - 64))]);
      const k = r === 2 ? 'tuple' : 'list';
      return { bytes: deepKeyPickle(Math.min(depth, Math.floor((cap - 64) / 2)), k), detail: `cyclic-key(${k} ${depth} deep)` };
    }
    case 'huge-string': {
      const size = Math.max(16, Math.min(pick(rng, [64 << 10, 1 << 20, 6 << 20]), cap - n - 16));
      if (isPickle(input)) return { bytes: hugeStringPickle(size), detail: `huge-string(pickle ${size})` };
      const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      const from = position(rng, n);
      const open = n ? b.indexOf(0x22, from) >= 0 ? b.indexOf(0x22, from) : b.indexOf(0x22) : -1;
      if (open >= 0) {
        let close = open + 1;
        while (close < n && b[close] !== 0x22) close += b[close] === 0x5c ? 2 : 1;
        const { fill, how } = hugeFill(rng, size, true);
        return { bytes: concat(b.subarray(0, open + 1), fill, b.subarray(Math.min(close, n))), detail: `huge-string(${how} ${fill.length}@${open})` };
      }
      // no string literal: a CSV field (or a whole line) of some row becomes huge
      const { rows, eol } = lines(input);
      const row = rows.length > 1 ? 1 + rng.int(rows.length - 1) : 0;
      const cells = (rows[row] ?? '').split(',');
      const col = rng.int(cells.length);
      const { fill, how } = hugeFill(rng, size, false);
      cells[col] = fill.toString('latin1');
      rows[row] = cells.join(',');
      return { bytes: fromLatin1(rows.join(eol) + eol), detail: `huge-string(${how} ${fill.length} in line ${row + 1} field ${col + 1})` };
    }
    case 'wide-csv': {
      const { rows, eol } = lines(input);
      let h = rows.findIndex((r) => !r.startsWith('#'));
      if (h < 0) h = 0;
      const cols = pick(rng, [256, 10_000, 100_000]);
      const extraHeader = Array.from({ length: cols }, (_, k) => `c${k}`).join(',');
      const mode = rng.int(3); // 0: header and rows, 1: header only, 2: one row only
      const budget = cap - n;
      const widened = rows.slice();
      if (mode !== 2) widened[h] = `${widened[h] ?? ''},${extraHeader}`;
      let used = mode !== 2 ? extraHeader.length + 1 : 0;
      const empties = ','.repeat(cols);
      for (let r = h + 1; r < widened.length && mode !== 1; r++) {
        if (used + cols > budget) {
          widened.length = r; // keep what fits
          break;
        }
        widened[r] = widened[r] + empties;
        used += cols;
        if (mode === 2) break;
      }
      return { bytes: fromLatin1(widened.join(eol) + eol), detail: `wide-csv(${cols} columns, ${['header and rows', 'header only', 'one row'][mode]})` };
    }
  }
}

/**
 * One structural mutation of `input` (a kind from `kinds`), capped at `maxBytes` (default 8 MiB or 4× the
 * input). Pure in (input, kinds, rng), like `mutate`.
 */
export function mutateStructural(input: Uint8Array, kinds: readonly StructuralKind[], rng: Rng, maxBytes?: number): { bytes: Uint8Array; detail: string; kinds: readonly StructuralKind[] } {
  const cap = maxBytes ?? Math.max(8 << 20, input.length * 4);
  const kind = pick(rng, kinds);
  const m = structural(kind, input, rng, cap);
  const bytes = m.bytes.length > cap ? m.bytes.subarray(0, cap) : m.bytes;
  return { bytes, detail: m.bytes.length > cap ? `${m.detail}(capped)` : m.detail, kinds: [kind] };
}
