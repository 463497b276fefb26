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

// ---- issue 18: string size limits, checked while scanning (before any text is built) ----------------------

/** Chunks of `s`, counting how many bytes the scanner pulled. */
function counted(s: string, size: number, pulled: { bytes: number }): AsyncGenerator<Buffer> {
  const b = Buffer.from(s);
  return (async function* () {
    for (let i = 0; i < b.length; i += size) {
      pulled.bytes += Math.min(size, b.length - i);
      yield b.subarray(i, i + size);
    }
  })();
}

async function scanLimited(s: string, maxStringBytes: number, select: (p: JsonPath) => JsonAction, size = 16, pulled = { bytes: 0 }): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const it of scanJson(counted(s, size, pulled), 'big.json', select, { maxStringBytes })) out.push(it.value ?? it.text);
  return out;
}

const events = (p: JsonPath): JsonAction => (p.length === 0 ? 'descend' : p[0] === 'traceEvents' ? (p.length === 1 ? 'descend' : 'capture') : 'skip');

test('a string in a captured value longer than the limit is importer.string-too-long at its line, column and path', async () => {
  const doc = `{"traceEvents": [{"name": "k"},\n {"ph": "X", "args": {"x": "${'a'.repeat(40)}"}}]}`;
  assert.deepEqual(await scanLimited(doc, 40, events), [{ name: 'k' }, { ph: 'X', args: { x: 'a'.repeat(40) } }], 'exactly the limit is fine');
  await assert.rejects(scanLimited(doc, 39, events, 1000), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, 'importer.string-too-long');
    assert.equal(e.diagnostic.line, 2);
    assert.equal(e.diagnostic.col, 28); // the opening quote of the string
    assert.equal(e.diagnostic.field, 'traceEvents.1');
    assert.equal(e.diagnostic.expected, 'at most 39 bytes');
    assert.equal(e.diagnostic.found, '40 bytes');
    return true;
  });
});

test('a huge string stops the scan while it is still open: bytes read stay within the limit plus one chunk', async () => {
  const limit = 1000;
  const doc = `{"traceEvents": [{"args": "${'a'.repeat(1_000_000)}"}]}`;
  const pulled = { bytes: 0 };
  await assert.rejects(scanLimited(doc, limit, events, 64, pulled), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === 'importer.string-too-long' && /still open/.test(e.diagnostic.found ?? ''));
  assert.ok(pulled.bytes <= 28 + limit + 64 + 64, `read ${pulled.bytes} of ${doc.length} bytes`);
});

test('object keys are limited too; skipped values may hold strings of any length (never built)', async () => {
  await assert.rejects(scanLimited(`{"${'k'.repeat(50)}": 1}`, 20, (p) => (p.length === 0 ? 'descend' : 'capture')), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === 'importer.string-too-long' && e.diagnostic.col === 2);
  assert.deepEqual(await scanLimited(`{"skip": "${'s'.repeat(500)}", "traceEvents": [1]}`, 20, events), [1]);
});

test('the default string limit is GMEMLAB_MAX_STRING_BYTES (64 MiB when unset)', async () => {
  const { maxStringBytes, DEFAULT_MAX_STRING_BYTES } = await import('../../../src/importers/shared/limits');
  const saved = process.env.GMEMLAB_MAX_STRING_BYTES;
  try {
    delete process.env.GMEMLAB_MAX_STRING_BYTES;
    assert.equal(maxStringBytes(), 64 * 1024 * 1024);
    assert.equal(DEFAULT_MAX_STRING_BYTES, 64 * 1024 * 1024);
    process.env.GMEMLAB_MAX_STRING_BYTES = '32';
    assert.equal(maxStringBytes(), 32);
    const out: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const it of scanJson(chunks(`{"traceEvents": ["${'x'.repeat(33)}"]}`, 8), 'env.json', events)) out.push(it.value);
      })(),
      (e: unknown) => e instanceof GmemlabError && e.diagnostic.expected === 'at most 32 bytes',
    );
  } finally {
    if (saved === undefined) delete process.env.GMEMLAB_MAX_STRING_BYTES;
    else process.env.GMEMLAB_MAX_STRING_BYTES = saved;
  }
});
