/**
 * Two sweeps on one results file must not lose rows silently (issue 18, item 5): the results file is
 * locked (`<results>.lock`, src/analysis/sweep/results-lock.ts). Holders are deterministic: a sweep of this
 * process that is in the middle of its runs (the second sweep starts from the first's progress callback),
 * or a lock written by hand (this process's pid = live; the kernel's pid_max = gone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweep, type SweepSpec } from '../../../src/analysis/sweep';
import { GmemlabError, type Diagnostic } from '../../../src/log/diagnostic';
import { sweepMessages } from '../../../src/log/messages/sweep';
import { fixtureBackend } from './fixture-backend';
import { deadPid } from '../../io/special-files';

const SPEC: SweepSpec = { traces: ['t1.csv', 't2.csv'], systems: ['gmem-linux', 'uvm', 'hmm-svm'], oversub: [1, 2] };
const OTHER: SweepSpec = { traces: ['t3.csv'], systems: ['uvm'], oversub: [1, 2, 3] };

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'gmemlab-sweep-lock-'));
}

const lockOf = (results: string): string => `${results}.lock`;
const isLocked = (lock: string) => (e: unknown): boolean => e instanceof GmemlabError && e.diagnostic.code === sweepMessages.locked.code && e.diagnostic.file === lock;

test('a second sweep on the same results file while the first runs fails with sweep.locked; the first keeps all its rows', async () => {
  const dir = tmp();
  try {
    const out = join(dir, 'r.csv');
    let second: Promise<unknown> | undefined;
    const first = await sweep(SPEC, {
      output: out,
      backend: fixtureBackend(),
      baseDir: dir,
      onProgress: (p) => {
        // the first run has finished and been written: start a second writer of the same file now
        if (p.finished && second === undefined) second = sweep(OTHER, { output: out, backend: fixtureBackend(), baseDir: dir }).then(() => 'finished', (e: unknown) => e);
      },
    });
    assert.ok(second, 'the second sweep was started');
    const err = await second;
    assert.ok(isLocked(lockOf(out))(err), `second sweep: ${String(err)}`);
    const d = (err as GmemlabError).diagnostic;
    assert.equal(d.found?.startsWith(`pid ${process.pid} on host ${hostname()} since `), true, d.found);
    assert.equal(first.simulated, 12);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 1 + 12, 'every row of the first sweep, none lost');
    assert.deepEqual(readdirSync(dir), ['r.csv'], 'lock released, no temporaries');
    // once the first has finished the second runs and adds its rows after the first's
    const later = await sweep(OTHER, { output: out, backend: fixtureBackend(), baseDir: dir });
    assert.equal(later.foreignRows, 12);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 1 + 12 + 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock held by a live process leaves the results file byte-identical and the lock in place', async () => {
  const dir = tmp();
  try {
    const out = join(dir, 'r.json');
    await sweep(OTHER, { output: out, backend: fixtureBackend(), baseDir: dir });
    const before = readFileSync(out, 'utf8');
    const lock = JSON.stringify({ host: hostname(), pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z', command: 'gmemlab sweep first.json -o r.json' });
    writeFileSync(lockOf(out), lock);
    let ran = 0;
    await assert.rejects(sweep(SPEC, { output: out, backend: fixtureBackend(), baseDir: dir, onProgress: () => void ran++ }), isLocked(lockOf(out)));
    assert.equal(ran, 0, 'nothing ran');
    assert.equal(readFileSync(out, 'utf8'), before);
    assert.equal(readFileSync(lockOf(out), 'utf8'), lock);
    // a lock from another host is never judged stale, whatever its pid
    writeFileSync(lockOf(out), JSON.stringify({ host: `${hostname()}-node2`, pid: deadPid(), startedAt: 'x', command: 'y' }));
    await assert.rejects(sweep(SPEC, { output: out, backend: fixtureBackend(), baseDir: dir }), (e: unknown) => isLocked(lockOf(out))(e) && /on host .*-node2/.test((e as GmemlabError).diagnostic.found ?? ''));
    assert.equal(readFileSync(out, 'utf8'), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale lock of a dead pid of this host is taken over with sweep.lock-taken-over and the sweep completes', async () => {
  const dir = tmp();
  try {
    const out = join(dir, 'r.csv');
    writeFileSync(lockOf(out), JSON.stringify({ host: hostname(), pid: deadPid(), startedAt: '2026-01-01T00:00:00.000Z', command: 'gmemlab sweep killed.json -o r.csv' }));
    const warnings: Diagnostic[] = [];
    const res = await sweep(SPEC, { output: out, backend: fixtureBackend(), baseDir: dir, onWarning: (d) => warnings.push(d) });
    assert.equal(res.simulated, 12);
    assert.deepEqual(warnings.map((w) => [w.code, w.file]), [[sweepMessages.lockTakenOver.code, lockOf(out)]]);
    assert.match(warnings[0]!.message, new RegExp(`pid ${deadPid()} on host `));
    assert.deepEqual(readdirSync(dir), ['r.csv'], 'released at the end');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lock is released when the sweep fails, and is taken beside the final target of a symlinked results file', async () => {
  const dir = tmp();
  try {
    const out = join(dir, 'r.csv');
    await assert.rejects(sweep(SPEC, { output: out, backend: fixtureBackend(0, 'uvm'), baseDir: dir }), /fixture failure on uvm/);
    assert.equal(existsSync(lockOf(out)), false, 'released on error');
    const link = join(dir, 'link.csv');
    symlinkSync(out, link);
    writeFileSync(lockOf(out), JSON.stringify({ host: hostname(), pid: process.pid, startedAt: 'x', command: 'via the real path' }));
    await assert.rejects(sweep(SPEC, { output: link, backend: fixtureBackend(), baseDir: dir }), isLocked(lockOf(out)));
    assert.equal(existsSync(lockOf(link)), false, 'no second lock beside the link');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
