import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GmemlabError } from '../../../src/log/diagnostic';
import { mapMessages } from '../../../src/log/messages/trace';
import { loadMapSpec } from '../../../src/trace/map/spec';
import { ioMessages } from '../../../src/log/messages/io';
import { mkfifo } from '../../io/special-files';
import { throwsWith } from '../../helpers/diagnostic';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-mapspec-'));
const bad = (spec: string, field?: string) => () =>
  assert.throws(() => loadMapSpec(spec), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, mapMessages.badSpec.code, e.message);
    if (field) assert.equal(e.diagnostic.field, field);
    return true;
  });

test('a spec loads from inline JSON or a file; string rules mean "from"', () => {
  const s = loadMapSpec('{"columns":{"t_ns":"time","op":{"const":"marker"},"label":"what"}}');
  assert.deepEqual(s.columns.map((c) => [c.column, c.rule]), [['t_ns', { from: 'time' }], ['op', { const: 'marker' }], ['label', { from: 'what' }]]);
  assert.equal(s.comments, '#');
  const p = join(dir, 'm.json');
  writeFileSync(p, '{"columns":{"t_ns":"t","op":"o"},"delimiter":";"}');
  assert.equal(loadMapSpec(p).delimiter, ';');
});

test('bad JSON names the parser error', () => {
  assert.throws(() => loadMapSpec('{"columns": }'), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === mapMessages.badJson.code);
});

test('spec mistakes are map.bad-spec naming the key', () => {
  bad('{"columns":{"t_ns":"t"}}', 'columns.op')();
  bad('{"columns":{"t_ns":"t","op":"o","size":"s"}}', 'columns.size')();
  bad('{"columns":{"t_ns":{"from":"t","unit":"KiB"},"op":"o"}}', 'columns.t_ns.unit')();
  bad('{"columns":{"t_ns":"t","op":"o","bytes":{"from":"s","unit":"furlong"}}}', 'columns.bytes.unit')();
  bad('{"columns":{"t_ns":"t","op":"o","va":{"from":"p","unit":"page"}}}', 'columns.va.pageBytes')();
  bad('{"columns":{"t_ns":{"from":"t","const":1},"op":"o"}}', 'columns.t_ns')();
  bad('{"columns":{"t_ns":"t","op":{"from":"o","replace":[["(","x"]]}}}', 'columns.op.replace')();
  bad('{"columns":{"t_ns":"t","op":"o"},"delimiter":";;"}', 'delimiter')();
  bad('{"columns":{"t_ns":"t","op":{"from":"o","colour":"red"}}}', 'columns.op.colour')();
  bad(join(dir, 'missing.json'))();
});

test('sizeUnits is "si" or "binary", on a size or address column read with unit auto, KB, MB, GB or TB; anything else is map.bad-spec naming file, line, key, expected and found', () => {
  const ok = loadMapSpec('{"columns":{"t_ns":"t","op":"o","bytes":{"from":"Size","unit":"auto","sizeUnits":"binary"},"va":{"from":"a","unit":"KB","sizeUnits":"si"}}}');
  assert.deepEqual(ok.columns.map((c) => c.rule.sizeUnits), [undefined, undefined, 'binary', 'si']);
  const p = join(dir, 'size-units.json');
  writeFileSync(p, '{\n  "columns": {\n    "t_ns": "Start", "op": "Name",\n    "bytes": { "from": "Size", "unit": "auto", "sizeUnits": "jedec" }\n  }\n}\n');
  throwsWith(() => loadMapSpec(p), {
    code: mapMessages.badSpec.code,
    file: p,
    line: 4,
    field: 'columns.bytes.sizeUnits',
    expected: '"si" (KB = 1000 bytes, the default) or "binary" (KB = 1024 bytes, as nvprof prints sizes)',
    found: '"jedec"',
  });
  throwsWith(() => loadMapSpec('{"columns":{"t_ns":{"from":"t","unit":"auto","sizeUnits":"binary"},"op":"o"}}'), {
    field: 'columns.t_ns.sizeUnits',
    expected: 'sizeUnits only on size and address columns (bytes, page_bytes, va, offset)',
    found: '"binary"',
  });
  throwsWith(() => loadMapSpec('{"columns":{"t_ns":"t","op":"o","bytes":{"from":"s","unit":"KiB","sizeUnits":"binary"}}}'), {
    field: 'columns.bytes.sizeUnits',
    expected: 'sizeUnits with "unit": "auto", "KB", "MB", "GB" or "TB" (the units it reads), not with "unit": "KiB"',
  });
  bad('{"columns":{"t_ns":"t","op":"o","bytes":{"from":"s","sizeUnits":"binary"}}}', 'columns.bytes.sizeUnits')();
  bad('{"columns":{"t_ns":"t","op":"o","bytes":{"from":"s","unit":"auto","sizeUnits":true}}}', 'columns.bytes.sizeUnits')();
});

test('rebase is a t_ns rule only: on dur_ns (or any other column) it is map.bad-spec naming the spec file, line and key', () => {
  const p = join(dir, 'rebase-dur.json');
  writeFileSync(p, '{\n  "columns": {\n    "t_ns": { "from": "Start", "unit": "ms", "rebase": true },\n    "op": "Name",\n    "dur_ns": { "from": "Duration", "unit": "us", "rebase": true }\n  }\n}\n');
  // line 5: the line of "rebase" in the dur_ns rule
  const d = throwsWith(() => loadMapSpec(p), { code: mapMessages.badSpec.code, file: p, line: 5, field: 'columns.dur_ns.rebase' });
  assert.match(d.expected!, /only on t_ns/);
  bad('{"columns":{"t_ns":"t","op":"o","va":{"from":"a","rebase":false}}}', 'columns.va.rebase')();
  assert.equal(loadMapSpec('{"columns":{"t_ns":{"from":"t","rebase":true},"op":"o"}}').columns[0]!.rule.rebase, true);
});

test('"header" names the columns of a file without a header line: distinct non-empty names, and every "from" must be one of them', () => {
  const s = loadMapSpec('{"header":["addr","rw"],"columns":{"t_ns":{"const":0},"op":{"const":"access"},"va":"addr","access":"rw"}}');
  assert.deepEqual(s.header, ['addr', 'rw']);
  assert.equal(loadMapSpec('{"columns":{"t_ns":"t","op":"o"}}').header, undefined);
  bad('{"header":"addr rw","columns":{"t_ns":{"const":0},"op":{"const":"access"}}}', 'header')();
  bad('{"header":[],"columns":{"t_ns":{"const":0},"op":{"const":"access"}}}', 'header')();
  bad('{"header":["addr",""],"columns":{"t_ns":{"const":0},"op":{"const":"access"}}}', 'header')();
  bad('{"header":["addr",7],"columns":{"t_ns":{"const":0},"op":{"const":"access"}}}', 'header')();
  bad('{"header":["addr","addr"],"columns":{"t_ns":{"const":0},"op":{"const":"access"}}}', 'header')();
  throwsWith(() => loadMapSpec('{"header":["addr","rw"],"columns":{"t_ns":{"const":0},"op":{"const":"access"},"va":"address"}}'), {
    code: mapMessages.badSpec.code, field: 'columns.va.from', expected: 'one of the names in "header": addr, rw', found: '"address"',
  });
});

test('"delimiter" is one character or "whitespace"', () => {
  assert.equal(loadMapSpec('{"delimiter":"whitespace","columns":{"t_ns":"t","op":"o"}}').delimiter, 'whitespace');
  assert.equal(loadMapSpec('{"delimiter":" ","columns":{"t_ns":"t","op":"o"}}').delimiter, ' ');
  bad('{"delimiter":"spaces","columns":{"t_ns":"t","op":"o"}}', 'delimiter')();
});

test('"ragged" is a boolean, off by default', () => {
  assert.equal(loadMapSpec('{"columns":{"t_ns":"t","op":"o"}}').ragged, false);
  assert.equal(loadMapSpec('{"ragged":true,"columns":{"t_ns":"t","op":"o"}}').ragged, true);
  bad('{"ragged":"yes","columns":{"t_ns":"t","op":"o"}}', 'ragged')();
});

test('a map spec nested past the JSON depth limit, a repeated key, a folder or a FIFO: exit-2 errors, no crash and no wait', () => {
  // a 50,000-deep rule passed JSON.parse and overflowed the stack when printed in the message (internal error)
  const deep = `{"columns":{"t_ns":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`;
  // the bracket at depth 256: `{"columns":{"t_ns":` is 19 characters at depths 0-1, the array opens depth 2
  throwsWith(() => loadMapSpec(deep), { code: mapMessages.badJson.code, file: '--map', line: 1, col: 20 + 254 });
  throwsWith(() => loadMapSpec('{"columns":{"t_ns":"a","op":"b","t_ns":"c"}}'), { code: mapMessages.badJson.code, line: 1, col: 33, message: 'map spec is not valid JSON: duplicate key "t_ns"' });
  throwsWith(() => loadMapSpec(dir), { code: ioMessages.notAFile.code, file: dir });
  const fifo = join(dir, 'map.fifo');
  mkfifo(fifo);
  throwsWith(() => loadMapSpec(fifo), { code: ioMessages.notAFile.code, file: fifo });
});
