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
