import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GmemlabError } from '../../../src/log/diagnostic';
import { rejectsWith } from '../../helpers/diagnostic';
import { csvMessages, mapMessages } from '../../../src/log/messages/trace';
import { fieldColumn } from '../../../src/trace/map/read';
import { batchesToEvents } from '../../../src/trace/batch';
import { openTrace } from '../../../src/importers/open';
import { collectBatches } from '../../../src/trace/trace';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-mapread-'));
const root = join(__dirname, '..', '..', '..');
let k = 0;
function file(text: string): string {
  const p = join(dir, `f${k++}.csv`);
  writeFileSync(p, text);
  return p;
}

const SPEC = JSON.stringify({
  columns: {
    t_ns: { from: 'when', unit: 'us' },
    op: { from: 'what', values: { MALLOC: 'alloc', TOUCH: 'access' } },
    agent: { from: 'who', replace: [['^GPU(\\d+)$', 'dev$1']], values: { CPU: 'cpu' } },
    va: { from: 'page', unit: 'page', pageBytes: 4096 },
    bytes: { from: 'size', unit: 'auto' },
    access: { from: 'how', values: { READ: 'r', WRITE: 'w' } },
    flags: { const: 'managed' },
  },
});

async function read(text: string, strict = true, spec = SPEC) {
  return collectBatches(await openTrace(file(text), { map: spec, strict, cache: false }));
}

test('a foreign file (semicolons, quotes, extra columns) maps to canonical events', async () => {
  const { batches, reader } = await read('when;what;who;page;size;how;comment\n0.5;MALLOC;CPU;256;2MiB;;"a; b"\n1.25;TOUCH;GPU1;257;64KiB;READ;\n');
  assert.deepEqual(batchesToEvents(batches), [
    { op: 'alloc', tNs: 500, agent: 'cpu', va: 256 * 4096, bytes: 2 << 20, flags: ['managed'] },
    { op: 'access', tNs: 1250, agent: 'dev1', va: 257 * 4096, bytes: 65536, access: 'r', flags: ['managed'] },
  ]);
  assert.deepEqual(reader.log.countsByCode(), { [mapMessages.unusedColumns.code]: 1, 'trace.live-at-end': 1 }); // the MALLOC is never freed
  assert.match(reader.log.examples()[0]!.message, /"comment"/);
});

test('a column the map reads but the file lacks is map.missing-source-column', async () => {
  await assert.rejects(read('when,what,who,page,how\n1,TOUCH,CPU,1,READ\n'), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === mapMessages.missingSourceColumn.code && e.diagnostic.field === 'size' && !/looks like data/.test(e.message));
  // a file without a header line: its first row is taken for the header, and the message says so
  await assert.rejects(read('1,TOUCH,CPU,0x1f,READ\n2,TOUCH,CPU,0x20,READ\n'), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === mapMessages.missingSourceColumn.code && /its first line looks like data: a file without a header line needs the map's "header"/.test(e.message));
});

test('an unconvertible value is map.bad-value naming the foreign line and column (strict)', async () => {
  // col 15: the first character of "lots" in 2,TOUCH,CPU,1,lots,READ
  await rejectsWith(read('when,what,who,page,size,how\n1,MALLOC,CPU,1,2MiB,\n2,TOUCH,CPU,1,lots,READ\n'), { code: mapMessages.badValue.code, line: 3, col: 15, field: 'size→bytes' });
});

test('fieldColumn: the byte column of a field, quote-aware', () => {
  assert.equal(fieldColumn('2,TOUCH,CPU,1,lots,READ', ',', 0), 1);
  assert.equal(fieldColumn('2,TOUCH,CPU,1,lots,READ', ',', 4), 15);
  assert.equal(fieldColumn('a,"b,c",d', ',', 2), 9, 'the comma inside quotes is not a delimiter');
  assert.equal(fieldColumn('a,"say ""hi"", x",d', ',', 2), 19, 'escaped quotes stay inside the field');
  assert.equal(fieldColumn('é;x', ';', 1), 4, 'columns count bytes (é is 2)');
  assert.equal(fieldColumn('a\tb\tc', '\t', 2), 5);
});

test('canonical rules still apply after mapping, naming the foreign column', async () => {
  await rejectsWith(read('when,what,who,page,size,how\n1,FREE_ALL,CPU,1,4KiB,\n'), { code: csvMessages.unknownOp.code, field: 'what→op', line: 2 });
});

test('lenient: bad foreign rows are skipped and counted', async () => {
  const { batches, reader } = await read(
    'when,what,who,page,size,how\n1,MALLOC,CPU,1,2MiB,\n2,TOUCH,CPU,1,lots,READ\n3,TOUCH,CPU,1,0,READ\n4,TOUCH,CPU,1,4KiB,READ\n5,TOUCH,CPU\n',
    false,
  );
  assert.equal(batchesToEvents(batches).length, 2);
  assert.deepEqual(reader.log.countsByCode(), {
    [csvMessages.fieldCount.code]: 1,
    [csvMessages.zeroSize.code]: 1,
    [mapMessages.badValue.code]: 1,
    'trace.live-at-end': 1, // the MALLOC is never freed
  });
});

test('docs/import.md example 2 (allocator log) imports as documented', async () => {
  const t = await openTrace(join(root, 'docs', 'examples', 'alloc-log.csv'), { map: join(root, 'docs', 'examples', 'alloc-log.map.json'), cache: false });
  const { batches, reader } = await collectBatches(t);
  const ev = batchesToEvents(batches);
  assert.deepEqual(ev.map((e) => [e.tNs, e.op]), [[0, 'reserve'], [1000, 'alloc'], [150000, 'access'], [750000, 'prefetch'], [2500000, 'free'], [2750000, 'release']]);
  assert.equal(ev[0]!.label, 'pool 0, large');
  assert.equal(reader.meta.origin_unix_ns, '1700000000123250000');
  assert.deepEqual(reader.log.countsByCode(), {});
});

test('a rebased origin that is not a plausible Unix time (a monotonic clock, e.g. seconds since boot) is origin_clock_ns, not origin_unix_ns', async () => {
  const spec = JSON.stringify({ columns: { t_ns: { from: 'when', unit: 's', rebase: true }, op: { const: 'alloc' }, va: 'va', bytes: 'size', flags: { const: 'managed' } } });
  const { reader } = await read('when,va,size\n5123.5,4096,4096\n5123.75,8192,4096\n', true, spec);
  assert.equal(reader.meta.origin_unix_ns, undefined);
  assert.equal(reader.meta.origin_clock_ns, '5123500000000');
});

test('a catastrophic replace pattern on a 35-character cell imports at once (linear-time patterns)', async () => {
  const spec = JSON.stringify({
    columns: {
      t_ns: 'when', op: 'what', agent: { const: 'cpu' }, va: { const: '0x1000' }, bytes: { const: 4096 }, flags: { const: 'managed' },
      label: { from: 'name', replace: [['^(a+)+$', 'all-a']] },
    },
  });
  const hostile = `${'a'.repeat(35)}!`;
  const { batches } = await read(`when,what,name\n0,alloc,${hostile}\n1,free,${'a'.repeat(35)}\n`, true, spec);
  assert.deepEqual(batchesToEvents(batches).map((e) => e.label), [hostile, 'all-a']);
});

test('nvprof "-" placeholders replaced by "" are not given: optional fields stay empty, a required one is csv.missing-field', async () => {
  const spec = JSON.stringify({
    columns: {
      t_ns: { from: 'Start', unit: 'auto' }, op: { from: 'Name', values: { k: 'kernel_begin', f: 'access' } }, agent: { const: 'dev0' },
      va: { from: 'VA', replace: [['^-$', '']] }, bytes: { from: 'Size', unit: 'KiB', replace: [['^-$', '']] },
      access: { from: 'Name', values: { f: 'r', k: '' } }, dur_ns: { from: 'Duration', unit: 'auto', replace: [['^-$', '']] },
    },
  });
  const { batches } = await read('Start,Duration,VA,Size,Name\n1ms,2.5us,-,-,k\n2ms,-,0x1000,4,f\n', true, spec);
  assert.deepEqual(batchesToEvents(batches), [
    { op: 'kernelBegin', tNs: 1_000_000, agent: 'dev0', durNs: 2500 },
    { op: 'access', tNs: 2_000_000, agent: 'dev0', va: 0x1000, bytes: 4096, access: 'r' },
  ]);
  // an access needs va: the canonical rule decides
  await rejectsWith(read('Start,Duration,VA,Size,Name\n1ms,-,-,-,f\n', true, spec), { code: csvMessages.missingField.code, line: 2, field: 'VA→va' });
});

test('nvprof GPU trace sizes ("4.0000KB", "1.5000MB": KB = 1024 bytes) import exactly with "sizeUnits": "binary"; without it they are SI', async () => {
  // nvprof --print-gpu-trace --csv: sizes with a binary unit in the cell, "-" for rows without one
  const text = 'Start,Duration,Size,Name\n1ms,2.5us,4.0000KB,[CUDA memcpy HtoD]\n2ms,7.1us,1.5000MB,[CUDA memcpy DtoH]\n3ms,9.0us,-,kernel\n';
  const spec = (sizeUnits?: string) =>
    JSON.stringify({
      columns: {
        t_ns: { from: 'Start', unit: 'auto' }, dur_ns: { from: 'Duration', unit: 'auto' },
        op: { from: 'Name', values: { '[CUDA memcpy HtoD]': 'copy', '[CUDA memcpy DtoH]': 'copy', kernel: 'kernel_begin' } },
        agent: { from: 'Name', values: { '[CUDA memcpy HtoD]': 'cpu', '[CUDA memcpy DtoH]': 'dev0', kernel: 'dev0' } },
        target: { from: 'Name', values: { '[CUDA memcpy HtoD]': 'dev0', '[CUDA memcpy DtoH]': 'cpu', kernel: '' } },
        bytes: { from: 'Size', unit: 'auto', replace: [['^-$', '']], ...(sizeUnits !== undefined ? { sizeUnits } : {}) },
      },
    });
  const bytes = async (s: string) => batchesToEvents((await read(text, true, s)).batches).map((e) => e.bytes);
  assert.deepEqual(await bytes(spec('binary')), [4096, 1.5 * 1024 ** 2, undefined]);
  assert.deepEqual(await bytes(spec()), [4000, 1_500_000, undefined], 'the default reads KB and MB as SI');
  assert.deepEqual(await bytes(spec('si')), [4000, 1_500_000, undefined]);
});

test('map.bad-value after a rewrite shows the rewritten value and the raw cell', async () => {
  const spec = JSON.stringify({ columns: { t_ns: { const: 0 }, op: { const: 'access' }, agent: { const: 'cpu' }, va: { from: 'addr', replace: [['^', '0x']] }, bytes: { const: 64 }, access: { const: 'r' } } });
  await assert.rejects(read('addr\nzz12\n', true, spec), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, mapMessages.badValue.code);
    assert.equal(e.diagnostic.found, '"0xzz12" (the cell "zz12" after replace/values)');
    assert.equal(e.message.split('\n')[0], `${e.diagnostic.file}:2:1: cannot convert value (field 'addr→va', expected an address (decimal or 0x hex) in B, found "0xzz12" (the cell "zz12" after replace/values))`);
    return true;
  });
});

const REBASE = JSON.stringify({ columns: { t_ns: { from: 'when', unit: 's', rebase: true }, op: { const: 'marker' }, label: 'name' } });

test('rebase with sort=true: the origin is the earliest time, not the first row\'s, and no row is negative', async () => {
  const t = await openTrace(file('when,name\n5123.75,b\n5123.5,a\n5124,c\n'), { map: REBASE, options: { sort: true }, cache: false });
  const { batches, reader } = await collectBatches(t);
  // earliest 5123.5 s: a at 0, b 0.25 s later, c 0.5 s later
  assert.deepEqual(batchesToEvents(batches).map((e) => [e.label, e.tNs]), [['a', 0], ['b', 250_000_000], ['c', 500_000_000]]);
  assert.equal(reader.meta.origin_clock_ns, '5123500000000');
  assert.deepEqual(reader.log.countsByCode(), {});
});

test('rebase with sort=true stays exact for epoch times in ns far beyond 2^53', async () => {
  const spec = JSON.stringify({ columns: { t_ns: { from: 'when', rebase: true }, op: { const: 'marker' }, label: 'name' } });
  const t = await openTrace(file('when,name\n1700000000123456789,b\n1700000000123456700,a\n1700000000123456790,c\n'), { map: spec, options: { sort: true }, cache: false });
  const { batches, reader } = await collectBatches(t);
  assert.deepEqual(batchesToEvents(batches).map((e) => [e.label, e.tNs]), [['a', 0], ['b', 89], ['c', 90]]);
  assert.equal(reader.meta.origin_unix_ns, '1700000000123456700');
});

test('rebase without sorting: a row earlier than the first row is map.before-origin, naming the origin and suggesting sort=true', async () => {
  await rejectsWith(read('when,name\n5123.75,b\n5123.5,a\n', true, REBASE), {
    code: mapMessages.beforeOrigin.code, line: 3, col: 1, field: 'when→t_ns',
    expected: 'a time ≥ the rebase origin "5123.75" (line 2)', found: '"5123.5", 250000000 ns earlier',
  });
  assert.match(mapMessages.beforeOrigin.advice, /sort=true/);
  const { batches, reader } = await read('when,name\n5123.75,b\n5123.5,a\n5124,c\n', false, REBASE);
  assert.deepEqual(batchesToEvents(batches).map((e) => [e.label, e.tNs]), [['b', 0], ['c', 250_000_000]]);
  assert.deepEqual(reader.log.countsByCode(), { [mapMessages.beforeOrigin.code]: 1 });
});

// Ramulator's DRAM trace: `<hex addr> <R|W>`, no header line
const DRAM = JSON.stringify({
  header: ['addr', 'type'], delimiter: ' ',
  columns: { t_ns: { const: 0 }, op: { const: 'access' }, agent: { const: 'dev0' }, va: 'addr', bytes: { const: 64 }, access: { from: 'type', values: { R: 'r', W: 'w' } } },
});

test('a map "header" names the columns of a header-less file: its first line is data', async () => {
  const { batches, reader } = await read('0x12345680 R\n0x4cbd56c0 W\n', true, DRAM);
  assert.deepEqual(batchesToEvents(batches), [
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x12345680, bytes: 64, access: 'r' },
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x4cbd56c0, bytes: 64, access: 'w' },
  ]);
  // a raw DRAM trace allocates nothing: the semantic check says so, once
  assert.deepEqual(reader.log.countsByCode(), { 'trace.access-outside-allocation': 1 });
});

test('header-less: messages name the map\'s column names (map.bad-value, map.field-count), from line 1', async () => {
  await rejectsWith(read('0x1zz R\n', true, DRAM), { code: mapMessages.badValue.code, line: 1, col: 1, field: 'addr→va' });
  await rejectsWith(read('0x1000 R\n0x2000 R 17\n', true, DRAM), { code: mapMessages.fieldCount.code, line: 2, expected: '2 fields: "addr", "type" (the map\'s "header")', found: '3' });
  await assert.rejects(read('# nothing but a comment\n\n', true, DRAM), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === mapMessages.noRows.code && /"addr", "type"/.test(e.diagnostic.expected!));
});

// DRAMsim3's trace: `<0x addr> <READ|WRITE> <cycle>`, aligned with runs of spaces, no header line
const DRAMSIM = JSON.stringify({
  header: ['addr', 'cmd', 'cycle'], delimiter: 'whitespace',
  columns: { t_ns: 'cycle', op: { const: 'access' }, agent: { const: 'dev0' }, va: 'addr', bytes: { const: 64 }, access: { from: 'cmd', values: { READ: 'r', WRITE: 'w' } } },
});

test('delimiter "whitespace": runs of spaces and tabs separate fields; leading and trailing ones, blank lines and indented comments are ignored', async () => {
  const { batches } = await read('0x2000D5C0 READ  30\n  0x1FF96FC0\tWRITE   \t160  \n   \n  # a note\n0x2000D600 READ    165\n', true, DRAMSIM);
  assert.deepEqual(batchesToEvents(batches).map((e) => [e.tNs, e.va, e.access]), [[30, 0x2000d5c0, 'r'], [160, 0x1ff96fc0, 'w'], [165, 0x2000d600, 'r']]);
});

test('delimiter "whitespace": a double quote is an ordinary character, and a problem names the field\'s column', async () => {
  // the access "READ (with its quote) is not a canonical access
  await rejectsWith(read('0x40 READ 1\n  0x80   "READ  2\n', true, DRAMSIM), { code: csvMessages.badEnum.code, line: 2, field: 'cmd→access' });
  // col 16: the first character of "2.5x" in `  0x80   READ  2.5x` (2 + 4 + 3 + 4 + 2 characters before it)
  await rejectsWith(read('0x40 READ 1\n  0x80   READ  2.5x\n', true, DRAMSIM), { code: mapMessages.badValue.code, col: 16 });
  assert.equal(fieldColumn('  0x80   READ\t 2', 'whitespace', 0), 3);
  assert.equal(fieldColumn('  0x80   READ\t 2', 'whitespace', 2), 16);
});

test('delimiter "whitespace" with the file\'s own header line', async () => {
  const spec = JSON.stringify({ ...JSON.parse(DRAMSIM), header: undefined });
  const { batches } = await read('addr   cmd    cycle\n0x40   WRITE  7\n', true, spec);
  assert.deepEqual(batchesToEvents(batches).map((e) => [e.tNs, e.va, e.access]), [[7, 0x40, 'w']]);
});

// Ramulator's CPU trace: `<bubbles> <read addr> [<writeback addr>]`: 2 or 3 fields
const CPU_TRACE = JSON.stringify({
  header: ['bubbles', 'read_addr', 'wb_addr'], delimiter: 'whitespace',
  columns: { t_ns: { const: 0 }, op: { const: 'access' }, agent: { const: 'cpu' }, va: 'read_addr', bytes: { const: 64 }, access: { const: 'r' }, label: 'wb_addr' },
  ignore: ['bubbles'],
});

test('"ragged": true lets rows end early: the missing trailing fields are empty (not given); off by default', async () => {
  const ragged = JSON.stringify({ ...JSON.parse(CPU_TRACE), ragged: true });
  const { batches } = await read('3 20734016\n8 20841280 20841280\n', true, ragged);
  assert.deepEqual(batchesToEvents(batches).map((e) => [e.va, e.label]), [[20734016, undefined], [20841280, '20841280']]);
  // more fields than names is still an error
  await rejectsWith(read('3 20734016 1 2\n', true, ragged), { code: mapMessages.fieldCount.code, expected: 'at most 3 fields: "bubbles", "read_addr", "wb_addr" (the map\'s "header")' });
  await rejectsWith(read('3 20734016\n8 20841280 20841280\n', true, CPU_TRACE), { code: mapMessages.fieldCount.code, line: 1, found: '2' });
});

test('"ragged" with a file header line; without it a short row stays csv.field-count', async () => {
  const spec = { columns: { t_ns: 'when', op: { const: 'marker' }, label: 'name' } };
  const { batches } = await read('when,name,note\n1,a\n2,b,x\n', true, JSON.stringify({ ...spec, ragged: true, ignore: ['note'] }));
  assert.deepEqual(batchesToEvents(batches).map((e) => [e.tNs, e.label]), [[1, 'a'], [2, 'b']]);
  // a last line cut short cannot be told from a short row: with ragged it is one (csv.truncated-last-line without)
  const cut = await read('when,name,note\n1,a,x\n2,b', true, JSON.stringify({ ...spec, ragged: true, ignore: ['note'] }));
  assert.deepEqual(batchesToEvents(cut.batches).map((e) => [e.tNs, e.label]), [[1, 'a'], [2, 'b']]);
  await assert.rejects(read('when,name,note\n1,a,x\n2,b', true, JSON.stringify({ ...spec, ignore: ['note'] })), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === csvMessages.truncatedLastLine.code);
  await assert.rejects(read('when,name,note\n1,a\n', true, JSON.stringify(spec)), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === csvMessages.fieldCount.code);
});
