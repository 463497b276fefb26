import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { codeStamp } from '../../src/io/code-stamp';
import { importKey } from '../../src/trace/cache';
import { PROJECT_ROOT } from '../../src/version';
import { GmemlabError } from '../../src/log/diagnostic';
import { arrowMessages, csvMessages, importMessages } from '../../src/log/messages/trace';
import { batchesToEvents, type EventBatch } from '../../src/trace/batch';
import { readArrowInfo } from '../../src/trace/arrow/read';
import { digestBatches } from '../../src/trace/digest';
import { openTrace } from '../../src/importers/open';
import { collectBatches } from '../../src/trace/trace';
import { HEADER } from '../trace/canonical-csv/helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-open-'));
const cacheDir = join(dir, 'cache');
const cache = { dir: cacheDir, minBytes: 0 };

/** A canonical CSV of `rows` access rows (several batches when rows > 65,536) plus a few bad rows. */
function bigCsv(name: string, rows: number, bad = 0): string {
  const parts = ['# workload=test\n', HEADER, '0,alloc,cpu,0x7f0000000000,1073741824,,,,managed,buf,,,,,\n'];
  for (let i = 1; i <= rows; i++) parts.push(`${i},access,dev0,0x${(0x7f0000000000 + (i % 4096) * 4096).toString(16)},4096,${i % 3 ? 'r' : 'w'},,,,,,,,,\n`);
  for (let i = 0; i < bad; i++) parts.push(`${rows + 1},access,dev0,0x1000,0,r,,,,,,,,,\n`);
  const p = join(dir, name);
  writeFileSync(p, parts.join(''));
  return p;
}

async function events(t: { read(): AsyncIterable<EventBatch> }): Promise<EventBatch[]> {
  const out: EventBatch[] = [];
  for await (const b of t.read()) out.push(b);
  return out;
}

test('auto-detection names the format, importer and the source SHA-256', async () => {
  const p = bigCsv('small.csv', 10);
  const t = await openTrace(p, { cache: false });
  assert.equal(t.format, 'csv');
  assert.equal(t.importer, 'csv@1');
  assert.equal(t.source.sha256, createHash('sha256').update(readFileSync(p)).digest('hex'));
  assert.equal(t.cacheFile, null);
});

test('with the cache off a canonical CSV is read once: its SHA-256 is computed only when asked for, then kept', async () => {
  const p = bigCsv('lazy.csv', 1000);
  const counter = { bytes: 0 };
  const t = await openTrace(p, { cache: false, hashCounter: counter });
  const rows = (await events(t)).reduce((n, b) => n + b.length, 0);
  assert.equal(rows, 1001);
  assert.equal(counter.bytes, 0, 'opening and reading hash nothing');
  const size = readFileSync(p).length;
  assert.equal(t.source.sha256, createHash('sha256').update(readFileSync(p)).digest('hex'));
  assert.equal(counter.bytes, size, 'the first ask hashes the whole file');
  assert.equal(t.source.sha256, createHash('sha256').update(readFileSync(p)).digest('hex'));
  assert.equal(counter.bytes, size, 'a second ask does not hash again');
});

test('a format without its own metadata gets source_sha256 at open, cache or not', async () => {
  const p = join(dir, 'foreign.csv');
  writeFileSync(p, 'time,addr\n1,4096\n2,8192\n');
  const counter = { bytes: 0 };
  const map = JSON.stringify({ columns: { t_ns: 'time', va: 'addr', op: { const: 'access' }, agent: { const: 'dev0' }, bytes: { const: 4096 }, access: { const: 'r' } } });
  const t = await openTrace(p, { cache: false, map, hashCounter: counter });
  assert.equal(counter.bytes, readFileSync(p).length);
  const r = t.read();
  for await (const _ of r);
  assert.equal(r.meta.source_sha256, createHash('sha256').update(readFileSync(p)).digest('hex'));
});

test('the first full read writes the Arrow cache; the next reads load the same events, metadata and warnings from it', async () => {
  const p = bigCsv('big.csv', 70_000, 3);
  const t = await openTrace(p, { cache, strict: false });
  assert.equal(t.isCached(), false);
  const r1 = t.read();
  const b1: EventBatch[] = [];
  for await (const b of r1) b1.push(b);
  assert.ok(b1.length >= 2);
  assert.equal(t.isCached(), true);
  assert.equal(readArrowInfo(t.cacheFile!).digest, digestBatches(b1));
  const r2 = t.read();
  const b2: EventBatch[] = [];
  for await (const b of r2) b2.push(b);
  assert.equal(digestBatches(b2), digestBatches(b1));
  assert.deepEqual(r2.meta, r1.meta);
  assert.deepEqual(r2.log.countsByCode(), { [csvMessages.zeroSize.code]: 3, 'trace.live-at-end': 1 });
  assert.deepEqual(r2.log.countsByCode(), r1.log.countsByCode());
  // a new process opening the same unchanged file finds the cache too
  const again = await openTrace(p, { cache, strict: false });
  assert.equal(again.cacheFile, t.cacheFile);
  assert.equal(again.isCached(), true);
  // strict mode is a different import: its own cache entry
  const strict = await openTrace(p, { cache, strict: true });
  assert.notEqual(strict.cacheFile, t.cacheFile);
});

test('no cache entry is left by an abandoned pass or a failing strict import', async () => {
  const p = bigCsv('abandon.csv', 70_000, 1);
  const t = await openTrace(p, { cache, strict: false });
  for await (const b of t.read()) {
    void b;
    break;
  }
  assert.equal(t.isCached(), false);
  const s = await openTrace(p, { cache, strict: true });
  await assert.rejects(collectBatches(s), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === csvMessages.zeroSize.code);
  assert.equal(s.isCached(), false);
  assert.deepEqual(readdirSync(join(cacheDir, 'traces')).filter((f) => f.endsWith('.tmp')), []);
});

test('with verifyDigest, a cache pass also re-checks the stored trace digest', async () => {
  const p = bigCsv('verify.csv', 1000);
  const opts = { cache: { ...cache, verifyDigest: true } };
  const t = await openTrace(p, opts);
  const first = await events(t);
  assert.ok(t.isCached());
  assert.equal(digestBatches(await events(t)), digestBatches(first));
  // forge an entry whose blocks are intact but whose stored digest is wrong (metadata checksum redone)
  const bytes = readFileSync(t.cacheFile!);
  const info = readArrowInfo(t.cacheFile!);
  const text = bytes.toString('latin1');
  const json = JSON.stringify(info);
  const forged = json.replace(info.digest, '0'.repeat(64));
  const sha = (x: string) => createHash('sha256').update(x).digest('hex');
  const out = text.replace(json, forged).replace(sha(json), sha(forged));
  writeFileSync(t.cacheFile!, Buffer.from(out, 'latin1'));
  await assert.rejects(events(t), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === arrowMessages.corrupt.code);
  assert.equal(t.isCached(), false, 'the bad entry is removed');
  assert.equal(digestBatches(await events(t)), digestBatches(first), 'and rebuilt by the next read');
});

test('a changed source gets a new cache key; an unchanged one keeps it', async () => {
  const p = bigCsv('change.csv', 100);
  const a = await openTrace(p, { cache });
  writeFileSync(p, readFileSync(p, 'utf8').replace('# workload=test', '# workload=changed'));
  const b = await openTrace(p, { cache });
  assert.notEqual(b.cacheFile, a.cacheFile);
  assert.notEqual(b.source.sha256, a.source.sha256);
});

test('a cache entry damaged in the middle is detected before use, rebuilt from the source, and the pass is seamless', async () => {
  const p = bigCsv('damage.csv', 70_000);
  const t = await openTrace(p, { cache });
  const good = await events(t);
  const info = readArrowInfo(t.cacheFile!);
  const rec = info.blocks.filter((b) => b.kind === 'record');
  const bytes = readFileSync(t.cacheFile!);
  bytes[rec[1]!.offset + 1000]! ^= 0xff;
  writeFileSync(t.cacheFile!, bytes);
  const r = t.read();
  const got: EventBatch[] = [];
  for await (const b of r) got.push(b);
  assert.equal(digestBatches(got), digestBatches(good));
  assert.deepEqual(batchesToEvents(got).slice(65530, 65540), batchesToEvents(good).slice(65530, 65540));
  assert.equal(r.log.count(arrowMessages.cacheRebuilt.code), 1);
  assert.equal(readArrowInfo(t.cacheFile!).digest, digestBatches(good), 'the rebuilt entry is valid');
  const again = t.read();
  for await (const b of again) void b;
  assert.equal(again.log.count(arrowMessages.cacheRebuilt.code), 0);
});

test('a cache entry with a damaged footer is rebuilt too', async () => {
  const p = bigCsv('footer.csv', 100);
  const t = await openTrace(p, { cache });
  const good = await events(t);
  const bytes = readFileSync(t.cacheFile!);
  writeFileSync(t.cacheFile!, bytes.subarray(0, bytes.length - 40));
  const r = t.read();
  const got: EventBatch[] = [];
  for await (const b of r) got.push(b);
  assert.equal(digestBatches(got), digestBatches(good));
  assert.equal(r.log.count(arrowMessages.cacheRebuilt.code), 1);
});

test('the cache key follows the import code: an entry written by other code (a new warning, a fixed parser) is never used', async () => {
  const p = bigCsv('code.csv', 100);
  const t = await openTrace(p, { cache, from: 'csv' });
  const parts = { sourceSha256: t.source.sha256, importer: t.importer, options: t.options, strict: true };
  assert.equal(basename(t.cacheFile!), `${importKey({ ...parts, code: codeStamp('importers/open.ts') })}.arrow`);
  assert.notEqual(importKey({ ...parts, code: 'other' }), importKey({ ...parts, code: codeStamp('importers/open.ts') }));
  // the stamp reaches the semantic checker (whose warnings an entry keeps) and the Arrow writer, not unrelated code
  const src = mkdtempSync(join(tmpdir(), 'gmemlab-import-stamp-'));
  try {
    cpSync(join(PROJECT_ROOT, 'src'), src, { recursive: true });
    const s0 = codeStamp('importers/open.ts', src);
    appendFileSync(join(src, 'figures', 'sc21-costs.ts'), '\n// an edit the importers do not reach\n');
    assert.equal(codeStamp('importers/open.ts', src), s0, 'figure code is not import code');
    appendFileSync(join(src, 'trace', 'semantic-check.ts'), '\n// a checker edit\n');
    const s1 = codeStamp('importers/open.ts', src);
    assert.notEqual(s1, s0, 'the semantic checker');
    appendFileSync(join(src, 'trace', 'arrow', 'write.ts'), '\n// a writer edit\n');
    assert.notEqual(codeStamp('importers/open.ts', src), s1, 'the Arrow writer');
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
});

test('an Arrow file written by import is itself an openable trace (auto-detected, no cache)', async () => {
  const p = bigCsv('src.csv', 200, 2);
  const t = await openTrace(p, { cache: false, strict: false });
  const { ArrowTraceWriter } = await import('../../src/trace/arrow/write');
  const out = join(dir, 'src.arrow');
  const w = ArrowTraceWriter.open(out);
  const r = t.read();
  for await (const b of r) await w.write(b);
  await w.finish(r.meta, r.log);
  const a = await openTrace(out, { cache });
  assert.equal(a.format, 'arrow');
  assert.equal(a.cacheFile, null);
  const ra = a.read();
  const batches: EventBatch[] = [];
  for await (const b of ra) batches.push(b);
  assert.equal(digestBatches(batches), digestBatches(await events(t)));
  assert.deepEqual(ra.meta, { workload: 'test' });
  assert.deepEqual(ra.log.countsByCode(), { [csvMessages.zeroSize.code]: 2, 'trace.live-at-end': 1 });
});

test('--map implies csv and is refused with another --from', async () => {
  await assert.rejects(openTrace(bigCsv('m.csv', 3), { map: '{"columns":{"t_ns":"t_ns","op":"op"}}', from: 'arrow', cache: false }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === importMessages.mapNeedsCsv.code);
  assert.ok(!existsSync(join(dir, 'nothing')));
});

test('an unusable cache folder never fails a read (the trace is read without the cache)', async () => {
  const p = bigCsv('nocache.csv', 100);
  const notADir = join(dir, 'plain-file');
  writeFileSync(notADir, 'x');
  const t = await openTrace(p, { cache: { dir: join(notADir, 'cache'), minBytes: 0 } });
  assert.equal(t.cacheFile, null);
  assert.equal((await events(t)).reduce((n, b) => n + b.length, 0), 101);
});
