import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonSyntaxError, parseJsonWithPositions } from '../../src/io/json-positions';

test('values parse like JSON.parse and every path knows its line and column', () => {
  const text = '{\n  "a": [1, {"b": "x"}],\n  "c": true\n}';
  const p = parseJsonWithPositions(text);
  assert.deepEqual(p.value, JSON.parse(text));
  assert.deepEqual(p.where(['a']), { line: 2, col: 8 });
  assert.deepEqual(p.where(['a', 1, 'b']), { line: 2, col: 18 });
  assert.deepEqual(p.where(['c']), { line: 3, col: 8 });
  assert.deepEqual(p.where(['a', 7]), { line: 2, col: 8 }, 'a missing path falls back to its nearest ancestor');
});

test('syntax errors carry the line and column of the offending character', () => {
  const cases: [string, number, number, RegExp][] = [
    ['{\n  "a": 1,\n}', 3, 1, /expected a quoted key, found "}"/],
    ['[1 2]', 1, 4, /expected ',' or '\]'/],
    ['{"a": tru}', 1, 7, /expected a value/],
    ['{"a": "x', 1, 7, /unterminated string/],
    ['{} x', 1, 4, /after the end/],
  ];
  for (const [text, line, col, re] of cases) {
    assert.throws(() => parseJsonWithPositions(text), (e: unknown) => e instanceof JsonSyntaxError && e.line === line && e.col === col && re.test(e.reason), text);
  }
});
