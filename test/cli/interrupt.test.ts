/**
 * Crash-safe outputs under real signals (issue 9): SIGINT while `gmemlab import -o` is writing, and while
 * `gmemlab run -o` is simulating, leaves neither the output nor a temporary nor a partial cache entry behind,
 * and exits 130. The child is signalled at a known point: when its output's (or its cache entry's)
 * temporary file appears, watched with fs.watch, so the test does not depend on timing. (Interrupted
 * sweeps: test/cli/sweep.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/version';

const GMEMLAB = join(PROJECT_ROOT, 'scripts', 'gmemlab.js');

/** A valid canonical trace of `rows` 2 MiB device accesses over a 64 GiB managed allocation (~40 bytes a row). */
function bigTrace(path: string, rows: number): void {
  const parts = ['t_ns,op,agent,va,bytes,access,flags\n0,alloc,cpu,0x100000000,68719476736,,managed\n'];
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += `${i * 10},access,dev0,${0x100000000 + ((i * 7919) % 32768) * 2097152},2097152,r,\n`;
    if (chunk.length > 1 << 20) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  writeFileSync(path, parts.join(''));
}

/** Every file under `dir`, relative, sorted. */
function files(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`])).sort();
}

/** Run the CLI; send SIGINT as soon as a file whose name matches `when` appears in `watchDir`. */
async function interruptWhen(args: string[], env: Record<string, string>, watchDir: string, when: RegExp): Promise<{ code: number | null; signal: string | null; stderr: string; sent: boolean }> {
  mkdirSync(watchDir, { recursive: true });
  const child = spawn(process.execPath, [GMEMLAB, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => void (stderr += d));
  child.stdout.resume();
  let sent = false;
  const fire = (): void => {
    if (sent || !readdirSync(watchDir).some((f) => when.test(f))) return;
    sent = true;
    child.kill('SIGINT');
  };
  const watcher = watch(watchDir, fire);
  const poll = setInterval(fire, 25);
  try {
    return await new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr, sent })));
  } finally {
    watcher.close();
    clearInterval(poll);
  }
}

test('SIGINT while gmemlab import -o writes leaves no output, no temporary and no cache entry, and exits 130', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-sigint-import-'));
  try {
    bigTrace(join(dir, 'big.csv'), 400_000);
    const cache = join(dir, 'cache');
    const r = await interruptWhen(['import', join(dir, 'big.csv'), '-o', join(dir, 'out', 'big-copy.csv')], { GMEMLAB_CACHE_DIR: cache }, join(dir, 'out'), /^\.big-copy\.csv\..*\.tmp$/);
    assert.ok(r.sent, `the output's temporary never appeared (exit ${r.code}): ${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted \(SIGINT\); no partial output was left behind/);
    assert.deepEqual(files(join(dir, 'out')), [], 'no output and no temporary');
    assert.deepEqual(files(join(cache, 'traces')).filter((f) => !f.startsWith('sources/')), [], 'no cache entry and no cache temporary');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGINT while gmemlab run -o simulates leaves no output and no temporary, and exits 130', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-sigint-run-'));
  try {
    bigTrace(join(dir, 'big.csv'), 100_000);
    const cache = join(dir, 'cache');
    // the first pass (footprint scan) writes the cache entry; once it is renamed into place the simulation runs
    const r = await interruptWhen(
      ['run', join(dir, 'big.csv'), '--system', 'uvm:prefetch=none:eviction=lru-4k', '--profile', 'a100-pcie4', '--oversub', '4', '-o', join(dir, 'r.json')],
      { GMEMLAB_CACHE_DIR: cache, GMEMLAB_DEBUG: '0' },
      join(cache, 'traces'),
      /^[0-9a-f]{64}\.arrow$/,
    );
    assert.ok(r.sent, `the scan pass never finished (exit ${r.code}): ${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /gmemlab run: interrupted \(SIGINT\); stopped before the end of the trace, nothing was written/);
    assert.deepEqual(files(dir).filter((f) => !f.startsWith('cache/')), ['big.csv'], 'no output and no temporary');
    assert.deepEqual(files(cache).filter((f) => f.endsWith('.tmp')), [], 'no temporary in the cache');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
