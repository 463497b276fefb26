import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { cyclicKeyPickle, deepKeyPickle, mutate, mutateStructural, MUTATION_KINDS, sharedListSnapshotPickle, sharedTuplePickle, STRUCTURAL_KINDS, type MutationKind } from '../../src/fuzz/mutate';
import { FUZZ_TARGETS } from '../../src/fuzz/targets';
import { readSafePickle } from '../../src/importers/pytorch-snapshot/safe-pickle';
import { Rng } from '../../src/sim/rng';

const input = Buffer.from('t_ns,op,agent,va,bytes\n0,alloc,cpu,0x1000,4096\n10,access,dev0,4096,64\n', 'utf8');
const other = Buffer.from('{"traceEvents":[{"ph":"X","ts":12345}]}', 'utf8');

test('the same seed gives the same mutated bytes and description', () => {
  for (let seed = 0; seed < 50; seed++) {
    const a = mutate(input, [other], new Rng(seed));
    const b = mutate(input, [other], new Rng(seed));
    assert.deepEqual(Buffer.from(a.bytes), Buffer.from(b.bytes));
    assert.equal(a.detail, b.detail);
  }
});

test('every mutation kind occurs, and most mutations change the input', () => {
  const seen = new Set<MutationKind>();
  let changed = 0;
  for (let seed = 0; seed < 400; seed++) {
    const m = mutate(input, [other], new Rng(seed));
    m.kinds.forEach((k) => seen.add(k));
    if (!Buffer.from(m.bytes).equals(input)) changed++;
  }
  assert.deepEqual([...seen].sort(), [...MUTATION_KINDS].sort());
  assert.ok(changed > 360, `${changed} of 400 changed`);
});

test('gzip mutations are only the last step, and a gzip-wrapped mutation decompresses', () => {
  for (let seed = 0; seed < 300; seed++) {
    const m = mutate(input, [other], new Rng(seed));
    const gz = m.kinds.findIndex((k) => k === 'gzip' || k === 'gzip-damage');
    assert.ok(gz === -1 || gz === m.kinds.length - 1, m.detail);
    if (m.kinds[m.kinds.length - 1] === 'gzip') assert.doesNotThrow(() => gunzipSync(m.bytes), m.detail);
  }
});

test('huge-number replaces a digit run or writes an extreme binary integer; outputs respect the size cap', () => {
  let numbers = 0;
  for (let seed = 0; seed < 2000; seed++) {
    const m = mutate(input, [other], new Rng(seed), 4096);
    assert.ok(m.bytes.length <= 4096, m.detail);
    if (/(^|,)number@/.test(m.detail)) numbers++;
  }
  assert.ok(numbers > 20);
});

test('empty inputs can be mutated (every operator handles length 0)', () => {
  for (let seed = 0; seed < 200; seed++) assert.doesNotThrow(() => mutate(new Uint8Array(0), [], new Rng(seed)));
});

// ---- structural mutations (issue 18) ----------------------------------------------------------------------

test('shared references: nested tuples that hold the previous one twice cost 5 bytes a level (2^64 paths in < 1 KB), as Python writes them', () => {
  // PROTO 2, {, (), BINPUT 0 | BINGET 0, TUPLE2, BINPUT 1 | BININT1 1, SETITEM, STOP
  assert.equal(Buffer.from(sharedTuplePickle(1)).toString('hex'), '80027d2971006800867101' + '4b0173' + '2e');
  assert.equal(sharedTuplePickle(64).length, 10 + 5 * 64); // 10 bytes around the levels + 5 per level
  assert.ok(sharedTuplePickle(64).length < 1024);
  // decoded (as a value, which any reader must expand), depth 2 is ((),()) twice
  assert.deepEqual({ ...(readSafePickle(sharedTuplePickle(2, false), 'x') as object) }, { k: [[[], []], [[], []]] });
});

test('shared references: a snapshot whose devices share one trace list references it, not copies it', () => {
  const one = sharedListSnapshotPickle(1, 100);
  const many = sharedListSnapshotPickle(64, 100);
  assert.equal(many.length - one.length, 63 * 3, 'each further device is one BINGET + APPEND (3 bytes)');
  const v = readSafePickle(sharedListSnapshotPickle(3, 4), 'x') as { segments: unknown[]; device_traces: Array<Array<Record<string, unknown>>> };
  assert.deepEqual(v.segments, []);
  assert.equal(v.device_traces.length, 3);
  assert.deepEqual({ ...v.device_traces[2]![3] }, { action: 'free_completed', addr: 0x100000 + 512, size: 512, stream: 0, time_us: 3 });
});

test('cyclic and deep keys: the key contains itself, or is nested as deep as asked at one or two bytes a level', () => {
  // {t: L} with t = (L,), L = [t]: EMPTY_LIST BINPUT0 TUPLE1 BINPUT1 BINGET0 BINGET1 APPEND SETITEM
  assert.equal(Buffer.from(cyclicKeyPickle('cycle-tuple')).toString('hex'), '80027d' + '5d7100857101680068016173' + '2e');
  // {L: 1} with L = [L]: EMPTY_LIST BINPUT0 BINGET0 APPEND BININT1 1 SETITEM
  assert.equal(Buffer.from(cyclicKeyPickle('cycle-list')).toString('hex'), '80027d' + '5d7100680061' + '4b0173' + '2e');
  assert.equal(deepKeyPickle(1_000_000, 'tuple').length, 3 + 1 + 1_000_000 + 2 + 1 + 1);
  assert.equal(deepKeyPickle(1000, 'list').length, 3 + 1000 + 999 + 2 + 1 + 1);
  // depth 3: EMPTY_TUPLE then TUPLE1 ×3 → ((((),),),); EMPTY_LIST ×3 then APPEND ×2 → [[[]]]
  assert.equal(Buffer.from(deepKeyPickle(3, 'tuple')).toString('hex'), '80027d' + '29858585' + '4b0173' + '2e');
  assert.equal(Buffer.from(deepKeyPickle(3, 'list')).toString('hex'), '80027d' + '5d5d5d6161' + '4b0173' + '2e');
});

const csvInput = Buffer.from('t_ns,op,agent,va,bytes\n0,alloc,cpu,0x1000,4096\n10,access,dev0,4096,64\n', 'utf8');
const jsonInput = Buffer.from('{"traceEvents":[{"ph":"X","name":"k","ts":12345}]}', 'utf8');

test('huge strings: a JSON string literal or a CSV field grows to the chosen size; a pickle gets one huge string', () => {
  let json = 0;
  let csv = 0;
  let pickle = 0;
  for (let seed = 0; seed < 60; seed++) {
    const j = mutateStructural(jsonInput, ['huge-string'], new Rng(seed), 1 << 20);
    assert.ok(j.bytes.length <= 1 << 20 && j.bytes.length >= 16 + 40, j.detail);
    // still one JSON text around the string: the bytes before the literal are kept
    if (j.bytes.length > 60_000 && Buffer.from(j.bytes).subarray(0, 2).toString() === '{"') json++;
    const c = mutateStructural(csvInput, ['huge-string'], new Rng(seed), 1 << 20);
    const rows = Buffer.from(c.bytes).toString('latin1').split('\n');
    assert.equal(rows[0], 't_ns,op,agent,va,bytes', 'the header is kept');
    if (rows.some((r) => r.length > 60_000)) csv++;
    const p = mutateStructural(sharedListSnapshotPickle(1, 2), ['huge-string'], new Rng(seed), 1 << 20);
    const v = readSafePickle(p.bytes, 'x') as { segments: string };
    if (typeof v.segments === 'string' && v.segments.length > 60_000) pickle++;
  }
  assert.equal(json, 60);
  assert.equal(csv, 60);
  assert.equal(pickle, 60);
});

test('wide CSVs: the header (and rows) gain hundreds to 100 k columns, within the size cap', () => {
  const widths = new Set<number>();
  for (let seed = 0; seed < 80; seed++) {
    const m = mutateStructural(csvInput, ['wide-csv'], new Rng(seed), 4 << 20);
    assert.ok(m.bytes.length <= 4 << 20, m.detail);
    const rows = Buffer.from(m.bytes).toString('latin1').trimEnd().split('\n');
    const cols = rows.map((r) => r.split(',').length);
    const cap = /wide-csv\((\d+) columns, (.*)\)/.exec(m.detail)!;
    const extra = Number(cap[1]);
    widths.add(extra);
    if (cap[2] === 'header and rows') assert.deepEqual(cols, [5 + extra, 5 + extra, 5 + extra], m.detail);
    if (cap[2] === 'header only') assert.deepEqual(cols, [5 + extra, 5, 5], m.detail);
    if (cap[2] === 'one row') assert.deepEqual(cols, [5, 5 + extra, 5], m.detail);
  }
  assert.deepEqual([...widths].sort((a, b) => a - b), [256, 10_000, 100_000]);
});

test('structural mutations are reproducible from the seed, and every target that names them gets some', () => {
  for (let seed = 0; seed < 20; seed++) {
    const a = mutateStructural(csvInput, STRUCTURAL_KINDS, new Rng(seed), 1 << 20);
    const b = mutateStructural(csvInput, STRUCTURAL_KINDS, new Rng(seed), 1 << 20);
    assert.equal(a.detail, b.detail);
    assert.deepEqual(Buffer.from(a.bytes), Buffer.from(b.bytes));
  }
  const named = new Map(FUZZ_TARGETS.map((t) => [t.name, [...(t.structural ?? [])].sort()]));
  assert.deepEqual(named.get('pickle'), ['cyclic-key', 'huge-string', 'shared-refs']);
  assert.deepEqual(named.get('pytorch-snapshot'), ['cyclic-key', 'huge-string', 'shared-refs']);
  assert.deepEqual(named.get('csv'), ['huge-string', 'wide-csv']);
  assert.deepEqual(named.get('csv-map'), ['huge-string', 'wide-csv']);
  assert.deepEqual(named.get('kineto'), ['huge-string']);
  const all = new Set([...named.values()].flat());
  assert.deepEqual([...all].sort(), [...STRUCTURAL_KINDS].sort(), 'every structural mutation is used by some target');
});
