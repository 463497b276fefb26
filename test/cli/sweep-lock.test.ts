/**
 * `gmemlab sweep` and its results lock (issue 18, item 5; docs/analysis.md "Concurrent sweeps and shared
 * folders"): a second writer exits 2 naming the lock and its holder; `--unlock` removes a lock whose
 * holder is gone or elsewhere, never a running one of this host; the lock is released on SIGTERM and on a
 * forced exit. Holders are deterministic: written by hand (this test's own pid = live; pid_max = gone),
 * or a child sweep signalled once it reports its first finished run (the lock is held by then).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { PROJECT_ROOT } from '../../src/version';
import { capture } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { deadPid } from '../io/special-files';

const SMALL = { traces: [{ workload: 'rodinia-bfs' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'], oversub: [1, 2] };
const lockText = (host: string, pid: number): string => JSON.stringify({ host, pid, startedAt: '2026-01-01T00:00:00.000Z', command: 'gmemlab sweep first.json -o r.csv' });
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a second sweep on a locked results file exits 2 with one line naming the lock, its host and pid; the rows stay', async () => {
  const dir = tempDir('sweep-lock-cli');
  writeFileSync(join(dir, 'sw.json'), JSON.stringify(SMALL));
  const out = join(dir, 'r.csv');
  const io0 = capture();
  assert.equal(await main(['sweep', join(dir, 'sw.json'), '-o', out, '--workers', '1'], io0), 0, io0.err);
  const rows = readFileSync(out, 'utf8');
  writeFileSync(`${out}.lock`, lockText(hostname(), process.pid));
  const io = capture();
  assert.equal(await main(['sweep', join(dir, 'sw.json'), '-o', out, '--workers', '1'], io), 2);
  assert.match(io.err, new RegExp(`^error \\[sweep\\.locked\\] ${esc(out)}\\.lock: results file ${esc(out)} is locked by another sweep \\(expected no other sweep writing this results file, found pid ${process.pid} on host ${esc(hostname())} since 2026-01-01T00:00:00\\.000Z \\("gmemlab sweep first\\.json -o r\\.csv"\\)\\)\\n$`));
  assert.equal(readFileSync(out, 'utf8'), rows);
  assert.equal(readFileSync(`${out}.lock`, 'utf8'), lockText(hostname(), process.pid), 'the holder\'s lock is kept');
});

test('sweep --unlock removes a lock from another host or a dead pid, refuses a running holder of this host, and says when there is none', async () => {
  const dir = tempDir('sweep-unlock');
  const out = join(dir, 'r.csv');
  const lock = `${out}.lock`;
  const io0 = capture();
  assert.equal(await main(['sweep', '--unlock', out], io0), 0, io0.err);
  assert.equal(io0.out, `${out} is not locked (no ${lock}).\n`);

  writeFileSync(lock, lockText(`${hostname()}-node9`, 12345));
  const io1 = capture();
  assert.equal(await main(['sweep', '--unlock', out], io1), 0, io1.err);
  assert.match(io1.out, new RegExp(`^Removed the lock ${esc(lock)}, held by pid 12345 on host ${esc(hostname())}-node9 since `));
  assert.equal(existsSync(lock), false);

  writeFileSync(lock, lockText(hostname(), deadPid()));
  assert.equal(await main(['sweep', '--unlock', out], capture()), 0);
  assert.equal(existsSync(lock), false);

  writeFileSync(lock, lockText(hostname(), process.pid));
  const io2 = capture();
  assert.equal(await main(['sweep', '--unlock', out], io2), 2);
  assert.match(io2.err, new RegExp(`^error \\[sweep\\.unlock-live\\] ${esc(lock)}: refusing to remove the lock of a running sweep \\(expected a lock whose holder is gone or on another host, found pid ${process.pid} on host `));
  assert.equal(existsSync(lock), true);

  const io3 = capture();
  assert.equal(await main(['sweep', 'sw.json', '--unlock', out], io3), 2);
  assert.match(io3.err, /^error \[[\w.-]+\] argument: sweep: --unlock takes only the results file, not 'sw\.json'/);
  const help = capture();
  assert.equal(await main(['sweep', '--help'], help), 0);
  assert.match(help.out, /--unlock/);
  assert.match(help.out, /<results>\.lock/);
});

/** Run a sweep child; send `signals` (one after the other) once it reports its first finished run. */
async function signalledSweep(dir: string, signals: NodeJS.Signals[]): Promise<{ code: number | null; stderr: string; lockSeen: boolean }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts/gmemlab.js'), 'sweep', join(dir, 'sw.json'), '-o', join(dir, 'r.csv'), '--workers', '1'], {
    env: { ...process.env, GMEMLAB_DEBUG: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let lockSeen = false;
  let sent = false;
  child.stdout.resume();
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!sent && /^\[1\/\d+\]/m.test(stderr)) {
      sent = true;
      lockSeen = existsSync(join(dir, 'r.csv.lock'));
      for (const s of signals) child.kill(s);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stderr, lockSeen };
}

for (const signals of [['SIGTERM'], ['SIGTERM', 'SIGTERM']] as NodeJS.Signals[][]) {
  test(`${signals.join(' then ')} during a sweep releases the results lock (exit 130)`, async () => {
    const dir = tempDir('sweep-lock-signal');
    writeFileSync(join(dir, 'sw.json'), JSON.stringify({ ...SMALL, traces: [{ workload: 'rodinia-bfs', set: { scale: 2 } }], systems: ['gmem-linux', 'gmem-paper'], oversub: [1, 1.5, 2, 3] }));
    const r = await signalledSweep(dir, signals);
    assert.ok(r.lockSeen, `the lock was held while the sweep ran: ${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['r.csv', 'sw.json'], 'no lock and no temporary left');
  });
}
