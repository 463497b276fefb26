import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../../src/display/text-table';

test('columns are padded to the widest cell, numeric columns right-aligned, with a rule under the header', () => {
  const t = formatTable(['name', 'n', { header: 'note', align: 'left' }], [['a', '1.5', '7'], ['long-name', '12', '']]);
  assert.equal(t, 'name         n  note\n---------  ---  ----\na          1.5  7\nlong-name   12\n');
});

test('an empty table still prints its header', () => {
  assert.equal(formatTable(['a', 'b'], []), 'a  b\n-  -\n');
});

test('a table of 300,000 rows (a large sweep --dry-run) is formatted, not a stack overflow', () => {
  const rows = Array.from({ length: 300_000 }, (_, i) => [`run ${i}`, String(i)]);
  const text = formatTable(['name', 'n'], rows);
  assert.equal(text.split('\n').length, 300_000 + 3);
  assert.ok(text.includes('\nrun 299999  299999\n'));
});
