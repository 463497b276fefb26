import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GmemlabError } from '../../../src/log/diagnostic';
import { ALLOWED_OPCODES, FORBIDDEN_OPCODES, readSafePickle } from '../../../src/importers/pytorch-snapshot/safe-pickle';

// Written by CPython's pickle.dumps of
//   x = [7]; {'a': [1, -2, 300, 70000, 2**40, -(2**63), 1.5, True, False, None, 'é', (1,), (1,2), (1,2,3),
//   (1,2,3,4), ()], 'b': x, 'c': x, 5: 'int key'}
// at protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE) and protocol 2 (BINUNICODE, BINPUT); `x` is shared via BINGET.
const P4 = '80049578000000000000007d94288c0161945d94284b014afeffffff4d2c014a701101008a060000000000018a080000000000000080473ff800000000000088894e8c02c3a9944b0185944b014b0286944b014b024b038794284b014b024b034b04749429658c0162945d944b07618c01639468094b058c07696e74206b657994752e';
const P2 = '80027d71002858010000006171015d7102284b014afeffffff4d2c014a701101008a060000000000018a080000000000000080473ff800000000000088894e5802000000c3a971034b018571044b014b028671054b014b024b03877106284b014b024b034b04747107296558010000006271085d71094b0761580100000063710a68094b055807000000696e74206b6579710b752e';

const expected = {
  a: [1, -2, 300, 70000, 2 ** 40, -(2n ** 63n), 1.5, true, false, null, 'é', [1], [1, 2], [1, 2, 3], [1, 2, 3, 4], []],
  b: [7],
  c: [7],
  '5': 'int key',
};

function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)));
}

test('CPython protocol 2 and 4 data pickles decode to the same plain values (LONG1 beyond 2^53 stays an exact bigint)', () => {
  for (const hex of [P4, P2]) {
    const v = readSafePickle(Buffer.from(hex, 'hex'), 'x.pickle') as Record<string, unknown>;
    assert.deepEqual(plain(v), plain(expected));
    assert.equal((v.a as unknown[])[5], -(2n ** 63n));
    assert.equal(v.b, v.c, 'memoised objects are shared, as in Python');
  }
});

test('LONG1 is little-endian two\'s complement at every width (numbers up to 2^53, bigint beyond)', () => {
  const long1 = (...bytes: number[]): unknown => readSafePickle(Buffer.from([0x80, 0x02, 0x8a, bytes.length, ...bytes, 0x2e]), 'l.pickle');
  assert.equal(long1(), 0);
  assert.equal(long1(0xff), -1);
  assert.equal(long1(0x00, 0x80), -32768);
  assert.equal(long1(0xff, 0x7f), 32767);
  assert.equal(long1(0x00, 0x00, 0x00, 0x00, 0x00, 0x80), -(2 ** 47));
  assert.equal(long1(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f), 2 ** 53 - 1);
  assert.equal(long1(0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20), 2n ** 53n);
});

test('the whitelist is exactly the data opcodes of docs/trace-formats.md A and no forbidden opcode is allowed', () => {
  const names = Object.values(ALLOWED_OPCODES).sort();
  assert.deepEqual(names, [
    'APPEND', 'APPENDS', 'BINFLOAT', 'BINGET', 'BININT', 'BININT1', 'BININT2', 'BINPUT', 'BINUNICODE', 'EMPTY_DICT', 'EMPTY_LIST',
    'EMPTY_TUPLE', 'FRAME', 'LONG1', 'LONG_BINGET', 'LONG_BINPUT', 'MARK', 'MEMOIZE', 'NEWFALSE', 'NEWTRUE', 'NONE', 'PROTO', 'SETITEM',
    'SETITEMS', 'SHORT_BINUNICODE', 'STOP', 'TUPLE', 'TUPLE1', 'TUPLE2', 'TUPLE3',
  ]);
  for (const code of Object.keys(FORBIDDEN_OPCODES)) assert.equal(ALLOWED_OPCODES[Number(code)], undefined);
});

function rejects(bytes: Buffer, opcode: string, offset: number): void {
  assert.throws(
    () => readSafePickle(bytes, 'evil.pickle'),
    (e: unknown) => {
      assert.ok(e instanceof GmemlabError);
      assert.equal(e.diagnostic.offset, offset);
      assert.equal(e.diagnostic.found, opcode);
      assert.match(e.message, new RegExp(`^evil\\.pickle:@${offset}: pickle opcode ${opcode} would import or call code; refusing \\(nothing was executed\\)`));
      return true;
    },
  );
}

test('a crafted os.system pickle (GLOBAL + REDUCE) is rejected at GLOBAL, naming opcode and offset, and runs nothing', () => {
  const marker = join(mkdtempSync(join(tmpdir(), 'gmemlab-pickle-')), 'pwned');
  // protocol 2: c os\nsystem\n  X <cmd>  TUPLE1  REDUCE  STOP  — what pickle.loads would turn into os.system(cmd)
  const cmd = Buffer.from(`touch ${marker}`);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(cmd.length);
  const evil = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('cos\nsystem\n'), Buffer.from([0x58]), len, cmd, Buffer.from([0x85, 0x52, 0x2e])]);
  rejects(evil, 'GLOBAL', 2);
  assert.equal(existsSync(marker), false, 'the side effect did not happen');
});

test('STACK_GLOBAL (protocol 4), REDUCE, BUILD, NEWOBJ, INST, OBJ, EXT1 and PERSID are each rejected at their offset', () => {
  // protocol 4: SHORT_BINUNICODE 'os', SHORT_BINUNICODE 'system', STACK_GLOBAL
  const sg = Buffer.concat([Buffer.from([0x80, 0x04, 0x8c, 0x02]), Buffer.from('os'), Buffer.from([0x8c, 0x06]), Buffer.from('system'), Buffer.from([0x93, 0x2e])]);
  rejects(sg, 'STACK_GLOBAL', 14);
  // a tuple and a string, then REDUCE: refused without any global in sight
  rejects(Buffer.from([0x80, 0x02, 0x4e, 0x29, 0x52, 0x2e]), 'REDUCE', 4);
  for (const [code, name] of [[0x62, 'BUILD'], [0x81, 'NEWOBJ'], [0x92, 'NEWOBJ_EX'], [0x69, 'INST'], [0x6f, 'OBJ'], [0x82, 'EXT1'], [0x83, 'EXT2'], [0x84, 'EXT4'], [0x50, 'PERSID'], [0x51, 'BINPERSID']] as const) {
    rejects(Buffer.from([0x80, 0x02, 0x4e, code, 0x2e]), name, 3);
  }
});

test('truncation, bad memo references and unknown opcodes are located errors, never crashes', () => {
  const full = Buffer.from(P4, 'hex');
  for (let n = 0; n < full.length; n++) {
    assert.throws(() => readSafePickle(full.subarray(0, n), 't.pickle'), (e: unknown) => e instanceof GmemlabError && /^t\.pickle:@\d+: /.test(e.message));
  }
  assert.throws(() => readSafePickle(Buffer.from([0x80, 0x02, 0x68, 0x05, 0x2e]), 'm.pickle'), /m\.pickle:@2: malformed pickle \(opcode BINGET\).*memo index/);
  assert.throws(() => readSafePickle(Buffer.from([0x80, 0x02, 0x49, 0x2e]), 'u.pickle'), /u\.pickle:@2: unsupported pickle opcode INT/);
  assert.throws(() => readSafePickle(Buffer.from([0x80, 0x02, 0xff]), 'u.pickle'), /0xff \(not a pickle opcode\)/);
});

test('a dict key "__proto__" is an ordinary key (no prototype pollution)', () => {
  // {'__proto__': 1} at protocol 2
  const b = Buffer.concat([Buffer.from([0x80, 0x02, 0x7d, 0x8c, 0x09]), Buffer.from('__proto__'), Buffer.from([0x4b, 0x01, 0x73, 0x2e])]);
  const v = readSafePickle(b, 'p.pickle') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), null);
  assert.equal(v['__proto__'], 1);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
