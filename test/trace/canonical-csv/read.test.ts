import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvMessages, traceMessages } from '../../../src/log/messages/trace';
import { sourceLineOf } from '../../../src/trace/source-lines';
import { chunked, HEADER, readText, strictError } from './helpers';
import { readCanonicalCsv } from '../../../src/trace/canonical-csv/read';
import { DiagnosticLog } from '../../../src/log/collector';
import { StringTable } from '../../../src/trace/strings';
import { GmemlabError } from '../../../src/log/diagnostic';

const SAMPLE =
  '# format=gmemlab-events\n# version=1\n# workload=demo\n' + HEADER +
  '0,alloc,cpu,0x7f0000000000,67108864,,,,peer_shared,buf0,,,,,\n' +
  '1000,access,dev0,0x7F0000000000,4096,w,,,,,,2,,,\n' +
  '2000,prefetch,cpu,139637978824704,8388608,,,dev0,async,,,,,,\n' +
  '2500,advise,cpu,0x7f0000000000,4096,,read_mostly,,,,,,,,\n' +
  '3000,marker,cpu,,,,,,,,,,,,"phase:a,b ""q"""\n' +
  '4000,kernel_begin,dev0,,,,,,,,,,,500,gemm\n';

test('rows become events: hex (any case) or decimal addresses, enums, flags, strings, metadata', async () => {
  const r = await readText(SAMPLE);
  assert.deepEqual(r.meta, { format: 'gmemlab-events', version: '1', workload: 'demo' });
  assert.deepEqual(r.events, [
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x7f0000000000, bytes: 67108864, flags: ['peer_shared'], resource: 'buf0' },
    { op: 'access', tNs: 1000, agent: 'dev0', va: 0x7f0000000000, bytes: 4096, access: 'w', count: 2 },
    { op: 'prefetch', tNs: 2000, agent: 'cpu', va: 0x7f0000200000, bytes: 8388608, target: 'dev0', flags: ['async'] },
    { op: 'advise', tNs: 2500, agent: 'cpu', va: 0x7f0000000000, bytes: 4096, advice: 'read_mostly' },
    { op: 'marker', tNs: 3000, agent: 'cpu', label: 'phase:a,b "q"' },
    { op: 'kernel_begin' as never, tNs: 4000, agent: 'dev0', durNs: 500, label: 'gemm' },
  ].map((e) => (e.op === ('kernel_begin' as never) ? { ...e, op: 'kernelBegin' } : e)) as never);
  assert.equal(r.batches[0]!.code[4], 5, 'marker kind phase');
  assert.equal(sourceLineOf(r.batches[0]!, 0), 5);
  assert.equal(sourceLineOf(r.batches[0]!, 5), 10);
});

test('every chunking of the input gives the same events (chunk boundaries anywhere)', async () => {
  const whole = await readText(SAMPLE);
  for (const chunk of [1, 2, 3, 7, 64]) assert.deepEqual((await readText(SAMPLE, { chunk })).events, whole.events, `chunk ${chunk}`);
});

test('CRLF line ends, a UTF-8 BOM and a last line without line end are tolerated', async () => {
  const text = '\ufeff' + SAMPLE.replace(/\n/g, '\r\n').replace(/\r\n$/, '');
  for (const chunk of [1, 5, 1 << 20]) assert.deepEqual((await readText(text, { chunk })).events, (await readText(SAMPLE)).events);
});

test('column order is free, x_ columns are ignored, missing optional columns are fine', async () => {
  const r = await readText('x_note,bytes,op,t_ns,va,access,agent\nhello,4096,access,5,0x1000,r,dev1\n,64,access,6,4096,rw,cpu\n');
  assert.deepEqual(r.events, [
    { op: 'access', tNs: 5, agent: 'dev1', va: 4096, bytes: 4096, access: 'r' },
    { op: 'access', tNs: 6, agent: 'cpu', va: 4096, bytes: 64, access: 'rw' },
  ]);
});

test('quoted fields may hold commas, quotes, line breaks and UTF-8; line numbers count the inner breaks', async () => {
  const r = await readText('t_ns,op,label\n1,marker,"two\nlines"\n2,marker,"naïve ""x"""\n3,marker,plain\n');
  assert.deepEqual(r.events.map((e) => e.label), ['two\nlines', 'naïve "x"', 'plain']);
  assert.equal(sourceLineOf(r.batches[0]!, 2), 5);
});

test('comment lines and blank lines are skipped; several flags and x_ flag tokens parse', async () => {
  const r = await readText('t_ns,op,va,bytes,flags,resource\n# a comment\n\n1,map,0x10000,65536,null|readonly|x_mine,\n');
  assert.deepEqual(r.events[0]!.flags, ['null', 'readonly']);
});

test('batches are cut at batchRows and share one string table', async () => {
  let text = 't_ns,op,label\n';
  for (let i = 0; i < 10; i++) text += `${i},marker,m${i % 3}\n`;
  const r = await readText(text, { batchRows: 4 });
  assert.deepEqual(r.batches.map((b) => b.length), [4, 4, 2]);
  assert.equal(r.batches[0]!.strings, r.batches[2]!.strings);
  assert.equal(r.events[9]!.label, 'm0');
});

// ---- structural errors: exact message factory, file:line:col and field --------------------------------------

const cases: Array<[string, string, { code: string; line?: number; col?: number; field?: string }]> = [
  ['empty file', '', { code: csvMessages.empty.code, line: 1 }],
  ['only comments', '# format=gmemlab-events\n', { code: csvMessages.empty.code }],
  ['header only', HEADER, { code: csvMessages.headerOnly.code, line: 2 }],
  ['unknown column', 't_ns,op,size\n', { code: csvMessages.unknownColumn.code, line: 1, col: 9, field: 'size' }],
  ['duplicate column', 't_ns,op,t_ns\n', { code: csvMessages.duplicateColumn.code, col: 9 }],
  ['header without op', 't_ns,va\n1,2\n', { code: csvMessages.missingColumn.code, field: 'op' }],
  ['missing required column for the op', 't_ns,op,agent,va,bytes\n1,access,dev0,0x1000,4096\n', { code: csvMessages.missingColumn.code, line: 2, field: 'access' }],
  ['missing required field', HEADER + '1,access,dev0,0x1000,,r,,,,,,,,,\n', { code: csvMessages.missingField.code, line: 2, col: 22, field: 'bytes' }],
  ['missing resource on a map', 't_ns,op,va,bytes,resource\n1,map,0x10000,4096,\n', { code: csvMessages.missingField.code, field: 'resource' }],
  ['unknown op', 't_ns,op\n1,malloc\n', { code: csvMessages.unknownOp.code, line: 2, col: 3, field: 'op' }],
  ['non-numeric size', 't_ns,op,va,bytes\n1,reserve,0x1000,64KiB\n', { code: csvMessages.badNumber.code, col: 18, field: 'bytes' }],
  ['negative size', 't_ns,op,va,bytes\n1,reserve,0x1000,-4096\n', { code: csvMessages.negative.code, field: 'bytes' }],
  ['zero size', 't_ns,op,va,bytes\n1,reserve,0x1000,0\n', { code: csvMessages.zeroSize.code, field: 'bytes' }],
  ['address ≥ 2^53', 't_ns,op,va,bytes\n1,reserve,0x20000000000000,4096\n', { code: csvMessages.tooLarge.code, field: 'va' }],
  ['decimal address ≥ 2^53', 't_ns,op,va,bytes\n1,reserve,9007199254740992,4096\n', { code: csvMessages.tooLarge.code, field: 'va' }],
  ['range ending beyond 2^53', 't_ns,op,va,bytes\n1,reserve,9007199254740990,4096\n', { code: csvMessages.rangeTooLarge.code }],
  ['time ≥ 2^53', 't_ns,op,label\n99999999999999999999,marker,x\n', { code: csvMessages.tooLarge.code, field: 't_ns' }],
  ['unaligned map va', 't_ns,op,va,bytes,resource,page_bytes\n1,map,0x11000,65536,r,65536\n', { code: csvMessages.unalignedMap.code, field: 'va' }],
  ['unaligned map size', 't_ns,op,va,bytes,resource,page_bytes\n1,map,0x10000,4096,r,65536\n', { code: csvMessages.unalignedMap.code, field: 'bytes' }],
  ['page size not a power of two', 't_ns,op,va,bytes,resource,page_bytes\n1,map,0x10000,4096,r,3000\n', { code: csvMessages.badPageSize.code }],
  ['timestamps going backwards', 't_ns,op,label\n5,marker,a\n4,marker,b\n', { code: csvMessages.timeBackwards.code, line: 3, col: 1, field: 't_ns' }],
  ['unknown flag', 't_ns,op,va,bytes,flags\n1,alloc,0x1000,4096,managed|turbo\n', { code: csvMessages.unknownFlag.code, col: 29 }],
  ['alloc without kind', 't_ns,op,va,bytes,flags\n1,alloc,0x1000,4096,readonly\n', { code: csvMessages.allocKind.code }],
  ['alloc with two kinds', 't_ns,op,va,bytes,flags\n1,alloc,0x1000,4096,managed|device\n', { code: csvMessages.allocKind.code }],
  ['bad agent', 't_ns,op,agent\n1,kernel_begin,gpu0\n', { code: csvMessages.badAgent.code, field: 'agent' }],
  ['bad access kind', 't_ns,op,agent,va,bytes,access\n1,access,cpu,0,4,x\n', { code: csvMessages.badEnum.code, field: 'access' }],
  ['zero count', 't_ns,op,label,count\n1,marker,a,0\n', { code: csvMessages.badCount.code }],
  ['too many fields', 't_ns,op,label\n1,marker,a,b\n', { code: csvMessages.fieldCount.code, line: 2 }],
  ['too few fields', 't_ns,op,label\n1,marker\n2,marker,b\n', { code: csvMessages.fieldCount.code, line: 2 }],
  ['truncated last line', HEADER + '1,access,dev0,0x1000,4096,r,,,,,,,,,\n2,access,dev0,0x10', { code: csvMessages.truncatedLastLine.code, line: 3 }],
  ['unterminated quote at the end', 't_ns,op,label\n1,marker,"abc\n', { code: csvMessages.unterminatedQuote.code, line: 2 }],
  ['misplaced quote', 't_ns,op,label\n1,marker,ab"c\n', { code: csvMessages.badQuote.code, line: 2, col: 12 }],
  ['binary garbage', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]).toString('latin1'), { code: csvMessages.binary.code, line: 1 }],
  ['NUL bytes in a row', 't_ns,op,label\n1,marker,a\u0000b\n', { code: csvMessages.binary.code, line: 2 }],
  ['invalid UTF-8 in a label', Buffer.concat([Buffer.from('t_ns,op,label\n1,marker,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]).toString('latin1'), { code: csvMessages.badUtf8.code }],
];

for (const [name, text, want] of cases) {
  test(`strict: ${name} is ${want.code}${want.line ? ` at line ${want.line}` : ''}`, async () => {
    const input = /[\u0080-\u00ff]/.test(text) && name !== 'unterminated quote at the end' ? Buffer.from(text, 'latin1') : text;
    const d = await strictError(input);
    assert.equal(d.code, want.code, `${d.code}: ${d.message}`);
    assert.equal(d.file, 't.csv');
    if (want.line !== undefined) assert.equal(d.line, want.line);
    if (want.col !== undefined) assert.equal(d.col, want.col);
    if (want.field !== undefined) assert.equal(d.field, want.field);
    assert.ok(d.severity === 'error');
  });
}

test('lenient: bad rows are skipped and counted by reason, keeping the first 5 of each', async () => {
  let text = 't_ns,op,va,bytes\n';
  for (let i = 0; i < 8; i++) text += `${i},reserve,0x${(i + 1).toString(16)}000,0\n`; // zero size ×8
  text += '10,reserve,0x100000,4096\n';
  text += '11,malloc,0x200000,4096\n'; // unknown op
  text += '5,reserve,0x300000,4096\n'; // backwards
  text += '12,reserve,0x400000,-1\n'; // negative
  const r = await readText(text, { strict: false });
  assert.equal(r.events.length, 1);
  assert.deepEqual(r.log.countsByCode(), {
    [csvMessages.negative.code]: 1, [csvMessages.timeBackwards.code]: 1, [csvMessages.unknownOp.code]: 1, [csvMessages.zeroSize.code]: 8,
  });
  assert.equal(r.log.examples().filter((d) => d.code === csvMessages.zeroSize.code).length, 5);
});

test('lenient: a header with no rows is logged, not thrown; fatal header problems still throw', async () => {
  const r = await readText(HEADER, { strict: false });
  assert.equal(r.events.length, 0);
  assert.equal(r.log.count(csvMessages.headerOnly.code), 1);
  await assert.rejects(readText('t_ns,op,bogus\n1,marker\n', { strict: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === csvMessages.unknownColumn.code);
  await assert.rejects(readText('', { strict: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === csvMessages.empty.code);
});

test('lenient: a truncated last line is dropped and counted', async () => {
  const r = await readText(HEADER + '1,access,dev0,0x1000,4096,r,,,,,,,,,\n2,access,dev0,0x10', { strict: false });
  assert.equal(r.events.length, 1);
  assert.equal(r.log.count(csvMessages.truncatedLastLine.code), 1);
});

/** A 100 MB line, streamed in 1 MiB chunks of one reused buffer (never a 100 MB string). */
async function* hugeLine(totalBytes: number, after: string): AsyncGenerator<Buffer> {
  yield Buffer.from('t_ns,op,label\n1,marker,first\n2,marker,');
  const block = Buffer.alloc(1 << 20, 0x61);
  for (let sent = 0; sent < totalBytes; sent += block.length) yield block;
  yield Buffer.from(`\n${after}`);
}

async function readStream(chunks: AsyncIterable<Buffer>, strict: boolean) {
  const log = new DiagnosticLog();
  const labels: string[] = [];
  for await (const b of readCanonicalCsv(chunks, { file: 'big.csv', strict, log, strings: new StringTable(), meta: {} })) {
    for (let i = 0; i < b.length; i++) labels.push(b.strings.get(b.label[i]!));
  }
  return { log, labels };
}

test('a streamed 100 MB line is rejected at the 1 MiB limit without buffering it (strict)', async () => {
  const before = process.memoryUsage().rss;
  await assert.rejects(readStream(hugeLine(100e6, '3,marker,last\n'), true), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, csvMessages.lineTooLong.code);
    assert.equal(e.diagnostic.line, 3);
    return true;
  });
  assert.ok(process.memoryUsage().rss - before < 64e6, 'memory stays bounded');
});

test('a streamed 100 MB line is skipped and counted in lenient mode; the rows after it are read', async () => {
  const r = await readStream(hugeLine(100e6, '3,marker,last\n'), false);
  assert.deepEqual(r.labels, ['first', 'last']);
  assert.equal(r.log.count(csvMessages.lineTooLong.code), 1);
  assert.equal(r.log.examples()[0]!.line, 3);
});

test('the line limit is configurable and applies to quoted multi-line records too', async () => {
  const d = await strictError('t_ns,op,label\n1,marker,"' + 'x\n'.repeat(100) + '"\n', { maxLineBytes: 64 });
  assert.equal(d.code, csvMessages.lineTooLong.code);
  assert.equal((await readText('t_ns,op,label\n1,marker,' + 'y'.repeat(50) + '\n', { maxLineBytes: 64 })).events.length, 1);
});

test('semantic problems are not the reader\'s business (the checker reports them)', async () => {
  const r = await readText('t_ns,op,va\n1,free,0x1000\n');
  assert.equal(r.events.length, 1);
  assert.equal(r.log.total, 0);
  void traceMessages;
  void chunked;
});
