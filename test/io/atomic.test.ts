import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAtomicWriter, pendingTemporaryCount, writeFileAtomic } from '../../src/io/atomic';

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
