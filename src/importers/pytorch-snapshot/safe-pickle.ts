import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';

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

const MARK = Symbol('mark');
type Slot = PickleValue | typeof MARK;

/** Read one pickle from `data`. Errors are `GmemlabError`s located as `file:@offset`. */
export function readSafePickle(data: Uint8Array, file: string): PickleValue {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const stack: Slot[] = [];
  const marks: number[] = [];
  const memo: PickleValue[] = [];
  let p = 0;
  let at = 0; // offset of the current opcode
  let name = '';

  const bad = (expected: string, found: string): never =>
    fail(importerMessages.syntax({ file, offset: at }, `pickle (opcode ${name})`, expected, found));
  const need = (n: number): void => {
    if (p + n > data.length) fail(importerMessages.unexpectedEnd({ file, offset: data.length }, `${n} more byte(s) for opcode ${name} at offset ${at}`));
  };
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) bad('a value on the stack', v === MARK ? 'a MARK' : 'an empty stack');
    return v as PickleValue;
  };
  const top = (): PickleValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) bad('a value on the stack', v === MARK ? 'a MARK' : 'an empty stack');
    return v as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const m = marks.pop();
    if (m === undefined) bad('a MARK before this opcode', 'none');
    const items = stack.splice(m! + 1) as PickleValue[];
    stack.pop(); // the MARK itself
    return items;
  };
  // invalid UTF-8 becomes U+FFFD (as Python's errors='replace'); text is data, never interpreted
  const str = (n: number): string => {
    need(n);
    const s = buf.toString('utf8', p, p + n);
    p += n;
    return s;
  };
  const asDict = (v: PickleValue): { [key: string]: PickleValue } => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) bad('a dict below the items', describe(v));
    return v as { [key: string]: PickleValue };
  };
  const asList = (v: PickleValue): PickleValue[] => {
    if (!Array.isArray(v) || Object.isFrozen(v)) bad('a list below the items', describe(v));
    return v as PickleValue[];
  };
  const key = (k: PickleValue): string => {
    if (typeof k === 'string') return k;
    if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean' || k === null) return String(k);
    if (Array.isArray(k)) return JSON.stringify(k, (_x, v) => (typeof v === 'bigint' ? v.toString() : v));
    return bad('a hashable dict key', 'a dict');
  };

  for (;;) {
    if (p >= data.length) fail(importerMessages.unexpectedEnd({ file, offset: data.length }, 'the pickle STOP opcode'));
    at = p;
    const op = data[p++]!;
    name = ALLOWED_OPCODES[op] ?? '';
    if (!name) {
      const forbidden = FORBIDDEN_OPCODES[op];
      if (forbidden) fail(importerMessages.forbiddenOpcode({ file, offset: at }, forbidden));
      const other = OTHER_OPCODES[op];
      fail(importerMessages.unknownOpcode({ file, offset: at }, other ?? `0x${op.toString(16).padStart(2, '0')} (not a pickle opcode)`));
    }
    switch (op) {
      case 0x80: // PROTO
        need(1);
        if (data[p]! < 2 || data[p]! > 5) bad('protocol 2 to 5', String(data[p]));
        p++;
        break;
      case 0x95: // FRAME: an 8-byte length; frames are advisory
        need(8);
        p += 8;
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
        marks.push(stack.length);
        stack.push(MARK);
        break;
      case 0x75: {
        const items = popMark();
        if (items.length % 2) bad('key/value pairs after the MARK', `${items.length} items`);
        const d = asDict(top());
        for (let i = 0; i < items.length; i += 2) d[key(items[i]!)] = items[i + 1]!;
        break;
      }
      case 0x73: {
        const v = pop();
        const k = pop();
        asDict(top())[key(k)] = v;
        break;
      }
      case 0x65: {
        const items = popMark();
        const l = asList(top());
        for (const it of items) l.push(it);
        break;
      }
      case 0x61: {
        const v = pop();
        asList(top()).push(v);
        break;
      }
      case 0x4a:
        need(4);
        stack.push(view.getInt32(p, true));
        p += 4;
        break;
      case 0x4b:
        need(1);
        stack.push(data[p++]!);
        break;
      case 0x4d:
        need(2);
        stack.push(view.getUint16(p, true));
        p += 2;
        break;
      case 0x8a: {
        need(1);
        const n = data[p++]!;
        need(n);
        stack.push(long1(data, p, n));
        p += n;
        break;
      }
      case 0x8c: {
        need(1);
        const n = data[p++]!;
        stack.push(str(n));
        break;
      }
      case 0x58: {
        need(4);
        const n = view.getUint32(p, true);
        p += 4;
        stack.push(str(n));
        break;
      }
      case 0x94:
        memo.push(top());
        break;
      case 0x68:
      case 0x6a: {
        const wide = op === 0x6a;
        need(wide ? 4 : 1);
        const idx = wide ? view.getUint32(p, true) : data[p]!;
        p += wide ? 4 : 1;
        if (idx >= memo.length || memo[idx] === undefined) bad('a memo index that was stored', String(idx));
        stack.push(memo[idx]!);
        break;
      }
      case 0x71:
      case 0x72: {
        const wide = op === 0x72;
        need(wide ? 4 : 1);
        const idx = wide ? view.getUint32(p, true) : data[p]!;
        p += wide ? 4 : 1;
        if (idx > memo.length + 1_000_000) bad('a memo index near the memo size', String(idx));
        memo[idx] = top();
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
        const items: PickleValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        stack.push(Object.freeze(items) as PickleValue[]);
        break;
      }
      case 0x74:
        stack.push(Object.freeze(popMark()) as PickleValue[]);
        break;
      case 0x47:
        need(8);
        stack.push(view.getFloat64(p, false));
        p += 8;
        break;
      case 0x2e: {
        // STOP
        const v = pop();
        if (stack.length) bad('exactly one value on the stack at STOP', `${stack.length + 1} values`);
        return v;
      }
    }
  }
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
