import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { formatCell, formatNumber, isRecordArray, isTableLike, tableBundle } from '../../src/display/html-table';

test('numbers read as people write them: grouping, at most 4 significant digits, no trailing zeros', () => {
  assert.equal(formatNumber(370.1), '370.1');
  assert.equal(formatNumber(370.1000001), '370.1');
  assert.equal(formatNumber(12345), '12,345');
  assert.equal(formatNumber(-1234567), '-1,234,567');
  assert.equal(formatNumber(1234.56789), '1,234.6');
  assert.equal(formatNumber(0.0123456), '0.01235');
  assert.equal(formatNumber(1.5), '1.5');
  assert.equal(formatNumber(2.00004), '2');
  assert.equal(formatNumber(0.00001234), '1.234e-5');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatNumber(-Infinity), '-∞');
  assert.equal(formatCell(null), '');
  assert.equal(formatCell(10n ** 7n), '10,000,000');
  assert.equal(formatCell('<b>'), '<b>');
});

test('an arquero table becomes ONE bundle: an HTML table (numbers right-aligned, exact value on hover) and the same rows as text', () => {
  const t = aq.table({ system: ['gmem-linux', 'uvm<script>'], timeMs: [370.1, 1234.56789], faults: [12345, 3] });
  assert.ok(isTableLike(t));
  const b = tableBundle(t);
  assert.deepEqual(Object.keys(b.data), ['text/html', 'text/plain']);
  const html = b.data['text/html']!;
  assert.match(html, /<th style="text-align:left">system<\/th><th style="text-align:right">timeMs<\/th><th style="text-align:right">faults<\/th>/);
  assert.match(html, /<td style="text-align:right">370\.1<\/td>/);
  assert.match(html, /<td style="text-align:right" title="1234\.56789">1,234\.6<\/td>/);
  assert.match(html, /uvm&lt;script&gt;/, 'cell text is escaped');
  assert.match(html, /2 rows × 3 columns/);
  assert.equal(b.data['text/plain'], 'system        timeMs  faults\n-----------  -------  ------\ngmem-linux     370.1  12,345\nuvm<script>  1,234.6       3\n2 rows × 3 columns');
});

test('long tables show their first rows and say how many more; record arrays work too', () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({ i, half: i / 2 }));
  assert.ok(isRecordArray(rows));
  assert.equal(isRecordArray([{ a: { nested: 1 } }]), false);
  const b = tableBundle(rows, { maxRows: 10 });
  assert.equal((b.data['text/html']!.match(/<tr>/g) ?? []).length, 11, 'header + 10 rows');
  assert.match(b.data['text/html']!, /120 rows × 2 columns \(first 10 shown, 110 more\)/);
  assert.match(tableBundle(rows, { format: (c, v) => (c === 'half' ? `${v} u` : undefined) }).data['text/plain'], /0\.5 u/);
});
