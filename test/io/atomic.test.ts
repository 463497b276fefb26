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

// ---- output rules (issue 18): regular files only, symlinks followed, stale temporaries cleaned ----

import { lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { prepareOutputFile, removeStaleTemporaries, resolveOutputTarget, TEMP_HOST_TAG } from '../../src/io/atomic';
import { deadPid, isFifo, listenSocket, mkfifo } from './special-files';

function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `gmemlab-${prefix}-`));
}

/** The diagnostic of the GmemlabError `f` throws (fails the test when it throws nothing or something else). */
function diag(f: () => unknown): GmemlabError['diagnostic'] {
  try {
    f();
  } catch (e) {
    if (e instanceof GmemlabError) return e.diagnostic;
    throw e;
  }
  assert.fail('expected a GmemlabError');
}

test('a FIFO target is refused by every atomic write, names the path and the kind, and stays a FIFO', async () => {
  const dir = tmp('atomic-fifo');
  const fifo = join(dir, 'out.csv');
  mkfifo(fifo);
  for (const attempt of [() => writeFileAtomic(fifo, 'data'), () => openAtomicWriter(fifo), () => prepareOutputFile(fifo)]) {
    const d = diag(attempt);
    assert.equal(d.code, 'io.output-not-regular');
    assert.equal(d.file, fifo);
    assert.equal(d.found, 'a FIFO (named pipe)');
  }
  assert.ok(isFifo(fifo), 'the FIFO is still a FIFO');
  assert.deepEqual(readdirSync(dir), ['out.csv'], 'no temporary left');
  assert.equal(pendingTemporaryCount(), 0);
});

test('a folder or a socket as target is refused as io.output-not-regular, and left as it was', async () => {
  const dir = tmp('atomic-kinds');
  const folder = join(dir, 'results.json');
  mkdirSync(folder);
  writeFileSync(join(folder, 'keep.txt'), 'k');
  const d = diag(() => writeFileAtomic(folder, 'x'));
  assert.equal(d.code, 'io.output-not-regular');
  assert.equal(d.found, 'a folder');
  assert.deepEqual(readdirSync(folder), ['keep.txt']);
  const sock = join(dir, 's.csv');
  const server = await listenSocket(sock);
  try {
    assert.equal(diag(() => writeFileAtomic(sock, 'x')).found, 'a socket');
    assert.ok(lstatSync(sock).isSocket(), 'the socket is still a socket');
    assert.ok(!readdirSync(dir).some((n) => n.endsWith('.tmp')), 'no temporary left');
  } finally {
    server.close();
  }
});

test('the target is checked again right before the rename: a FIFO created during a streaming write is not replaced', async () => {
  const dir = tmp('atomic-recheck');
  const p = join(dir, 'late.csv');
  const w = openAtomicWriter(p); // absent at open: accepted
  w.stream.write('rows');
  mkfifo(p); // something else puts a FIFO there while we write
  await assert.rejects(w.commit(), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === 'io.output-not-regular' && e.diagnostic.file === p);
  assert.ok(isFifo(p), 'still a FIFO');
  assert.deepEqual(readdirSync(dir), ['late.csv'], 'the temporary is removed');
  assert.equal(pendingTemporaryCount(), 0);
});

test('symlink rule: the link is followed, kept, and points at the new file written beside its target', async () => {
  const dir = tmp('atomic-link');
  mkdirSync(join(dir, 'real'));
  mkdirSync(join(dir, 'links'));
  const target = join(dir, 'real', 'r.csv');
  const link = join(dir, 'links', 'r.csv');
  writeFileSync(target, 'old');
  symlinkSync('../real/r.csv', link); // relative link, resolved against the link's folder
  assert.equal(resolveOutputTarget(link).finalPath, target);
  writeFileAtomic(link, 'new');
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is kept');
  assert.equal(readlinkSync(link), '../real/r.csv');
  assert.equal(readFileSync(target, 'utf8'), 'new');
  const w = openAtomicWriter(link);
  w.stream.write('streamed');
  assert.equal(readdirSync(join(dir, 'real')).filter((f) => f.endsWith('.tmp')).length, 1, 'the temporary sits beside the final target');
  await w.commit();
  assert.equal(readFileSync(target, 'utf8'), 'streamed');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.deepEqual(readdirSync(join(dir, 'real')), ['r.csv']);
  assert.deepEqual(readdirSync(join(dir, 'links')), ['r.csv']);
});

test('symlink rule: a dangling link creates its target in an existing folder; a missing target folder is io.cannot-write and is not created', () => {
  const dir = tmp('atomic-dangling');
  const link = join(dir, 'out.csv');
  symlinkSync(join(dir, 'made-later.csv'), link);
  prepareOutputFile(link);
  writeFileAtomic(link, 'x');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(join(dir, 'made-later.csv'), 'utf8'), 'x');
  const far = join(dir, 'far.csv');
  symlinkSync(join(dir, 'no', 'such', 'folder', 'f.csv'), far);
  assert.equal(diag(() => prepareOutputFile(far)).code, 'io.cannot-write');
  assert.equal(diag(() => writeFileAtomic(far, 'x')).code, 'io.cannot-write');
  assert.equal(existsSync(join(dir, 'no')), false, 'the dangling target folder is not created');
});

test('symlink rule: a link to a FIFO is refused naming the link and its final target; a link loop is io.cannot-write', () => {
  const dir = tmp('atomic-link-fifo');
  const fifo = join(dir, 'pipe');
  mkfifo(fifo);
  symlinkSync(fifo, join(dir, 'hop1'));
  symlinkSync(join(dir, 'hop1'), join(dir, 'out.csv'));
  const d = diag(() => writeFileAtomic(join(dir, 'out.csv'), 'x'));
  assert.equal(d.code, 'io.output-not-regular');
  assert.equal(d.file, join(dir, 'out.csv'));
  assert.match(d.message, new RegExp(`final target of the symlink is ${fifo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.ok(isFifo(fifo));
  assert.ok(lstatSync(join(dir, 'out.csv')).isSymbolicLink());
  symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
  symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
  assert.equal(diag(() => writeFileAtomic(join(dir, 'loop-a'), 'x')).code, 'io.cannot-write');
});

test('stale temporaries: the next write removes those of dead pids of this host, never a live process\'s, another host\'s or another target\'s', async () => {
  const dir = tmp('atomic-stale');
  const dead = deadPid();
  // a live process other than this one, under the test's control
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  try {
    const live = child.pid!;
    const names = {
      deadHere: `.x.csv.${dead}.${TEMP_HOST_TAG}0badc0de.tmp`,
      deadLegacy: `.x.csv.${dead}.deadbeef.tmp`,
      own: `.x.csv.${process.pid}.${TEMP_HOST_TAG}00000001.tmp`,
      liveChild: `.x.csv.${live}.${TEMP_HOST_TAG}00000002.tmp`,
      deadOtherHost: `.x.csv.${dead}.${TEMP_HOST_TAG === 'ffffffff' ? 'fffffffe' : 'ffffffff'}00000003.tmp`,
      otherTarget: `.x.csv.bak.${dead}.${TEMP_HOST_TAG}00000004.tmp`,
      notATemp: `.x.csv.${dead}.notes.tmp`,
    };
    for (const n of Object.values(names)) writeFileSync(join(dir, n), 'half');
    writeFileAtomic(join(dir, 'x.csv'), 'whole');
    assert.deepEqual(readdirSync(dir).sort(), [names.own, names.liveChild, names.deadOtherHost, names.otherTarget, names.notATemp, 'x.csv'].sort());
    // the streaming writer cleans too (first write to its target in this process)
    writeFileSync(join(dir, `.y.arrow.${dead}.${TEMP_HOST_TAG}0000000a.tmp`), 'half');
    const w = openAtomicWriter(join(dir, 'y.arrow'));
    await w.abort();
    assert.ok(!readdirSync(dir).some((n) => n.startsWith('.y.arrow.')), 'stale temporary of y.arrow removed');
    // called directly it reports what it removed, and nothing of a live process
    writeFileSync(join(dir, names.deadHere), 'half');
    assert.deepEqual(removeStaleTemporaries(join(dir, 'x.csv')), [names.deadHere]);
  } finally {
    child.kill('SIGKILL');
  }
});
