import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defaultGunzipLimit, openInput, readTextFile } from '../../src/io/input';
import { throwsWith } from '../helpers/diagnostic';
import { isFifo, mkfifo } from './special-files';
import { GmemlabError } from '../../src/log/diagnostic';
import { ioMessages } from '../../src/log/messages/io';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-in-'));

async function readAll(p: string, opts = {}): Promise<string> {
  const f = await openInput(p, opts);
  const parts: Buffer[] = [];
  for await (const c of f.chunks()) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

test('plain and gzip inputs read the same content; gzip is found by its magic bytes', async () => {
  const text = 'hello,world\n'.repeat(1000);
  writeFileSync(join(dir, 'a.csv'), text);
  writeFileSync(join(dir, 'a.bin'), gzipSync(text));
  assert.equal(await readAll(join(dir, 'a.csv')), text);
  assert.equal(await readAll(join(dir, 'a.bin')), text);
  const f = await openInput(join(dir, 'a.bin'), { headBytes: 5 });
  assert.equal(f.gzip, true);
  assert.equal(Buffer.from(f.head).toString(), 'hello');
});

test('a missing file is an io.not-found error naming the file', async () => {
  await assert.rejects(openInput(join(dir, 'nope.csv')), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === ioMessages.notFound.code && e.diagnostic.file === join(dir, 'nope.csv'));
});

test('a zip-bomb-like gzip stream is rejected once it expands past the limit', async () => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeros → ~64 KiB compressed
  writeFileSync(join(dir, 'bomb.gz'), bomb);
  await assert.rejects(readAll(join(dir, 'bomb.gz'), { maxGunzipBytes: 8 * 1024 * 1024 }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === ioMessages.gzipBomb.code);
});

test('a truncated gzip stream is an io.gzip-corrupt error, not a crash', async () => {
  const gz = gzipSync('x'.repeat(100000));
  writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 20));
  await assert.rejects(readAll(join(dir, 'cut.gz')), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === ioMessages.gzipCorrupt.code);
});

test('the gunzip limit is 200 x compressed + 256 MiB, capped at 64 GiB; GMEMLAB_MAX_GUNZIP_BYTES replaces it and takes unit suffixes', () => {
  const saved = process.env.GMEMLAB_MAX_GUNZIP_BYTES;
  try {
    delete process.env.GMEMLAB_MAX_GUNZIP_BYTES;
    assert.equal(defaultGunzipLimit(1000), 200_000 + 256 * 1024 * 1024);
    assert.equal(defaultGunzipLimit(1e12), 64 * 1024 ** 3);
    process.env.GMEMLAB_MAX_GUNZIP_BYTES = '1KiB';
    assert.equal(defaultGunzipLimit(1000), 1024);
    process.env.GMEMLAB_MAX_GUNZIP_BYTES = '5000';
    assert.equal(defaultGunzipLimit(1000), 5000);
  } finally {
    if (saved === undefined) delete process.env.GMEMLAB_MAX_GUNZIP_BYTES;
    else process.env.GMEMLAB_MAX_GUNZIP_BYTES = saved;
  }
});

test('readTextFile reads a regular file and refuses a FIFO at once (no wait for a writer) and a folder (no EISDIR crash)', () => {
  const p = join(dir, 'small.json');
  writeFileSync(p, '{"a": 1}\n');
  assert.equal(readTextFile(p), '{"a": 1}\n');
  const fifo = join(dir, 'spec.fifo');
  mkfifo(fifo);
  // (a read would wait for a writer for ever: the test would hang, not fail)
  throwsWith(() => readTextFile(fifo), { code: ioMessages.notAFile.code, file: fifo });
  assert.ok(isFifo(fifo), 'the FIFO stays a FIFO');
  throwsWith(() => readTextFile(dir), { code: ioMessages.notAFile.code, file: dir });
  throwsWith(() => readTextFile(join(dir, 'absent.json')), { code: ioMessages.notFound.code });
});
