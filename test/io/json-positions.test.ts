import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonSyntaxError, MAX_JSON_DEPTH, parseJsonWithPositions } from '../../src/io/json-positions';

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

test('nesting deeper than MAX_JSON_DEPTH is a syntax error at the first bracket past it, not a stack overflow', () => {
  const depth = 100_000;
  for (const [open, close] of [['[', ']'], ['{"a":', '}']]) {
    const text = open.repeat(depth) + (open === '[' ? '' : '1') + close.repeat(depth);
    // the bracket at level MAX_JSON_DEPTH (0-based) is refused: its column is MAX_JSON_DEPTH × the opener's length + 1
    const col = MAX_JSON_DEPTH * open.length + 1;
    assert.throws(() => parseJsonWithPositions(text), (e: unknown) => e instanceof JsonSyntaxError && e.line === 1 && e.col === col && /nesting deeper than 256 levels/.test(e.reason), open);
  }
  const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
  assert.deepEqual(parseJsonWithPositions(ok).value, JSON.parse(ok), 'exactly MAX_JSON_DEPTH levels parse');
});

test('a key repeated in one object is a syntax error at its second occurrence (JSON.parse would keep the last silently)', () => {
  const text = '{\n  "systems": ["uvm"],\n  "systems": ["gmem-linux"]\n}';
  assert.throws(() => parseJsonWithPositions(text), (e: unknown) => e instanceof JsonSyntaxError && e.line === 3 && e.col === 3 && e.reason === 'duplicate key "systems"');
  assert.deepEqual(parseJsonWithPositions('[{"a": 1}, {"a": 2}]').value, [{ a: 1 }, { a: 2 }], 'the same key in two objects is fine');
  assert.throws(() => parseJsonWithPositions('{"__proto__": 1, "__proto__": 2}'), /duplicate key "__proto__"/);
});

test('where() walks keys and indices (numbers or digit strings) and stops at the nearest existing ancestor', () => {
  const p = parseJsonWithPositions('{"a": [10, {"b": [true]}], "__proto__": {"c": 1}}');
  assert.deepEqual(p.where(['a', 1, 'b', 0]), { line: 1, col: 19 });
  assert.deepEqual(p.where(['a', '1', 'b']), { line: 1, col: 18 }, 'a digit string indexes an array');
  assert.deepEqual(p.where(['a', 'x']), { line: 1, col: 7 }, 'a text step into an array stops at the array');
  assert.deepEqual(p.where(['__proto__', 'c']), { line: 1, col: 47 }, 'an own "__proto__" key is walked like any other');
  assert.deepEqual(p.where([]), { line: 1, col: 1 });
});

test('a leading byte-order mark is skipped: the same value and the same positions as without it', () => {
  const text = '{\n  "a": [1, {"b": 2}]\n}';
  const plain = parseJsonWithPositions(text);
  const marked = parseJsonWithPositions(`\uFEFF${text}`);
  assert.deepEqual(marked.value, plain.value);
  assert.deepEqual(marked.where(['a', 1, 'b']), plain.where(['a', 1, 'b']));
  assert.deepEqual(marked.where(['a', 1, 'b']), { line: 2, col: 18 }); // the 2 of "b": 2
});
