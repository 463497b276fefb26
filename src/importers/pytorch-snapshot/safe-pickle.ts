import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import { Checkpoint } from '../shared/checkpoint';
import { maxStringBytes } from '../shared/limits';

/**
 * A whitelist pickle reader for plain data (docs/trace-formats.md A). It understands only the opcodes that build
 * dicts, lists, tuples, ints, floats, strings, booleans and None, plus framing and memo bookkeeping. Any
 * opcode that would import a name, call, build or persist an object (GLOBAL, STACK_GLOBAL, REDUCE, BUILD,
 * INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT1/2/4, PERSID, BINPERSID) stops the read with an error naming the
 * opcode and its byte offset; nothing is ever executed, because this reader has no way to execute anything:
 * it only ever creates JS data values.
 *
 * Value mapping: dict → null-prototype object (keys stringified, so a key `__proto__` is an ordinary key),
 * list and tuple → array, int → number when |v| ≤ 2^53 − 1, otherwise bigint (LONG1 is decoded exactly
 * via BigInt; callers range-check), float → number, str → string, True/False → boolean, None → null.
 *
 * Dict keys must be hashable, as in Python: str, int, float, bool, None, or tuples of these (nested to any
 * depth). A tuple key becomes its JSON text when that is short (`[1,"a"]`), else `tuple#N`, where N is an id
 * interned once per distinct tuple from its children's ids: linear in the number of distinct objects however
 * many references they share (JSON text of 60 nested tuples sharing references would be 2^60 long), with no
 * recursion (a key nested a million deep is fine). A list or dict inside a key is refused (unhashable; every
 * cyclic key goes through one, since a tuple can only hold values that existed before it).
 *
 * Work is linear in the input: strings longer than `maxStringBytes` are refused before they are built, and
 * `readSafePickleAsync` checks an abort signal and yields to the event loop every `CHECK_EVERY_STEPS` opcodes.
 */

export type PickleValue = null | boolean | number | bigint | string | PickleValue[] | { [key: string]: PickleValue };

/** Opcodes this reader accepts (the data subset). */
export const ALLOWED_OPCODES: Readonly<Record<number, string>> = {
  0x80: 'PROTO', 0x95: 'FRAME', 0x7d: 'EMPTY_DICT', 0x5d: 'EMPTY_LIST', 0x29: 'EMPTY_TUPLE', 0x28: 'MARK',
  0x75: 'SETITEMS', 0x73: 'SETITEM', 0x65: 'APPENDS', 0x61: 'APPEND', 0x4a: 'BININT', 0x4b: 'BININT1',
  0x4d: 'BININT2', 0x8a: 'LONG1', 0x8c: 'SHORT_BINUNICODE', 0x58: 'BINUNICODE', 0x94: 'MEMOIZE', 0x68: 'BINGET',
  0x6a: 'LONG_BINGET', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x4e: 'NONE',
  0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x74: 'TUPLE', 0x47: 'BINFLOAT', 0x2e: 'STOP',
};

/** Opcodes that import, call or build objects: always refused. */
export const FORBIDDEN_OPCODES: Readonly<Record<number, string>> = {
  0x63: 'GLOBAL', 0x93: 'STACK_GLOBAL', 0x52: 'REDUCE', 0x62: 'BUILD', 0x69: 'INST', 0x6f: 'OBJ', 0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x50: 'PERSID', 0x51: 'BINPERSID',
};

/** Other protocol opcodes, named in the "unsupported" error. */
const OTHER_OPCODES: Readonly<Record<number, string>> = {
  0x49: 'INT', 0x4c: 'LONG', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE',
  0x46: 'FLOAT', 0x6c: 'LIST', 0x64: 'DICT', 0x67: 'GET', 0x70: 'PUT', 0x30: 'POP', 0x32: 'DUP', 0x31: 'POP_MARK',
  0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8',
  0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

/** Longest tuple key kept as readable JSON text; longer keys become `tuple#N`. */
export const MAX_KEY_TEXT = 200;

export interface SafePickleOptions {
  /** Longest str (bytes) accepted; default `maxStringBytes()` (64 MiB, `GMEMLAB_MAX_STRING_BYTES`). */
  readonly maxStringBytes?: number;
}

export interface SafePickleAsyncOptions extends SafePickleOptions {
  /** Stops the read (rejecting with the signal's reason) at the next checkpoint after it is aborted. */
  readonly signal?: AbortSignal;
  /** The checkpoint to count opcodes on (default: one on `signal`, every `CHECK_EVERY_STEPS` opcodes). */
  readonly checkpoint?: Checkpoint;
}

/** Read one pickle from `data`. Errors are `GmemlabError`s located as `file:@offset`. */
export function readSafePickle(data: Uint8Array, file: string, opts: SafePickleOptions = {}): PickleValue {
  const r = new SafePickleReader(data, file, opts);
  while (!r.run(Infinity));
  return r.result;
}

/**
 * `readSafePickle` in slices of `checkpoint.everySteps` opcodes: between slices it checks the abort signal
 * (rejecting with its reason) and yields to the event loop, so SIGINT/SIGTERM handlers run during a long read.
 */
export async function readSafePickleAsync(data: Uint8Array, file: string, opts: SafePickleAsyncOptions = {}): Promise<PickleValue> {
  const cp = opts.checkpoint ?? new Checkpoint(opts.signal);
  const r = new SafePickleReader(data, file, opts);
  cp.check();
  for (;;) {
    const before = r.steps;
    const done = r.run(cp.everySteps);
    if (done) return r.result;
    if (cp.tick(r.steps - before)) await cp.pause();
  }
}

const MARK = Symbol('mark');
type Slot = PickleValue | typeof MARK;

/** The decoder state; `run(n)` executes at most `n` opcodes. */
class SafePickleReader {
  /** Opcodes executed so far. */
  steps = 0;
  result: PickleValue = null;
  private readonly view: DataView;
  private readonly buf: Buffer;
  private readonly stack: Slot[] = [];
  private readonly marks: number[] = [];
  private readonly memo: PickleValue[] = [];
  private readonly keys = new KeyInterner();
  private readonly maxStr: number;
  private p = 0;
  private at = 0; // offset of the current opcode
  private name = '';

  constructor(
    private readonly data: Uint8Array,
    private readonly file: string,
    opts: SafePickleOptions,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.maxStr = opts.maxStringBytes ?? maxStringBytes();
  }

  private bad(expected: string, found: string): never {
    return fail(importerMessages.syntax({ file: this.file, offset: this.at }, `pickle (opcode ${this.name})`, expected, found));
  }
  private need(n: number): void {
    if (this.p + n > this.data.length) {
      fail(importerMessages.unexpectedEnd({ file: this.file, offset: this.data.length }, `${n} more byte(s) for opcode ${this.name} at offset ${this.at}`));
    }
  }
  private pop(): PickleValue {
    const v = this.stack.pop();
    if (v === undefined || v === MARK) this.bad('a value on the stack', v === MARK ? 'a MARK' : 'an empty stack');
    return v as PickleValue;
  }
  private top(): PickleValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.bad('a value on the stack', v === MARK ? 'a MARK' : 'an empty stack');
    return v as PickleValue;
  }
  private popMark(): PickleValue[] {
    const m = this.marks.pop();
    if (m === undefined) this.bad('a MARK before this opcode', 'none');
    const items = this.stack.splice(m! + 1) as PickleValue[];
    this.stack.pop(); // the MARK itself
    return items;
  }
  // invalid UTF-8 becomes U+FFFD (as Python's errors='replace'); text is data, never interpreted
  private str(n: number): string {
    if (n > this.maxStr) {
      fail(importerMessages.stringTooLong({ file: this.file, offset: this.at }, `pickle str (opcode ${this.name})`, this.maxStr, n));
    }
    this.need(n);
    const s = this.buf.toString('utf8', this.p, this.p + n);
    this.p += n;
    return s;
  }
  private asDict(v: PickleValue): { [key: string]: PickleValue } {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.bad('a dict below the items', describe(v));
    return v as { [key: string]: PickleValue };
  }
  private asList(v: PickleValue): PickleValue[] {
    if (!Array.isArray(v) || Object.isFrozen(v)) this.bad('a list below the items', describe(v));
    return v as PickleValue[];
  }
  private key(k: PickleValue): string {
    if (typeof k === 'string') return k;
    if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean' || k === null) return String(k);
    if (Array.isArray(k) && Object.isFrozen(k)) {
      const r = this.keys.tupleKey(k);
      if (typeof r === 'string') return r;
      return this.bad(HASHABLE, r.problem);
    }
    return this.bad(HASHABLE, describe(k));
  }

  /** Execute up to `maxSteps` opcodes; true once STOP was reached (the value is in `result`). */
  run(maxSteps: number): boolean {
    const data = this.data;
    const view = this.view;
    const stack = this.stack;
    const memo = this.memo;
    const end = this.steps + maxSteps;
    while (this.steps < end) {
      this.steps++;
      let p = this.p;
      if (p >= data.length) fail(importerMessages.unexpectedEnd({ file: this.file, offset: data.length }, 'the pickle STOP opcode'));
      this.at = p;
      const op = data[p++]!;
      this.p = p;
      const name = ALLOWED_OPCODES[op] ?? '';
      this.name = name;
      if (!name) {
        const forbidden = FORBIDDEN_OPCODES[op];
        if (forbidden) fail(importerMessages.forbiddenOpcode({ file: this.file, offset: this.at }, forbidden));
        const other = OTHER_OPCODES[op];
        fail(importerMessages.unknownOpcode({ file: this.file, offset: this.at }, other ?? `0x${op.toString(16).padStart(2, '0')} (not a pickle opcode)`));
      }
      switch (op) {
        case 0x80: // PROTO
          this.need(1);
          if (data[p]! < 2 || data[p]! > 5) this.bad('protocol 2 to 5', String(data[p]));
          this.p = p + 1;
          break;
        case 0x95: // FRAME: an 8-byte length; frames are advisory
          this.need(8);
          this.p = p + 8;
          break;
        case 0x7d:
          stack.push(Object.create(null) as { [key: string]: PickleValue });
          break;
        case 0x5d:
          stack.push([]);
          break;
        case 0x29:
          stack.push(Object.freeze([]) as unknown as PickleValue[]);
          break;
        case 0x28:
          this.marks.push(stack.length);
          stack.push(MARK);
          break;
        case 0x75: {
          const items = this.popMark();
          if (items.length % 2) this.bad('key/value pairs after the MARK', `${items.length} items`);
          const d = this.asDict(this.top());
          for (let i = 0; i < items.length; i += 2) d[this.key(items[i]!)] = items[i + 1]!;
          break;
        }
        case 0x73: {
          const v = this.pop();
          const k = this.pop();
          this.asDict(this.top())[this.key(k)] = v;
          break;
        }
        case 0x65: {
          const items = this.popMark();
          const l = this.asList(this.top());
          for (const it of items) l.push(it);
          break;
        }
        case 0x61: {
          const v = this.pop();
          this.asList(this.top()).push(v);
          break;
        }
        case 0x4a:
          this.need(4);
          stack.push(view.getInt32(p, true));
          this.p = p + 4;
          break;
        case 0x4b:
          this.need(1);
          stack.push(data[p]!);
          this.p = p + 1;
          break;
        case 0x4d:
          this.need(2);
          stack.push(view.getUint16(p, true));
          this.p = p + 2;
          break;
        case 0x8a: {
          this.need(1);
          const n = data[p]!;
          this.p = ++p;
          this.need(n);
          stack.push(long1(data, p, n));
          this.p = p + n;
          break;
        }
        case 0x8c: {
          this.need(1);
          const n = data[p]!;
          this.p = p + 1;
          stack.push(this.str(n));
          break;
        }
        case 0x58: {
          this.need(4);
          const n = view.getUint32(p, true);
          this.p = p + 4;
          stack.push(this.str(n));
          break;
        }
        case 0x94:
          memo.push(this.top());
          break;
        case 0x68:
        case 0x6a: {
          const wide = op === 0x6a;
          this.need(wide ? 4 : 1);
          const idx = wide ? view.getUint32(p, true) : data[p]!;
          this.p = p + (wide ? 4 : 1);
          if (idx >= memo.length || memo[idx] === undefined) this.bad('a memo index that was stored', String(idx));
          stack.push(memo[idx]!);
          break;
        }
        case 0x71:
        case 0x72: {
          const wide = op === 0x72;
          this.need(wide ? 4 : 1);
          const idx = wide ? view.getUint32(p, true) : data[p]!;
          this.p = p + (wide ? 4 : 1);
          if (idx > memo.length + 1_000_000) this.bad('a memo index near the memo size', String(idx));
          memo[idx] = this.top();
          break;
        }
        case 0x88:
          stack.push(true);
          break;
        case 0x89:
          stack.push(false);
          break;
        case 0x4e:
          stack.push(null);
          break;
        case 0x85:
        case 0x86:
        case 0x87: {
          const n = op - 0x84;
          const items: PickleValue[] = new Array<PickleValue>(n);
          for (let i = n - 1; i >= 0; i--) items[i] = this.pop();
          stack.push(Object.freeze(items) as PickleValue[]);
          break;
        }
        case 0x74:
          stack.push(Object.freeze(this.popMark()) as PickleValue[]);
          break;
        case 0x47:
          this.need(8);
          stack.push(view.getFloat64(p, false));
          this.p = p + 8;
          break;
        case 0x2e: {
          // STOP
          const v = this.pop();
          if (stack.length) this.bad('exactly one value on the stack at STOP', `${stack.length + 1} values`);
          this.result = v;
          return true;
        }
      }
    }
    return false;
  }
}

const HASHABLE = 'a hashable dict key: str, int, float, bool, None or a tuple of these';

/**
 * Structural identity of tuple keys without expanding shared references: each distinct tuple gets an integer
 * id once, from its children's ids (scalars are interned per type), found by an iterative post-order walk
 * that visits every tuple at most once in the reader's lifetime. Equal tuples get equal ids, as in Python.
 */
class KeyInterner {
  // Maps, not WeakMaps: the reader holds every tuple anyway, and a WeakMap of a million entries makes GC slow
  private readonly tuples = new Map<readonly PickleValue[], { readonly id: number; readonly text: string | null }>();
  /** Children's ids of each interned tuple, by a hash of them (collisions compared element-wise). */
  private readonly buckets = new Map<number, Interned | Interned[]>();
  private readonly strings = new Map<string, number>();
  private readonly numbers = new Map<number, number>();
  private readonly bigints = new Map<bigint, number>();
  private nextId = 4; // 1 None, 2 False, 3 True

  /** The key text of tuple `root`, or the problem that makes it unhashable. */
  tupleKey(root: readonly PickleValue[]): string | { problem: string } {
    let t = this.tuples.get(root);
    if (t === undefined) {
      const problem = this.intern(root);
      if (problem !== undefined) return { problem };
      t = this.tuples.get(root)!;
    }
    return t.text ?? `tuple#${t.id}`;
  }

  private atom(v: PickleValue): number {
    if (v === null) return 1;
    if (v === false) return 2;
    if (v === true) return 3;
    const map = (typeof v === 'string' ? this.strings : typeof v === 'number' ? this.numbers : this.bigints) as Map<unknown, number>;
    let id = map.get(v);
    if (id === undefined) map.set(v, (id = this.nextId++));
    return id;
  }

  /**
   * Intern `root` and every tuple below it not yet interned (iterative post-order: no recursion, so any depth
   * is fine); returns a problem text when unhashable. Tuples form no cycles: a tuple holds only values that
   * existed before it, and a cycle through a list or dict is refused as unhashable before it is followed.
   */
  private intern(root: readonly PickleValue[]): string | undefined {
    const tuples: Array<readonly PickleValue[]> = [root];
    const next: number[] = [0];
    while (tuples.length > 0) {
      const top = tuples.length - 1;
      const t = tuples[top]!;
      const i = next[top]!;
      if (i < t.length) {
        next[top] = i + 1;
        const c = t[i]!;
        if (c === null || typeof c !== 'object') continue;
        if (!Array.isArray(c) || !Object.isFrozen(c)) return `a tuple holding ${describe(c)} (unhashable)`;
        if (this.tuples.has(c)) continue;
        tuples.push(c);
        next.push(0);
        continue;
      }
      tuples.pop();
      next.pop();
      this.finish(t);
    }
    return undefined;
  }

  /** Assign the id and text of tuple `t`, whose tuple children are all interned. */
  private finish(t: readonly PickleValue[]): void {
    const ids: number[] = new Array<number>(t.length);
    let hash = t.length;
    let textLen = 2;
    const parts: string[] | null = t.length <= MAX_KEY_TEXT ? [] : null;
    let readable = parts !== null;
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      const sub = c !== null && typeof c === 'object' ? this.tuples.get(c as readonly PickleValue[])! : undefined;
      const id = sub !== undefined ? sub.id : this.atom(c);
      ids[i] = id;
      hash = (Math.imul(hash, 31) + id) | 0;
      if (!readable) continue;
      const part = sub !== undefined ? sub.text : scalarText(c);
      if (part === null || (textLen += part.length + 1) > MAX_KEY_TEXT) readable = false;
      else parts!.push(part);
    }
    const bucket = this.buckets.get(hash);
    let id = 0;
    if (bucket === undefined) this.buckets.set(hash, { ids, id: (id = this.nextId++) });
    else if (!Array.isArray(bucket)) {
      if (sameIds(bucket.ids, ids)) id = bucket.id;
      else this.buckets.set(hash, [bucket, { ids, id: (id = this.nextId++) }]);
    } else {
      for (const e of bucket) if (sameIds(e.ids, ids)) id = e.id;
      if (id === 0) bucket.push({ ids, id: (id = this.nextId++) });
    }
    this.tuples.set(t, { id, text: readable ? `[${parts!.join(',')}]` : null });
  }
}

interface Interned {
  readonly ids: readonly number[];
  readonly id: number;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** JSON text of a scalar inside a tuple key (bigints as quoted decimals), or null when too long. */
function scalarText(v: PickleValue): string | null {
  if (typeof v === 'string') return v.length > MAX_KEY_TEXT ? null : JSON.stringify(v);
  if (typeof v === 'bigint') return JSON.stringify(v.toString());
  return JSON.stringify(v);
}

/** LONG1 payload: little-endian two's complement of `n` bytes, exact via BigInt. */
function long1(data: Uint8Array, p: number, n: number): number | bigint {
  if (n === 0) return 0;
  if (n <= 6) {
    // up to 48 bits: exact in a double, no BigInt allocation (addresses and µs times are 6 bytes)
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + data[p + i]!;
    return data[p + n - 1]! & 0x80 ? v - 2 ** (8 * n) : v;
  }
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[p + i]!);
  if (data[p + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return v <= max && v >= -max ? Number(v) : v;
}

function describe(v: PickleValue | undefined): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'a tuple' : 'a list';
  if (typeof v === 'object') return 'a dict';
  return typeof v;
}
