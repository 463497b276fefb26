import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertValue, parseDecimal, scaleExact } from '../../../src/trace/map/convert';
import type { ColumnClass, ColumnRule } from '../../../src/trace/map/spec';
import { LinearPattern } from '../../../src/trace/map/pattern';

const conv = (raw: string, cls: ColumnClass, rule: ColumnRule, column = 'x', state: { origin?: bigint } = {}) =>
  convertValue(raw, cls, rule, (rule.replace ?? []).map(([p, r]) => [new LinearPattern(p), r] as const), column, state);

test('times convert exactly (decimal digits × unit in BigInt), rounding fractions of a ns half up', () => {
  assert.deepEqual(conv('12.345', 'time', { unit: 'us' }), { text: '12345' });
  assert.deepEqual(conv('1.001', 'time', { unit: 'us' }), { text: '1001' }); // 1.001 * 1000 = 1000.9999999999999 in floats
  assert.deepEqual(conv('0.0005', 'time', { unit: 'us' }), { text: '1' });
  assert.deepEqual(conv('0.0004', 'time', { unit: 'us' }), { text: '0' });
  assert.deepEqual(conv('2.5', 'time', { unit: 's' }), { text: '2500000000' });
  assert.deepEqual(conv('1.5e3', 'time', { unit: 'ns' }), { text: '1500' });
  assert.deepEqual(conv('45us', 'time', { unit: 'auto' }), { text: '45000' });
  assert.deepEqual(conv('1.5ms', 'time', { unit: 'auto' }), { text: '1500000' });
  assert.ok('error' in conv('soon', 'time', { unit: 'us' }));
});

test('rebase subtracts the first value exactly, even for epoch times far beyond 2^53 ns', () => {
  const state: { origin?: bigint } = {};
  assert.deepEqual(conv('1700000000.123456789', 'time', { unit: 's', rebase: true }, 't_ns', state), { text: '0' });
  assert.deepEqual(conv('1700000000.123456790', 'time', { unit: 's', rebase: true }, 't_ns', state), { text: '1' });
  assert.equal(state.origin, 1700000000123456789n);
});

test('sizes take unit suffixes or a fixed unit; a fraction of a byte is an error', () => {
  assert.deepEqual(conv('64KiB', 'size', { unit: 'auto' }), { text: '65536' });
  assert.deepEqual(conv('2 MiB', 'size', { unit: 'auto' }), { text: '2097152' });
  assert.deepEqual(conv('2M', 'size', { unit: 'auto' }), { text: '2097152' });
  assert.deepEqual(conv('1.5GB', 'size', { unit: 'auto' }), { text: '1500000000' });
  assert.deepEqual(conv('0.5KiB', 'size', { unit: 'auto' }), { text: '512' });
  assert.deepEqual(conv('4096', 'size', { unit: 'auto' }), { text: '4096' });
  assert.deepEqual(conv('8', 'size', { unit: 'KiB' }), { text: '8192' });
  assert.ok('error' in conv('0.1KiB', 'size', { unit: 'auto' }));
  assert.ok('error' in conv('12 parsecs', 'size', { unit: 'auto' }));
  assert.deepEqual(conv('3', 'size', { unit: 'page', pageBytes: 65536 }), { text: '196608' });
});

test('sizeUnits "binary": KB, MB, GB and TB are powers of 1024 (nvprof\'s "4.0000KB"), as suffixes and as a fixed unit; "si" and the default stay 1000', () => {
  const binary: ColumnRule = { unit: 'auto', sizeUnits: 'binary' };
  assert.deepEqual(conv('4.0000KB', 'size', binary), { text: '4096' });
  assert.deepEqual(conv('1.5000MB', 'size', binary), { text: String(1.5 * 1024 ** 2) });
  assert.deepEqual(conv('2GB', 'size', binary), { text: String(2 * 1024 ** 3) });
  assert.deepEqual(conv('1 TB', 'size', binary), { text: String(1024 ** 4) });
  assert.deepEqual(conv('3kb', 'size', binary), { text: '3072' });
  // binary and bare units are unchanged; a bare number is bytes
  assert.deepEqual(conv('64KiB', 'size', binary), { text: '65536' });
  assert.deepEqual(conv('2M', 'size', binary), { text: '2097152' });
  assert.deepEqual(conv('4096', 'size', binary), { text: '4096' });
  assert.deepEqual(conv('1.5', 'size', { unit: 'MB', sizeUnits: 'binary' }), { text: String(1.5 * 1024 ** 2) });
  assert.deepEqual(conv('0x10', 'address', { unit: 'auto', sizeUnits: 'binary' }), { error: 'a size with an optional unit (4096, 64KiB, 2MB; KB, MB, GB, TB binary)' });
  assert.deepEqual(conv('16KB', 'address', { unit: 'auto', sizeUnits: 'binary' }), { text: '16384' });
  // the default (and "si") keeps KB = 1000 bytes
  assert.deepEqual(conv('4.0000KB', 'size', { unit: 'auto' }), { text: '4000' });
  assert.deepEqual(conv('4.0000KB', 'size', { unit: 'auto', sizeUnits: 'si' }), { text: '4000' });
  assert.deepEqual(conv('1.5', 'size', { unit: 'MB' }), { text: '1500000' });
  // a fraction of a byte is still an error: 0.001 binary KB is 1.024 bytes
  assert.deepEqual(conv('0.001KB', 'size', binary), { error: 'a size with an optional unit (4096, 64KiB, 2MB; KB, MB, GB, TB binary)' });
  assert.deepEqual(conv('0.001', 'size', { unit: 'KB', sizeUnits: 'binary' }), { error: 'a whole number of bytes when counted in KB (binary: KiB)' });
});

test('addresses: hex or decimal, page numbers × page size, plus a base', () => {
  assert.deepEqual(conv('0x7F3A00000000', 'address', {}), { text: String(0x7f3a00000000) });
  assert.deepEqual(conv('4096', 'address', {}), { text: '4096' });
  assert.deepEqual(conv('10', 'address', { unit: 'page', pageBytes: 4096 }), { text: '40960' });
  assert.deepEqual(conv('0x10', 'address', { unit: 'page', pageBytes: 4096, base: '0x100000' }), { text: String(0x100000 + 0x10000) });
  assert.ok('error' in conv('here', 'address', {}));
});

test('text: regex rewrites then exact renames; flags are renamed token by token; empty stays empty', () => {
  assert.deepEqual(conv('GPU3', 'text', { replace: [['^GPU(\\d+)$', 'dev$1']] }), { text: 'dev3' });
  assert.deepEqual(conv('CPU', 'text', { values: { CPU: 'cpu' }, replace: [['^GPU(\\d+)$', 'dev$1']] }), { text: 'cpu' });
  assert.deepEqual(conv('UM|RO', 'text', { values: { UM: 'managed', RO: 'readonly' } }, 'flags'), { text: 'managed|readonly' });
  assert.deepEqual(conv('UM;RO', 'text', { values: { UM: 'managed', RO: 'readonly' } }, 'flags'), { text: 'managed|readonly' });
  assert.deepEqual(conv('  ', 'text', { values: { '': 'x' } }), { text: '' });
  assert.deepEqual(conv('toString', 'text', { values: {} }), { text: 'toString' }, 'no prototype lookups');
});

test('decimal helpers', () => {
  assert.deepEqual(parseDecimal('-1.25'), { m: -125n, exp: -2 });
  assert.equal(parseDecimal('.'), null);
  assert.equal(scaleExact({ m: 15n, exp: -1 }, 1n, false), null);
  assert.equal(scaleExact({ m: -15n, exp: -1 }, 1n, true), -2n);
});

test('a placeholder that replace or values turn into the empty string is "not given" in every column class', () => {
  const dash: ColumnRule = { replace: [['^-$', '']] };
  assert.deepEqual(conv('-', 'time', { ...dash, unit: 'auto' }), { text: '' }, 'nvprof Duration "-"');
  assert.deepEqual(conv('-', 'address', dash), { text: '' });
  assert.deepEqual(conv('-', 'size', { ...dash, unit: 'KiB' }), { text: '' });
  assert.deepEqual(conv('-', 'integer', dash), { text: '' });
  assert.deepEqual(conv('n/a', 'size', { values: { 'n/a': '' } }), { text: '' }, 'values too');
  assert.deepEqual(conv('-', 'time', { replace: [['^-$', '  ']] }), { text: '' }, 'only spaces left: empty');
  assert.deepEqual(conv('1.5ms', 'time', { ...dash, unit: 'auto' }), { text: '1500000' }, 'other cells convert as before');
});

test('a rewritten value that does not convert reports the value after replace/values next to the cell; an untouched one only the cell', () => {
  assert.deepEqual(conv('PC 0x400b82', 'address', { replace: [['^', '0x']] }), { error: 'an address (decimal or 0x hex) in B', rewritten: '0xPC 0x400b82' });
  assert.deepEqual(conv('lots', 'size', { unit: 'auto', replace: [['^-$', '']] }), { error: 'a size with an optional unit (4096, 64KiB, 2MB)' });
  assert.deepEqual(conv('x', 'integer', { values: { x: 'many' } }), { error: 'an integer', rewritten: 'many' });
});
