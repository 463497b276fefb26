import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { mutate, MUTATION_KINDS, type MutationKind } from '../../src/fuzz/mutate';
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
