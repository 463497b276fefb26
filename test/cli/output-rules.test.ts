/**
 * Output rules on the command line (issue 18, item 1): `-o` of run, import, generate, sweep and figures
 * writes regular files only. A FIFO (from mkfifo, in a temp folder; never a real /dev file) given as the
 * output is refused with exit 2 and one line naming the path and what it is, BEFORE any import or
 * simulation work, and is still a FIFO afterwards. A symlinked -o is followed and kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { makeRunCommand } from '../../src/cli/commands/run';
import { PROJECT_ROOT } from '../../src/version';
import { capture } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { isFifo, mkfifo } from '../io/special-files';

const GMEMLAB = join(PROJECT_ROOT, 'scripts', 'gmemlab.js');
const HEADER = 't_ns,op,agent,va,bytes,access,flags\n';
const TRACE = `${HEADER}0,alloc,cpu,0x100000000,4194304,,managed\n10,access,dev0,0x100000000,4096,r,\n20,free,cpu,0x100000000,,,\n`;

/** The one stderr line refusing `path` as a FIFO. */
const refusedFifo = (path: string): RegExp => new RegExp(`^error \\[io\\.output-not-regular\\] ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: output path is a FIFO \\(named pipe\\); refusing to replace it \\(expected a regular file or a path that does not exist yet, found a FIFO \\(named pipe\\)\\)\\n$`);

test('run -o FIFO exits 2 naming the FIFO before the trace is opened, and leaves the FIFO a FIFO', async () => {
  const dir = tempDir('out-run');
  const fifo = join(dir, 'r.json');
  mkfifo(fifo);
  let opened = false;
  const io = capture();
  const code = await main(['run', 'mem.csv', '--system', 'gmem-linux', '--profile', 'a100-pcie4', '-o', fifo], io, [makeRunCommand(async () => {
    opened = true;
    throw new Error('must not be reached');
  })]);
  assert.equal(code, 2, io.err);
  assert.match(io.err, refusedFifo(fifo));
  assert.equal(opened, false, 'no work before the refusal');
  assert.ok(isFifo(fifo));
  assert.deepEqual(readdirSync(dir), ['r.json']);
});

test('run -o through a symlink writes the link\'s target and keeps the link', async () => {
  const dir = tempDir('out-run-link');
  writeFileSync(join(dir, 't.csv'), TRACE);
  mkdirSync(join(dir, 'store'));
  writeFileSync(join(dir, 'store', 'r.json'), 'old');
  symlinkSync(join(dir, 'store', 'r.json'), join(dir, 'r.json'));
  const io = capture();
  assert.equal(await main(['run', join(dir, 't.csv'), '--system', 'gmem-linux', '--profile', 'a100-pcie4', '--no-cache', '-o', join(dir, 'r.json')], io), 0, io.err);
  assert.ok(lstatSync(join(dir, 'r.json')).isSymbolicLink());
  assert.equal((JSON.parse(readFileSync(join(dir, 'store', 'r.json'), 'utf8')) as unknown[]).length, 1);
});

test('import -o FIFO exits 2 before the input is read (even a missing input), and leaves the FIFO a FIFO', async () => {
  const dir = tempDir('out-import');
  const fifo = join(dir, 'events.csv');
  mkfifo(fifo);
  const io = capture();
  assert.equal(await main(['import', join(dir, 'no-such-input.csv'), '-o', fifo], io), 2);
  assert.match(io.err, refusedFifo(fifo), 'the output is checked before the input is opened');
  writeFileSync(join(dir, 'in.csv'), TRACE);
  const io2 = capture();
  assert.equal(await main(['import', join(dir, 'in.csv'), '--no-cache', '-o', fifo], io2), 2);
  assert.match(io2.err, refusedFifo(fifo));
  assert.equal(io2.out, '', 'no summary: nothing was imported');
  assert.ok(isFifo(fifo));
  assert.deepEqual(readdirSync(dir).sort(), ['events.csv', 'in.csv']);
});

test('generate -o FIFO and -o folder exit 2 naming what is there; both are left as they were', async () => {
  const dir = tempDir('out-generate');
  const fifo = join(dir, 'w.csv');
  mkfifo(fifo);
  const io = capture();
  assert.equal(await main(['generate', 'rodinia-bfs', '-o', fifo], io), 2);
  assert.match(io.err, refusedFifo(fifo));
  assert.ok(isFifo(fifo));
  mkdirSync(join(dir, 'folder.csv'));
  const io2 = capture();
  assert.equal(await main(['generate', 'rodinia-bfs', '-o', join(dir, 'folder.csv')], io2), 2);
  assert.match(io2.err, /folder\.csv: output path is a folder; refusing to replace it/);
  assert.deepEqual(readdirSync(dir).sort(), ['folder.csv', 'w.csv']);
});

/**
 * The CLI in a child process. A sweep that reads a FIFO results file would block forever in the read,
 * so the child is killed (SIGKILL) if it has not finished after `hangGuardMs`: a guard against a hang,
 * not a timing assertion (the refusal itself takes no time).
 */
function cli(args: string[], hangGuardMs = 120_000): { status: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [GMEMLAB, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: hangGuardMs, killSignal: 'SIGKILL', env: { ...process.env, GMEMLAB_DEBUG: '0' } });
  return { status: r.status, signal: r.signal, stderr: r.stderr, stdout: r.stdout };
}

test('sweep -o FIFO (and --dry-run -o FIFO) exits 2 without reading or running anything; the FIFO stays a FIFO', () => {
  const dir = tempDir('out-sweep');
  writeFileSync(join(dir, 'sw.json'), JSON.stringify({ traces: [{ workload: 'rodinia-bfs' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'] }));
  const fifo = join(dir, 'r.csv');
  mkfifo(fifo);
  for (const extra of [[], ['--dry-run']]) {
    const r = cli(['sweep', join(dir, 'sw.json'), '-o', fifo, ...extra]);
    assert.equal(r.signal, null, `sweep ${extra.join(' ')} hung on the FIFO and was killed`);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, refusedFifo(fifo));
    assert.ok(isFifo(fifo));
  }
  assert.deepEqual(readdirSync(dir).sort(), ['r.csv', 'sw.json'], 'no lock, no temporary');
});

test('figures -o FIFO, or a FIFO among the files it would write, exits 2 before computing anything', async () => {
  const dir = tempDir('out-figures');
  const fifoDir = join(dir, 'figs');
  mkfifo(fifoDir);
  const io = capture();
  assert.equal(await main(['figures', '-o', fifoDir, '--quick', '--only', 'gtx1080ti-transfer'], io), 2);
  assert.match(io.err, /figs: output folder path is a FIFO \(named pipe\) \(expected a folder or a path that does not exist yet/);
  assert.ok(isFifo(fifoDir));
  const out = join(dir, 'out');
  mkdirSync(out);
  mkfifo(join(out, 'reproduction-summary.csv'));
  writeFileSync(join(out, 'unrelated'), 'x');
  const io2 = capture();
  assert.equal(await main(['figures', '-o', out, '--quick', '--only', 'gtx1080ti-transfer'], io2), 2);
  assert.match(io2.err, refusedFifo(join(out, 'reproduction-summary.csv')));
  assert.doesNotMatch(io2.err, /within tolerance/, 'no figure was computed');
  assert.ok(isFifo(join(out, 'reproduction-summary.csv')));
  assert.deepEqual(readdirSync(out).sort(), ['reproduction-summary.csv', 'unrelated']);
});
