import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanJson, parseJsonAt, type JsonAction, type JsonPath } from '../../../src/importers/shared/json-scan';
import { locateJsonError } from '../../../src/importers/shared/json-locate';
import { GmemlabError } from '../../../src/log/diagnostic';

async function* chunks(s: string, size: number): AsyncGenerator<Buffer> {
  const b = Buffer.from(s);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function scan(s: string, size: number, select: (p: JsonPath) => JsonAction): Promise<Array<[string, unknown]>> {
  const out: Array<[string, unknown]> = [];
  for await (const it of scanJson(chunks(s, size), 'x.json', (p) => select(p))) out.push([it.path.join('.'), it.value === undefined ? it.text : it.value]);
  return out;
}

const doc = '{"a": 1, "traceEvents": [{"x": [1,2,{"y":"}]\\"ü"}]}, 2, "s" , true, null], "k e\\"y": {"q": -1.5e3}}';

test('captured values are identical for every chunk size (values split across chunk boundaries)', async () => {
  const select = (p: JsonPath): JsonAction => (p.length === 0 ? 'descend' : p[0] === 'traceEvents' ? (p.length === 1 ? 'descend' : 'capture') : p[0] === 'a' ? 'raw' : 'capture');
  const want: Array<[string, unknown]> = [
    ['a', '1'],
    ['traceEvents.0', { x: [1, 2, { y: '}]"ü' }] }],
    ['traceEvents.1', 2],
    ['traceEvents.2', 's'],
    ['traceEvents.3', true],
    ['traceEvents.4', null],
    ['k e"y', { q: -1500 }],
  ];
  for (const size of [1, 2, 3, 5, 7, 64, 4096]) assert.deepEqual(await scan(doc, size, select), want, `chunk size ${size}`);
});

test('skipped values are still checked for bracket balance; errors carry line and column', async () => {
  const skip = (p: JsonPath): JsonAction => (p.length ? 'skip' : 'descend');
  await assert.rejects(scan('{"a": [1, {"b": 2]}', 3, skip), /x\.json:1:18: malformed JSON \(expected '}', found "\]"\)/);
  await assert.rejects(scan('{"a": 1,\n  "b" 2}', 4, skip), /x\.json:2:7: malformed object \(expected ':' after the key, found "2"\)/);
  await assert.rejects(scan('{"a": [1, 2', 4, skip), /x\.json:1:12: unexpected end of input \(truncated file\?\) \(expected the rest of the value that starts at line 1/);
  await assert.rejects(scan('{"a": 1', 4, skip), /expected '}' closing the object opened at line 1/);
  await assert.rejects(scan('', 4, skip), /x\.json:1:1: unexpected end of input .*expected a JSON value/);
  await assert.rejects(scan('{} x', 4, skip), /x\.json:1:4: malformed JSON \(expected end of input after the top-level value/);
});

test('a captured value with a syntax error is located inside the value', async () => {
  const cap = (p: JsonPath): JsonAction => (p.length ? 'capture' : 'descend');
  await assert.rejects(scan('{"a":\n [1,\n {"b": tru}]}', 3, cap), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.line, 3);
    assert.equal(e.diagnostic.col, 8);
    return true;
  });
});

test('locateJsonError names the first error position and expectation; valid JSON has none', () => {
  assert.equal(locateJsonError('{"a": [1, 2, {"b": null}], "c": "\\u00e9"}'), undefined);
  assert.deepEqual(locateJsonError('[1, 2,]'), { index: 6, expected: 'a value (object, array, string, number, true, false or null)', found: '"]"' });
  assert.deepEqual(locateJsonError('{"a" 1}'), { index: 5, expected: "':' after the key", found: '"1}"' });
  assert.equal(locateJsonError('"abc')!.expected, "'\"' closing the string");
  assert.equal(locateJsonError('[01]')!.index, 2);
  assert.equal(locateJsonError('['.repeat(100000))!.expected, 'a value', 'deep nesting does not overflow the stack');
  assert.throws(() => parseJsonAt('{\n"x": ]', 'f.json', { line: 10, col: 1, offset: 0 }), /f\.json:11:6: malformed JSON/);
});
