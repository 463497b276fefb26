import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GmemlabError } from '../../src/log/diagnostic';
import { csvMessages, importMessages, traceMessages } from '../../src/log/messages/trace';
import { ioMessages } from '../../src/log/messages/io';
import { importFile } from '../../src/importers/import-file';
import { HEADER } from '../trace/canonical-csv/helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-import-'));
let n = 0;
function file(content: string | Buffer, ext = '.csv'): string {
  const p = join(dir, `in${n++}${ext}`);
  writeFileSync(p, content);
  return p;
}

/** Strict import of `content` must fail with `code` and leave neither output nor temporary behind. */
async function strictFails(content: string | Buffer, code: string, ext: 'csv' | 'arrow' = 'csv'): Promise<GmemlabError> {
  const input = file(content);
  const outDir = mkdtempSync(join(dir, 'out-'));
  const out = join(outDir, `out.${ext}`);
  let err: unknown;
  try {
    await importFile(input, { from: 'csv', strict: true, cache: false }, out);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof GmemlabError, `expected a GmemlabError, got ${String(err)}`);
  assert.equal(err.diagnostic.code, code, err.message);
  assert.equal(existsSync(out), false, 'no output file');
  assert.deepEqual(readdirSync(outDir), [], 'no temporary left');
  return err;
}

const ROW = '1,access,dev0,0x1000,4096,r,,,,,,,,,\n';

const strictCases: Array<[string, string | Buffer, string]> = [
  ['an empty file', '', csvMessages.empty.code],
  ['a header only', HEADER, csvMessages.headerOnly.code],
  ['a missing required column', 't_ns,op,agent,va,bytes\n1,access,dev0,0x1000,4096\n', csvMessages.missingColumn.code],
  ['an unknown op', 't_ns,op\n1,malloc\n', csvMessages.unknownOp.code],
  ['a non-numeric size', HEADER + ROW.replace('4096', '4k'), csvMessages.badNumber.code],
  ['a negative size', HEADER + ROW.replace('4096', '-4096'), csvMessages.negative.code],
  ['a zero size', HEADER + ROW.replace('4096', '0'), csvMessages.zeroSize.code],
  ['an address ≥ 2^53', HEADER + ROW.replace('0x1000', '0x20000000000000'), csvMessages.tooLarge.code],
  ['an unaligned map', 't_ns,op,va,bytes,resource,page_bytes\n1,map,0x1000,65536,m,65536\n', csvMessages.unalignedMap.code],
  ['timestamps going backwards', HEADER + ROW + ROW.replace(/^1,/, '0,'), csvMessages.timeBackwards.code],
  ['a truncated last line', HEADER + ROW + '2,access,dev0,0x10', csvMessages.truncatedLastLine.code],
  ['binary garbage', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10]), csvMessages.binary.code],
];

for (const [name, content, code] of strictCases) {
  test(`strict import of ${name} fails with ${code} and writes no CSV output`, async () => {
    await strictFails(content, code, 'csv');
  });
}

test('strict import failing late (after many good rows) writes no Arrow output either', async () => {
  let text = HEADER;
  for (let i = 0; i < 200_000; i++) text += `${i},access,dev0,0x${(0x1000 + (i % 512) * 4096).toString(16)},4096,r,,,,,,,,,\n`;
  await strictFails(text + '5,access,dev0,0x1000,4096,r,,,,,,,,,\n', csvMessages.timeBackwards.code, 'arrow');
});

test('a line longer than 1 MiB (written in chunks) fails strict import at its line with no output', async () => {
  const p = join(dir, 'long.csv');
  const fd = openSync(p, 'w');
  writeSync(fd, HEADER + ROW + '2,marker,cpu,,,,,,,,,,,,');
  const block = Buffer.alloc(256 * 1024, 0x7a);
  for (let i = 0; i < 8; i++) writeSync(fd, block);
  writeSync(fd, '\n');
  closeSync(fd);
  const out = join(dir, 'long-out.csv');
  await assert.rejects(importFile(p, { cache: false }, out), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === csvMessages.lineTooLong.code && e.diagnostic.line === 3);
  assert.equal(existsSync(out), false);
});

test('lenient import skips bad rows, counts them by reason, keeps 5 examples each, and writes the good rows', async () => {
  let text = HEADER;
  let t = 0;
  const good = (): string => `${t++},access,dev0,0x${(0x1000 + t * 4096).toString(16)},4096,r,,,,,,,,,\n`;
  text += good();
  for (let i = 0; i < 7; i++) text += `${t++},access,dev0,0x1000,0,r,,,,,,,,,\n`; // zero size ×7
  text += good();
  text += `${t++},frobnicate,dev0,0x1000,4096,r,,,,,,,,,\n`; // unknown op
  text += `${t++},access,dev0,0x1000,abc,r,,,,,,,,,\n`; // non-numeric
  text += `${t++},access,dev0,0x1000,-1,r,,,,,,,,,\n`; // negative
  text += `${t++},access,dev0,0x20000000000000,1,r,,,,,,,,,\n`; // ≥ 2^53
  text += `${t++},map,dev0,0x1000,65536,,,,,m,,,65536,,\n`; // unaligned
  text += `0,access,dev0,0x1000,4096,r,,,,,,,,,\n`; // backwards
  text += good();
  text += `${t++},free,cpu,0x999000,,,,,,,,,,,\n`; // semantic: free of something never allocated
  text += `${t++},access,dev0,0x10`; // truncated last line
  const out = join(dir, 'lenient.csv');
  const { summary } = await importFile(file(text), { strict: false, cache: false }, out);
  assert.deepEqual(summary.warnings, {
    [csvMessages.badNumber.code]: 1,
    [csvMessages.negative.code]: 1,
    [csvMessages.timeBackwards.code]: 1,
    [csvMessages.tooLarge.code]: 1,
    [csvMessages.truncatedLastLine.code]: 1,
    [csvMessages.unalignedMap.code]: 1,
    [csvMessages.unknownOp.code]: 1,
    [csvMessages.zeroSize.code]: 7,
    [traceMessages.freeNotLive.code]: 1,
    [traceMessages.accessOutsideAllocation.code]: 1, // the good rows access memory no row allocates
  });
  assert.equal(summary.diagnostics.filter((d) => d.code === csvMessages.zeroSize.code).length, 5);
  assert.equal(summary.events, 4);
  assert.equal(readFileSync(out, 'utf8').split('\n').filter((l) => /^\d/.test(l)).length, 4);
});

test('gzip input imports like the plain file', async () => {
  const text = HEADER + ROW + ROW.replace(/^1,/, '2,');
  const a = await importFile(file(text), { cache: false });
  const b = await importFile(file(gzipSync(text), '.csv.gz'), { cache: false });
  assert.equal(b.summary.digest, a.summary.digest);
  assert.equal(b.trace.source.gzip, true);
});

test('with --from auto, an empty file and binary garbage are reported as such', async () => {
  await assert.rejects(importFile(file(''), { cache: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === importMessages.emptyFile.code);
  await assert.rejects(importFile(file(Buffer.from([0, 1, 2, 3, 0xff, 0xfe])), { cache: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === importMessages.unknownFormat.code);
});

test('unknown formats, missing files and bad output names are clear errors', async () => {
  await assert.rejects(importFile(file('hello world\nthis is not a trace\n', '.txt'), { cache: false }), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, importMessages.unknownFormat.code);
    assert.match(e.message, /not recognised; known formats are arrow, .*, csv /);
    return true;
  });
  await assert.rejects(importFile(join(dir, 'missing.csv'), { cache: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === ioMessages.notFound.code);
  await assert.rejects(importFile(file(HEADER + ROW), { cache: false }, join(dir, 'x.parquet')), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === importMessages.badOutput.code);
  await assert.rejects(importFile(file(HEADER + ROW), { from: 'xprof' as never, cache: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === importMessages.unsupportedFormat.code);
  await assert.rejects(importFile(file(HEADER + ROW), { options: { nope: 1 }, cache: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === importMessages.unknownOption.code);
  // an option of another importer on a detected format names the file and says the format was detected
  // (a fuzzed GFXReconstruct capture that read as a VMA JSON dump: the error named neither)
  const detected = file(HEADER + ROW);
  await assert.rejects(importFile(detected, { options: { frameMarkers: true }, cache: false }), (e: unknown) => {
    assert.ok(e instanceof GmemlabError && e.diagnostic.code === importMessages.unknownOption.code);
    assert.equal(e.diagnostic.file, detected);
    assert.equal(e.diagnostic.offset, 0);
    assert.match(e.message, /importer csv \(the format detected from the file's content\) has no option "frameMarkers"; name the format with --from/);
    return true;
  });
  // named with --from: the importer was the user's choice, nothing to locate in the file
  await assert.rejects(importFile(detected, { from: 'csv', options: { frameMarkers: true }, cache: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.file === undefined && !/detected/.test(e.message));
});

test('option sort=true accepts and sorts an unordered file (stable for equal times)', async () => {
  // (the alloc makes it a trace with something to simulate: markers alone are importer.nothing-to-simulate)
  const text = 't_ns,op,label,va,bytes,flags\n5,marker,c,,,\n1,marker,a,,,\n5,marker,d,,,\n1,marker,b,,,\n0,alloc,,4096,4096,managed\n';
  const out = join(dir, 'sorted.csv');
  await importFile(file(text), { options: { sort: 'true' }, cache: false }, out);
  assert.match(readFileSync(out, 'utf8'), /\n1,marker,cpu,,,,,,,,,,,,a\n1,marker,cpu,,,,,,,,,,,,b\n5,marker,cpu,,,,,,,,,,,,c\n5,marker,cpu,,,,,,,,,,,,d\n$/);
});

test('an output in a missing folder is written there, the folders created (as run and sweep create theirs)', async () => {
  const target = join(dir, 'new', 'nested', 'dir', 'out.csv');
  await importFile(file(HEADER + ROW), { cache: false }, target);
  await importFile(file(HEADER + ROW), { cache: false }, target.replace('.csv', '.arrow'));
  assert.deepEqual(readdirSync(dirname(target)).sort(), ['out.arrow', 'out.csv']);
});

test('an output whose folder cannot be made (a regular file in the way) is io.cannot-write naming it, not a crash', async () => {
  const blocker = join(dir, 'blocking-file');
  writeFileSync(blocker, 'x');
  const target = join(blocker, 'dir', 'out.csv');
  await assert.rejects(importFile(file(HEADER + ROW), { cache: false }, target), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === ioMessages.cannotWrite.code && e.diagnostic.file === target);
  await assert.rejects(importFile(file(HEADER + ROW), { cache: false }, target.replace('.csv', '.arrow')), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === ioMessages.cannotWrite.code);
});

test('a Chrome trace written by rocprof v1/v2 (read by the Kineto importer) holds nothing to simulate and says how to record with rocprofv3; a Kineto trace keeps the PyTorch hint', async () => {
  const rocprof = JSON.stringify({
    traceEvents: [
      {},
      { args: { name: 'CPU HIP API' }, ph: 'M', pid: 2, name: 'process_name', sort_index: 0 },
      { args: { name: 'COPY' }, ph: 'M', pid: 1, name: 'process_name', sort_index: 1 },
      { ph: 'X', name: 'CopyHostToDevice', pid: '1', tid: '1', ts: '773902396463', dur: '8', args: { BeginNs: '773902396463126', EndNs: '773902396471606' } },
    ],
  });
  const kineto = JSON.stringify({ traceEvents: [{ ph: 'X', cat: 'cpu_op', name: 'aten::add', pid: 1, tid: 1, ts: 1, dur: 2 }] });
  const hint = async (content: string): Promise<string> => {
    try {
      await importFile(file(content, '.json'), { from: 'kineto', strict: true, cache: false }, join(mkdtempSync(join(dir, 'out-')), 'out.csv'));
    } catch (e) {
      assert.ok(e instanceof GmemlabError);
      assert.equal(e.diagnostic.code, 'importer.nothing-to-simulate');
      return e.message;
    }
    throw new Error('expected importer.nothing-to-simulate');
  };
  assert.match(await hint(rocprof), /written by rocprof v1\/v2 .*rocprofv3 --memory-allocation-trace/);
  assert.match(await hint(kineto), /profile_memory=True/);
});

test('a lenient import whose every row was malformed says so in nothing-to-simulate (counts by code, the first one located), not only "no events"', async () => {
  const input = file(`${HEADER}1,access,dev0,0x1000\n2,access,dev0,0x2000,4096,r,,,,,,,,,,extra\n`);
  let err: unknown;
  try {
    await importFile(input, { from: 'csv', strict: false, cache: false }, join(mkdtempSync(join(dir, 'out-')), 'out.csv'));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof GmemlabError);
  assert.equal(err.diagnostic.code, 'importer.nothing-to-simulate');
  assert.match(err.message, /--lenient skipped 2 malformed records \(csv\.field-count 2; first: \S+:2: /);
});
