import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWritableFolder, openAtomicWriter, pendingTemporaryCount, writeFileAtomic } from '../../src/io/atomic';
import { GmemlabError } from '../../src/log/diagnostic';
import { existsSync } from 'node:fs';

test('writeFileAtomic replaces the target and leaves no temporary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-a-'));
  const p = join(dir, 'x.txt');
  writeFileSync(p, 'old');
  writeFileAtomic(p, 'new');
  assert.equal(readFileSync(p, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['x.txt']);
});

test('an aborted streaming write leaves the old target untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-a-'));
  const p = join(dir, 'x.txt');
  writeFileSync(p, 'old');
  const w = openAtomicWriter(p);
  w.stream.write('half');
  assert.equal(pendingTemporaryCount(), 1);
  await w.abort();
  assert.equal(readFileSync(p, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir), ['x.txt']);
  assert.equal(pendingTemporaryCount(), 0);
});

test('a committed streaming write appears only at commit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-a-'));
  const p = join(dir, 'y.txt');
  const w = openAtomicWriter(p);
  w.stream.write('data');
  assert.deepEqual(readdirSync(dir).filter((f) => f === 'y.txt'), []);
  await w.commit();
  assert.equal(readFileSync(p, 'utf8'), 'data');
  assert.deepEqual(readdirSync(dir), ['y.txt']);
});

test('a failed atomic write is io.cannot-write naming the target (no errno stack), and leaves nothing behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-atomic-fail-'));
  writeFileSync(join(dir, 'file.txt'), 'x');
  const target = join(dir, 'file.txt', 'r.json'); // a file where a folder should be
  const isCannotWrite = (e: unknown): boolean => e instanceof GmemlabError && e.diagnostic.code === 'io.cannot-write' && e.diagnostic.file === target;
  assert.throws(() => writeFileAtomic(target, 'data'), isCannotWrite);
  assert.throws(() => ensureWritableFolder(target), isCannotWrite);
  assert.equal(pendingTemporaryCount(), 0);
  assert.deepEqual(readdirSync(dir), ['file.txt']);
  ensureWritableFolder(join(dir, 'new', 'deeper', 'r.json'));
  assert.ok(existsSync(join(dir, 'new', 'deeper')), 'missing folders are created');
});
