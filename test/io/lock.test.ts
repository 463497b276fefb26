/**
 * Lock files (src/io/lock.ts): exclusive create, holder recorded as JSON, stale only when the same host's
 * pid is gone. Holders are made deterministic: a lock written by hand with a chosen host and pid (this
 * process's own pid = a live holder; the kernel's pid_max = a pid no process can have).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, heldLockCount, isStaleLock, LockHeldError, readLock, removeLock, type LockInfo } from '../../src/io/lock';
import { deadPid } from './special-files';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'gmemlab-lock-'));
}

const holder = (over: Partial<LockInfo>): LockInfo => ({ host: hostname(), pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z', command: 'gmemlab sweep a.json -o r.csv', ...over });

test('a lock is created exclusively with host, pid, start time and command, and release removes it', () => {
  const dir = tmp();
  const path = join(dir, 'r.csv.lock');
  const before = heldLockCount();
  const l = acquireLock(path, 'gmemlab sweep s.json -o r.csv');
  const onDisk = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  assert.deepEqual(Object.keys(onDisk), ['host', 'pid', 'startedAt', 'command']);
  assert.equal(onDisk.host, hostname());
  assert.equal(onDisk.pid, process.pid);
  assert.equal(onDisk.command, 'gmemlab sweep s.json -o r.csv');
  assert.equal(heldLockCount(), before + 1);
  // a second acquire, even from the same process, is refused: the lock is not re-entrant
  assert.throws(() => acquireLock(path, 'second'), (e: unknown) => e instanceof LockHeldError && e.state.kind === 'held' && e.state.info.pid === process.pid);
  l.release();
  l.release(); // idempotent
  assert.equal(existsSync(path), false);
  assert.equal(heldLockCount(), before);
});

test('a lock of a live process of this host is held; one from another host is held whatever its pid', () => {
  const dir = tmp();
  const path = join(dir, 'a.lock');
  writeFileSync(path, JSON.stringify(holder({})));
  assert.throws(() => acquireLock(path, 'x'), LockHeldError);
  writeFileSync(path, JSON.stringify(holder({ host: `${hostname()}-elsewhere`, pid: deadPid() })));
  assert.equal(isStaleLock(holder({ host: `${hostname()}-elsewhere`, pid: deadPid() })), false);
  assert.throws(() => acquireLock(path, 'x'), (e: unknown) => e instanceof LockHeldError && e.state.kind === 'held' && e.state.info.host === `${hostname()}-elsewhere`);
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, deadPid(), 'the other host\'s lock is untouched');
});

test('a stale lock (this host, pid gone) is taken over and reported; nothing is left beside it', () => {
  const dir = tmp();
  const path = join(dir, 'b.lock');
  const stale = holder({ pid: deadPid() });
  writeFileSync(path, JSON.stringify(stale));
  const l = acquireLock(path, 'taker');
  assert.deepEqual(l.tookOverFrom, stale);
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
  l.release();
  assert.deepEqual(readdirSync(dir), []);
});

test('an unreadable lock counts as held; release never removes a lock that is no longer ours', () => {
  const dir = tmp();
  const path = join(dir, 'c.lock');
  writeFileSync(path, 'garbage');
  assert.throws(() => acquireLock(path, 'x'), (e: unknown) => e instanceof LockHeldError && e.state.kind === 'unreadable' && e.state.raw === 'garbage');
  assert.equal(removeLock(path).kind, 'unreadable');
  assert.equal(readLock(path).kind, 'none');
  const l = acquireLock(path, 'mine');
  writeFileSync(path, JSON.stringify(holder({ command: 'someone who broke our lock and took it' })));
  l.release();
  assert.equal(existsSync(path), true, 'the new holder\'s lock is kept');
});

test('a lock still held when the process exits (process.exit from a signal handler) is released by the exit hook', async () => {
  const { spawnSync } = await import('node:child_process');
  const dir = tmp();
  const path = join(dir, 'exit.lock');
  const code = `const { acquireLock } = require(${JSON.stringify(join(__dirname, '../../src/io/lock.ts'))}); acquireLock(${JSON.stringify(path)}, 'child'); process.exit(130);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 130, r.stderr);
  assert.equal(existsSync(path), false);
});
