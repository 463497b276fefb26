import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatNs, GiB, KiB, MiB, parseQuantity, roundDown, roundUp } from '../src/units';

test('parseQuantity reads binary and decimal byte suffixes', () => {
  assert.equal(parseQuantity('64KiB', 'bytes'), 64 * KiB);
  assert.equal(parseQuantity('2MiB', 'bytes'), 2 * MiB);
  assert.equal(parseQuantity('80GB', 'bytes'), 80e9);
  assert.equal(parseQuantity('1.5GiB', 'bytes'), 1.5 * GiB);
  assert.equal(parseQuantity('4096', 'bytes'), 4096);
});

test('parseQuantity reads time suffixes in ns', () => {
  assert.equal(parseQuantity('45us', 'ns'), 45_000);
  assert.equal(parseQuantity('45µs', 'ns'), 45_000);
  assert.equal(parseQuantity('1.5ms', 'ns'), 1_500_000);
  assert.equal(parseQuantity('2s', 'ns'), 2e9);
});

test('parseQuantity rejects unknown suffixes and non-numbers', () => {
  assert.equal(parseQuantity('3 parsecs', 'bytes'), undefined);
  assert.equal(parseQuantity('64KiB', 'ns'), undefined);
  assert.equal(parseQuantity('abc', 'bytes'), undefined);
  assert.equal(parseQuantity('', 'bytes'), undefined);
});

test('formatting and rounding helpers', () => {
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(2 * MiB), '2 MiB');
  assert.equal(formatNs(1500), '1.5 µs');
  assert.equal(roundUp(5, 4), 8);
  assert.equal(roundDown(5, 4), 4);
});
