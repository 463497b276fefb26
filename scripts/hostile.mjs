#!/usr/bin/env node
// `npm run hostile`: the hostile inputs of issue 18, run through the real CLI (`node scripts/gmemlab.js …`)
// as child processes. Not a test (run by hand; it takes a few minutes and needs ~1 GB of temp space): it
// builds every input in a fresh temp folder, runs each case and checks
//   - the command ends with exit 2 (or imports correctly, where that is allowed) within 10 s,
//   - its peak RSS stays under the case's stated bound (GNU time's %M, or VmHWM polled from /proc),
//   - SIGINT and SIGTERM sent 1 s into a long command (a big import, a long run, a sweep) stop it within 2 s,
//     leaving no output file behind;
// then prints one line per case (name, exit, seconds, peak MiB, verdict) and exits 1 if any case failed.
//   npm run hostile                  every case
//   npm run hostile -- pickle sweep  only the cases whose name contains one of the words
//   npm run hostile -- --list        the case names and what each checks
// Inputs are written under the OS temp folder only (a FIFO and symlinks there; never a real /dev file) and
// removed at the end (`--keep` keeps them and prints where).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'scripts', 'gmemlab.js');
const require = createRequire(import.meta.url);
require('tsx/cjs/api').register();
const mutate = require('../src/fuzz/mutate.ts');
const { writeNsysFixture } = require('../src/importers/nsys-sqlite/fixture.ts');
const { loadSqlJs } = require('../src/importers/nsys-sqlite/db.ts');

const MiB = 1024 * 1024;
/** Every bad input must be answered within this. */
const DEADLINE_S = 10;
/** A signal must stop a command within this. */
const SIGNAL_STOP_S = 2;
/** Default peak RSS bound of a case (Node + tsx + gmemlab's modules take ~150–250 MiB). */
const DEFAULT_RSS_MIB = 600;
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// ---- running one command ------------------------------------------------------------------------------------

/** The direct children of a process (Linux /proc). */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** True when process `pid` has `file` open. */
function hasOpen(pid, file) {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

function vmHwmKiB(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Run `gmemlab <args>`; resolves with exit code, signal, seconds, peak RSS (MiB) and output. With `signal`,
 * that signal is sent to the gmemlab process `signalAfterS` seconds after start; `stopS` is then the time
 * from the signal to the exit. A command still running after `deadlineS` is killed (SIGKILL): `timedOut`.
 */
async function gmemlab(args, o = {}) {
  const dir = o.dir;
  const rssFile = join(dir, `rss-${process.hrtime.bigint()}.txt`);
  const argv = [process.execPath, CLI, ...args];
  const child = GNU_TIME
    ? spawn(GNU_TIME, ['-f', '%M', '-o', rssFile, ...argv], { cwd: o.cwd ?? ROOT, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(argv[0], argv.slice(1), { cwd: o.cwd ?? ROOT, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const t0 = performance.now();
  const keep = (chunks) => (b) => {
    if (chunks.bytes < 256 * 1024) chunks.push(b);
    chunks.bytes += b.length;
  };
  const out = Object.assign([], { bytes: 0 });
  const err = Object.assign([], { bytes: 0 });
  child.stdout.on('data', keep(out));
  child.stderr.on('data', keep(err));
  // the gmemlab process itself: the child, or GNU time's child
  let target = GNU_TIME ? undefined : child.pid;
  const findTarget = () => {
    if (target === undefined) target = childrenOf(child.pid)[0];
    return target;
  };
  let peakKiB = 0;
  const poll = setInterval(() => {
    const t = findTarget();
    if (t !== undefined) peakKiB = Math.max(peakKiB, vmHwmKiB(t));
  }, 20);
  let signalledAt;
  let timedOut = false;
  let busySince;
  const timers = [];
  if (o.signal) {
    // "1 s into the command" counts from when it works on its input (the file is open: /proc/<pid>/fd), not
    // from the start of a Node process still loading its modules, which a signal would end before gmemlab's
    // own handlers exist
    const send = () => {
      const t = findTarget();
      if (t === undefined || child.exitCode !== null) return;
      signalledAt = performance.now();
      try {
        process.kill(t, o.signal);
      } catch {
        signalledAt = undefined; // already gone
      }
    };
    const watch = setInterval(() => {
      const t = findTarget();
      if (t === undefined || !o.busyFile || !hasOpen(t, o.busyFile)) return;
      clearInterval(watch);
      busySince = performance.now();
      timers.push(setTimeout(send, (o.signalAfterS ?? 1) * 1000));
    }, 10);
    timers.push({ interval: watch });
    if (!o.busyFile) timers.push(setTimeout(send, (o.signalAfterS ?? 1) * 1000));
  }
  const deadlineS = o.deadlineS ?? DEADLINE_S;
  timers.push(setTimeout(() => {
    timedOut = true;
    const t = findTarget();
    for (const pid of [t, child.pid]) if (pid !== undefined) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }, (deadlineS + (o.signal ? SIGNAL_STOP_S + 1 : 0)) * 1000));
  const [code, sig] = await once(child, 'close');
  const t1 = performance.now();
  clearInterval(poll);
  for (const t of timers) if (t.interval) clearInterval(t.interval);
  else clearTimeout(t);
  let exit = code;
  if (GNU_TIME) {
    // GNU time exits with the command's status; a command killed by a signal is reported in the file
    try {
      const text = readFileSync(rssFile, 'utf8');
      const lines = text.trim().split('\n');
      const kib = Number(lines[lines.length - 1]);
      if (Number.isFinite(kib)) peakKiB = Math.max(peakKiB, kib);
      const m = /Command terminated by signal (\d+)/.exec(text);
      if (m) exit = `sig${m[1]}`;
    } catch { /* killed before writing */ }
    rmSync(rssFile, { force: true });
  }
  return {
    exit: timedOut ? 'timeout' : exit ?? `sig:${sig}`,
    seconds: (t1 - t0) / 1000,
    stopS: signalledAt === undefined ? undefined : (t1 - signalledAt) / 1000,
    busyS: busySince === undefined ? undefined : (busySince - t0) / 1000,
    signalled: signalledAt !== undefined,
    peakMiB: peakKiB / 1024,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    stderrBytes: Buffer.concat(err),
    timedOut,
  };
}

// ---- verdicts -----------------------------------------------------------------------------------------------

/** Checks shared by most cases: within the deadline, under the RSS bound, the exit allowed. */
function judge(r, { exits = [2], rssMiB = DEFAULT_RSS_MIB, extra = [] } = {}) {
  const problems = [];
  if (r.timedOut) problems.push(`no answer within ${DEADLINE_S} s (killed)`);
  else if (!exits.includes(r.exit)) problems.push(`exit ${r.exit}, expected ${exits.join(' or ')}${r.exit === 1 ? ` (${firstLine(r.stderr)})` : ''}`);
  if (!r.timedOut && r.seconds > DEADLINE_S) problems.push(`took ${r.seconds.toFixed(1)} s > ${DEADLINE_S} s`);
  if (r.peakMiB > rssMiB) problems.push(`peak RSS ${r.peakMiB.toFixed(0)} MiB > ${rssMiB} MiB`);
  for (const [ok, what] of extra) if (!ok) problems.push(what);
  return problems;
}

function firstLine(s) {
  return s.split('\n').find((l) => l.trim() !== '')?.slice(0, 160) ?? '';
}

function fileKind(p) {
  try {
    const st = lstatSync(p);
    return st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'absent';
  }
}

// ---- inputs -------------------------------------------------------------------------------------------------

const SMALL_CSV = join(ROOT, 'traces', 'rodinia-bfs.csv.gz');

function csvLines(rows) {
  return `${rows.join('\n')}\n`;
}

/** The snapshot whose 64 devices share one list, ~`bytes` bytes in all (issue 18 item 4: 1.5 MB). */
function sharedSnapshot(bytes) {
  const perEntry = mutate.sharedListSnapshotPickle(1, 1001).length - mutate.sharedListSnapshotPickle(1, 1).length;
  const entries = Math.max(1, Math.floor(bytes / (perEntry / 1000)));
  return mutate.sharedListSnapshotPickle(64, entries);
}

async function nsysWithBlob(path, blobBytes) {
  await writeNsysFixture(path);
  const SQL = await loadSqlJs();
  const db = new SQL.Database(readFileSync(path));
  // id 1 names the runtime call the importer looks up (cudaMemPrefetchAsync), so StringIds is read
  db.run('UPDATE StringIds SET value = ? WHERE id = 1', ['w'.repeat(blobBytes)]);
  writeFileSync(path, db.export());
  db.close();
}

/** A Kineto trace whose one event name is `bytes` long. */
function kinetoHugeString(path, bytes) {
  const head = '{"schemaVersion":1,"traceEvents":[{"ph":"X","cat":"kernel","name":"';
  const tail = '","pid":0,"tid":7,"ts":1000,"dur":5,"args":{"device":0,"stream":7}}],"displayTimeUnit":"ms"}';
  const fd = createWriteStream(path);
  fd.write(head);
  const chunk = 'k'.repeat(MiB);
  for (let n = 0; n < bytes; n += MiB) fd.write(n + MiB <= bytes ? chunk : chunk.slice(0, bytes - n));
  fd.end(tail);
  return once(fd, 'close');
}

/** A canonical CSV whose second line is one field of `bytes` bytes without a line end. */
function longLine(path, bytes) {
  const fd = createWriteStream(path);
  fd.write('t_ns,op,agent,va,bytes,label\n0,marker,cpu,,,');
  const chunk = 'a'.repeat(MiB);
  for (let n = 0; n < bytes; n += MiB) fd.write(n + MiB <= bytes ? chunk : chunk.slice(0, bytes - n));
  fd.end('\n');
  return once(fd, 'close');
}

// ---- the cases ----------------------------------------------------------------------------------------------

/**
 * Each case: `name`, what it checks (`about`), and `run(ctx)` → { result, problems }. `ctx.dir` is the temp
 * folder, `ctx.big` a 3 M-event canonical CSV for the signal cases (built once, on first use).
 */
const CASES = [];
const def = (name, about, run) => CASES.push({ name, about, run });

def('output-fifo', '-o names a FIFO: refused with exit 2, the FIFO stays a FIFO (nothing blocks on it)', async (ctx) => {
  const fifo = join(ctx.dir, 'fifo-out.csv');
  spawnSync('mkfifo', [fifo]);
  const r = await gmemlab(['import', SMALL_CSV, '--no-cache', '-o', fifo], ctx);
  return { r, problems: judge(r, { extra: [[fileKind(fifo) === 'fifo', `the FIFO became ${fileKind(fifo)}`]] }) };
});

def('output-symlink-to-fifo', '-o is a temp symlink to a FIFO (a special file behind a link): exit 2, link and FIFO unchanged', async (ctx) => {
  const fifo = join(ctx.dir, 'fifo-target');
  spawnSync('mkfifo', [fifo]);
  const link = join(ctx.dir, 'link-out.csv');
  symlinkSync(fifo, link);
  const r = await gmemlab(['import', SMALL_CSV, '--no-cache', '-o', link], ctx);
  return { r, problems: judge(r, { extra: [[fileKind(link) === 'symlink' && fileKind(fifo) === 'fifo', `link is ${fileKind(link)}, target ${fileKind(fifo)}`]] }) };
});

def('output-dir', '-o names a folder: exit 2, the folder and its content stay', async (ctx) => {
  const d = join(ctx.dir, 'out-dir.csv');
  mkdirSync(d);
  writeFileSync(join(d, 'keep'), 'x');
  const r = await gmemlab(['import', SMALL_CSV, '--no-cache', '-o', d], ctx);
  return { r, problems: judge(r, { extra: [[fileKind(d) === 'dir' && existsSync(join(d, 'keep')), 'the folder was replaced']] }) };
});

def('run-output-fifo', '`run -o` a FIFO: exit 2, the FIFO stays', async (ctx) => {
  const fifo = join(ctx.dir, 'run-out.json');
  spawnSync('mkfifo', [fifo]);
  const r = await gmemlab(['run', SMALL_CSV, '--no-cache', '--system', 'uvm', '--profile', 'a100-pcie4', '-o', fifo], ctx);
  return { r, problems: judge(r, { extra: [[fileKind(fifo) === 'fifo', `the FIFO became ${fileKind(fifo)}`]] }) };
});

def('pickle-shared-refs-1k', '1 KB pickle: 60 nested tuples sharing references as a dict key (2^60 paths): exit 2 or imported, fast', async (ctx) => {
  const p = join(ctx.dir, 'shared.pickle');
  writeFileSync(p, mutate.sharedTuplePickle(60));
  const r = await gmemlab(['import', p, '--from', 'pytorch-snapshot', '--no-cache'], ctx);
  return { r, problems: judge(r) };
});

def('pickle-cyclic-key', 'a dict key that contains itself (t = (L,), L = [t]): exit 2', async (ctx) => {
  const p = join(ctx.dir, 'cyclic.pickle');
  writeFileSync(p, mutate.cyclicKeyPickle('cycle-tuple'));
  const r = await gmemlab(['import', p, '--from', 'pytorch-snapshot', '--no-cache'], ctx);
  return { r, problems: judge(r) };
});

def('pickle-deep-tuple-key', 'a tuple key nested a million deep (1 MB): exit 2, no stack overflow', async (ctx) => {
  const p = join(ctx.dir, 'deep-tuple.pickle');
  writeFileSync(p, mutate.deepKeyPickle(1_000_000, 'tuple'));
  const r = await gmemlab(['import', p, '--from', 'pytorch-snapshot', '--no-cache'], ctx);
  return { r, problems: judge(r) };
});

def('pickle-deep-list-key', 'a list key nested a million deep (2 MB): exit 2, no stack overflow', async (ctx) => {
  const p = join(ctx.dir, 'deep-list.pickle');
  writeFileSync(p, mutate.deepKeyPickle(1_000_000, 'list'));
  const r = await gmemlab(['import', p, '--from', 'pytorch-snapshot', '--no-cache'], ctx);
  return { r, problems: judge(r) };
});

def('pickle-shared-list-snapshot', '1.5 MB snapshot whose 64 devices share one list: exit 2 (a budget) or imported, RSS < 1 GiB, no output on failure', async (ctx) => {
  const p = join(ctx.dir, 'shared-list.pickle');
  writeFileSync(p, sharedSnapshot(1.5e6));
  const out = join(ctx.dir, 'shared-list.arrow');
  const r = await gmemlab(['import', p, '--no-cache', '-o', out], ctx);
  return { r, problems: judge(r, { exits: [0, 2], rssMiB: 1024, extra: [[r.exit === 0 || !existsSync(out), 'an output was left after a failure']] }) };
});

def('nsys-big-stringids', 'Nsight SQLite with a 48 MiB string in StringIds, string limit lowered to 16 MiB: exit 2, RSS < 1 GiB', async (ctx) => {
  const p = join(ctx.dir, 'big-strings.sqlite');
  await nsysWithBlob(p, 48 * MiB);
  const r = await gmemlab(['import', p, '--no-cache'], { ...ctx, env: hostileEnv() });
  return { r, problems: judge(r, { rssMiB: 1024 }) };
});

def('nsys-big-stringids-default', 'the same 48 MiB string under the default 64 MiB limit: imported (exit 0), RSS < 1 GiB', async (ctx) => {
  const p = join(ctx.dir, 'big-strings.sqlite');
  if (!existsSync(p)) await nsysWithBlob(p, 48 * MiB);
  const r = await gmemlab(['import', p, '--no-cache'], ctx);
  return { r, problems: judge(r, { exits: [0], rssMiB: 1024 }) };
});

def('kineto-huge-string', 'Kineto JSON whose one event name is 256 MiB (past the default 64 MiB string limit): exit 2, RSS < 1.5 GiB', async (ctx) => {
  const p = join(ctx.dir, 'huge-string.json');
  await kinetoHugeString(p, 256 * MiB);
  const r = await gmemlab(['import', p, '--no-cache'], ctx);
  rmSync(p, { force: true });
  return { r, problems: judge(r, { rssMiB: 1536 }) };
});

def('csv-100k-columns', 'a 1.2 MB canonical CSV with 100 k extra columns: exit 2 or imported, RSS < 400 MiB', async (ctx) => {
  const p = join(ctx.dir, 'wide.csv');
  const extra = Array.from({ length: 100_000 }, (_, k) => `c${k}`).join(',');
  const empties = ','.repeat(100_000);
  writeFileSync(p, csvLines([`t_ns,op,agent,va,bytes,${extra}`, `0,alloc,cpu,0x1000,4096${empties}`, `10,access,dev0,0x1000,64${empties}`]));
  const r = await gmemlab(['import', p, '--no-cache'], ctx);
  return { r, problems: judge(r, { exits: [0, 2], rssMiB: 400 }) };
});

def('csv-100k-columns-foreign', 'an unrecognised CSV with 100 k columns: exit 2, RSS < 400 MiB, the header echo is bounded', async (ctx) => {
  const p = join(ctx.dir, 'wide-foreign.csv');
  const cols = Array.from({ length: 100_000 }, (_, k) => `col${k}`).join(',');
  writeFileSync(p, csvLines([cols, ','.repeat(99_999)]));
  const r = await gmemlab(['import', p, '--no-cache'], ctx);
  return { r, problems: judge(r, { rssMiB: 400, extra: [[r.stderr.length < 64 * 1024, `stderr is ${r.stderr.length} bytes`]] }) };
});

def('map-redos', '--map replace pattern ^(a+)+$ on a 35-character cell: exit 2 (refused) or imported, within 10 s', async (ctx) => {
  const csv = join(ctx.dir, 'redos.csv');
  writeFileSync(csv, csvLines(['ts,event,engine,addr,size', `0,MALLOC,${'a'.repeat(34)}!,4096,4096`]));
  const map = join(ctx.dir, 'redos.map.json');
  writeFileSync(map, JSON.stringify({
    columns: {
      t_ns: 'ts', op: { from: 'event', values: { MALLOC: 'alloc' } }, agent: { from: 'engine', replace: [['^(a+)+$', 'cpu']] }, va: 'addr', bytes: 'size',
    },
  }));
  const r = await gmemlab(['import', csv, '--map', map, '--no-cache'], ctx);
  return { r, problems: judge(r, { exits: [0, 2] }) };
});

for (const mb of [32, 128]) {
  def(`long-line-${mb}mib`, `a ${mb} MiB line with --opt maxLineBytes=1GiB: exit 2 within 10 s (time linear in the line: see long-line-linear)`, async (ctx) => {
    const p = join(ctx.dir, `long-${mb}.csv`);
    await longLine(p, mb * MiB);
    const r = await gmemlab(['import', p, '--from', 'csv', '--opt', 'maxLineBytes=1GiB', '--no-cache'], ctx);
    ctx.longLine[mb] = r.seconds;
    rmSync(p, { force: true });
    return { r, problems: judge(r, { exits: [0, 2], rssMiB: 300 + 8 * mb }) };
  });
}

def('long-line-linear', 'the 128 MiB line takes at most 8× the 32 MiB one (4× the bytes; quadratic would be 16×)', async (ctx) => {
  const a = ctx.longLine[32];
  const b = ctx.longLine[128];
  const r = { exit: '-', seconds: b ?? 0, peakMiB: 0 };
  if (a === undefined || b === undefined) return { r, problems: ['needs long-line-32mib and long-line-128mib to run first'] };
  return { r, problems: b > 8 * Math.max(a, 0.5) ? [`128 MiB took ${b.toFixed(1)} s vs ${a.toFixed(1)} s for 32 MiB`] : [] };
});

const BUILTIN_ARGS = [
  ['set-constructor', ['run', SMALL_CSV, '--system', 'uvm', '--profile', 'a100-pcie4', '--set', 'constructor=1']],
  ['system-constructor', ['run', SMALL_CSV, '--system', 'uvm:constructor=1', '--profile', 'a100-pcie4']],
  ['system-toString', ['run', SMALL_CSV, '--system', 'uvm:toString=1', '--profile', 'a100-pcie4']],
  ['system-valueOf', ['run', SMALL_CSV, '--system', 'uvm:valueOf=7', '--profile', 'a100-pcie4']],
  ['system-hasOwnProperty', ['run', SMALL_CSV, '--system', 'uvm:hasOwnProperty=1', '--profile', 'a100-pcie4']],
  ['system-proto', ['run', SMALL_CSV, '--system', 'uvm:__proto__=1', '--profile', 'a100-pcie4']],
  ['opt-constructor', ['import', SMALL_CSV, '--opt', 'constructor=x']],
  ['opt-proto', ['import', SMALL_CSV, '--opt', '__proto__=1']],
  ['from-constructor', ['import', SMALL_CSV, '--from', 'constructor']],
  ['profile-constructor', ['run', SMALL_CSV, '--system', 'uvm', '--profile', 'constructor']],
];
for (const [name, args] of BUILTIN_ARGS) {
  def(`arg-${name}`, `built-in property name in an argument (${args.slice(2).join(' ')}): exit 2 naming the argument`, async (ctx) => {
    const r = await gmemlab([...args, '--no-cache'], ctx);
    return { r, problems: judge(r) };
  });
}

def('csv-escape-header', 'an unrecognised CSV whose header holds ESC sequences: exit 2, no raw control byte on stderr', async (ctx) => {
  const p = join(ctx.dir, 'escape.csv');
  writeFileSync(p, csvLines(['time,\x1b[31mred\x1b[0m,\x1b]0;title\x07x,\x9bq', '1,2,3,4']));
  const r = await gmemlab(['import', p, '--no-cache'], ctx);
  const ctl = [...r.stderrBytes].some((b) => (b < 0x20 && b !== 0x0a && b !== 0x09) || b === 0x7f);
  return { r, problems: judge(r, { extra: [[!ctl, 'stderr holds raw control bytes']] }) };
});

def('sweeps-concurrent', 'two sweeps on one -o at once: no row lost (the second waits or exits 2 naming the lock)', async (ctx) => {
  const out = join(ctx.dir, 'concurrent.csv');
  const a = join(ctx.dir, 'sweep-a.json');
  const b = join(ctx.dir, 'sweep-b.json');
  writeFileSync(a, JSON.stringify({ traces: [{ workload: 'rodinia-bfs' }], systems: ['gmem-linux', 'uvm'], profiles: ['a100-pcie4'], oversub: [1, 1.5, 2] }));
  writeFileSync(b, JSON.stringify({ traces: [{ workload: 'rodinia-bfs' }], systems: ['gmem-linux', 'uvm'], profiles: ['a100-pcie4'], oversub: [3, 4] }));
  const [ra, rb] = await Promise.all([gmemlab(['sweep', a, '--workers', '1', '-o', out], { ...ctx, deadlineS: 60 }), gmemlab(['sweep', b, '--workers', '1', '-o', out], { ...ctx, deadlineS: 60 })]);
  const rows = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').length - 1 : 0;
  const expected = (ra.exit === 0 ? 6 : 0) + (rb.exit === 0 ? 4 : 0);
  const lockNamed = [ra, rb].every((r) => r.exit === 0 || /lock/i.test(r.stderr));
  const r = { exit: `${ra.exit}/${rb.exit}`, seconds: Math.max(ra.seconds, rb.seconds), peakMiB: Math.max(ra.peakMiB, rb.peakMiB) };
  const problems = [];
  if (![ra, rb].every((x) => x.exit === 0 || x.exit === 2)) problems.push(`exits ${r.exit} (${firstLine(ra.stderr + rb.stderr)})`);
  if (rows !== expected) problems.push(`${rows} rows in -o, expected ${expected} from the sweeps that exited 0`);
  if (!lockNamed) problems.push('a refused sweep does not name the lock');
  if (existsSync(`${out}.lock`)) problems.push('the lock file was left behind');
  return { r, problems };
});

// signals: 1 s into a long command, SIGINT and SIGTERM must stop it within 2 s and leave no output file
const LONG = [
  ['import', (ctx) => ['import', ctx.big(), '--no-cache', '-o', join(ctx.dir, 'sig-import.arrow')], 'sig-import.arrow', (ctx) => ctx.big()],
  ['run', (ctx) => ['run', ctx.big(), '--no-cache', '--system', 'uvm', '--profile', 'a100-pcie4', '--oversub', '2', '-o', join(ctx.dir, 'sig-run.json')], 'sig-run.json', (ctx) => ctx.big()],
  ['sweep', (ctx) => ['sweep', ctx.sweepFile(), '--workers', '2'], undefined, (ctx) => ctx.big()],
  // few rows, each slow: 300 reads of 1 GiB at 4 KiB units into 2 GiB of device memory (each row ~60 ms)
  ['run-big-rows', (ctx) => ['run', ctx.bigRows(), '--no-cache', '--system', 'gmem-paper', '--profile', 'a100-pcie4', '--set', 'device.memory.capacityBytes=2GiB', '-o', join(ctx.dir, 'sig-big-rows.json')], 'sig-big-rows.json', (ctx) => ctx.bigRows()],
  ['pickle-shared-refs', (ctx) => ['import', ctx.sharedPickle(), '--from', 'pytorch-snapshot', '--no-cache'], undefined, (ctx) => ctx.sharedPickle()],
];
for (const [what, args, outName, busyFile] of LONG) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    def(`signal-${signal.toLowerCase()}-${what}`, `${signal} 1 s after a long \`${what}\` opened its input: stopped within ${SIGNAL_STOP_S} s, no output file`, async (ctx) => {
      const a = args(ctx);
      const r = await gmemlab(a, { ...ctx, signal, signalAfterS: 1, deadlineS: 60, busyFile: busyFile(ctx) });
      const problems = [];
      if (r.timedOut) problems.push('still running long after the signal (killed)');
      else if (!r.signalled) problems.push(what === 'pickle-shared-refs' && (r.exit === 2 || r.exit === 0) ? undefined : `ended (exit ${r.exit}) before the signal: the input is too small to test this`);
      else if (r.stopS > SIGNAL_STOP_S) problems.push(`stopped ${r.stopS.toFixed(2)} s after ${signal}`);
      if (outName && existsSync(join(ctx.dir, outName))) problems.push('an output file was written');
      const tmpLeft = outName ? temporariesOf(ctx.dir, outName) : [];
      if (tmpLeft.length) problems.push(`temporary files left: ${tmpLeft.join(', ')}`);
      return { r, problems: problems.filter(Boolean), note: r.signalled ? `input open at ${r.busyS?.toFixed(1)} s, stopped ${r.stopS.toFixed(2)} s after the signal` : undefined };
    });
  }
}

/** Temporaries of an output (`.<base>.<pid>.<tag>.tmp`, src/io/atomic.ts) in a folder. */
function temporariesOf(dir, base) {
  return readdirSync(dir).filter((f) => f.startsWith(`.${base}.`) && f.endsWith('.tmp'));
}

/** The canonical CSV header, every column in order (the rows below fill all 15). */
const CANON_HEADER = require('../src/trace/event.ts').CSV_COLUMNS.join(',');

def('row-larger-than-memory', 'a 256 TiB managed allocation with a prefetch and a device access over all of it (gmem-paper, 4 KiB units): exit 0 within 10 s, status oom (systems.row-exceeds-memory), not 2^36 units walked', async (ctx) => {
  const p = join(ctx.dir, 'huge-row.csv');
  const size = 2 ** 48;
  writeFileSync(p, [CANON_HEADER, `0,alloc,cpu,0x100000000,${size},,,,managed,a,,,,,`, `1,prefetch,cpu,0x100000000,${size},,,dev0,,,,,,,`, `2,access,dev0,0x100000000,${size},r,,,,,,,,,`, '3,free,cpu,0x100000000,,,,,,,,,,,', ''].join('\n'));
  const out = join(ctx.dir, 'huge-row.json');
  const r = await gmemlab(['run', p, '--no-cache', '--system', 'gmem-paper', '--profile', 'a100-pcie4', '-o', out], ctx);
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  return { r, problems: judge(r, { exits: [0], extra: [[/row-exceeds-memory/.test(text) && /"status":\s*"oom"/.test(text), 'the result does not report the rows as oom (systems.row-exceeds-memory)']] }) };
});

def('many-allocations-random-order', '200,000 managed allocations made and freed in random order (uvm): exit 0 within 10 s (the sorted-array sets were quadratic: 23 s, 79 s in gmem-linux)', async (ctx) => {
  const p = join(ctx.dir, 'many-allocs.csv');
  const n = 200_000;
  const order = Array.from({ length: n }, (_, i) => i);
  let x = 1;
  const shuffle = () => {
    for (let i = n - 1; i > 0; i--) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const j = x % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  };
  const lines = [CANON_HEADER];
  let t = 0;
  shuffle();
  for (const k of order) lines.push(`${t++},alloc,cpu,0x${(0x100000000 + k * 8192).toString(16)},4096,,,,managed,,,,,,`);
  for (const k of order.slice(0, 20_000)) lines.push(`${t++},access,dev0,0x${(0x100000000 + k * 8192).toString(16)},4096,r,,,,,,,,,`);
  shuffle();
  for (const k of order) lines.push(`${t++},free,cpu,0x${(0x100000000 + k * 8192).toString(16)},,,,,,,,,,,`);
  writeFileSync(p, lines.join('\n') + '\n');
  const r = await gmemlab(['run', p, '--no-cache', '--system', 'uvm', '--profile', 'a100-pcie4', '-o', join(ctx.dir, 'many-allocs.json')], ctx);
  return { r, problems: judge(r, { exits: [0] }) };
});

def('platform-many-devices', '--set host.devices=64 on an 80 GB profile (gmem-paper: a frame pool per device, 21 GB before): exit 2 (run.platform-too-large)', async (ctx) => {
  const r = await gmemlab(['run', SMALL_CSV, '--no-cache', '--system', 'gmem-paper', '--profile', 'a100-pcie4', '--set', 'host.devices=64'], ctx);
  return { r, problems: judge(r, { extra: [[/run\.platform-too-large/.test(r.stderr), 'not run.platform-too-large']] }) };
});

def('clock-past-tick-resolution', '--set link.latencyNs=1e300 (the clock passes where 1 µs is below a double\'s resolution): exit 0 within 10 s (the sampler looped for ever)', async (ctx) => {
  const r = await gmemlab(['run', SMALL_CSV, '--no-cache', '--system', 'uvm', '--profile', 'a100-pcie4', '--set', 'link.latencyNs=1e300', '-o', join(ctx.dir, 'slow-link.json')], ctx);
  return { r, problems: judge(r, { exits: [0] }) };
});

def('vma-recording-mip-levels', 'a VMA calls recording whose image has 2^48 mip levels: exit 2 (importer.bad-field mipLevels) within 10 s (the mip sum looped 2^48 times)', async (ctx) => {
  const p = join(ctx.dir, 'mips.csv');
  writeFileSync(p, ['Vulkan Memory Allocator,Calls recording', '1,8', 'Config,Begin', 'PhysicalDeviceMemory,Heap,0,size,1000000', 'PhysicalDeviceMemory,Heap,0,flags,1', 'Config,End', '1,0.001,0,vmaCreateAllocator', '1,0.020,0,vmaCreateImage,0,1,37,64,32,1,281474976710656,1,1,0,6,0,0,0,1,0,0,0,0000000000000000,00000000000000B2,', ''].join('\n'));
  const r = await gmemlab(['import', p, '--no-cache'], ctx);
  return { r, problems: judge(r, { extra: [[/mipLevels/.test(r.stderr), 'not a bad-field on mipLevels']] }) };
});

def('sigkill-then-rerun', 'SIGKILL 1 s into `import -o` leaves at most its temporary; the next run to that -o removes it', async (ctx) => {
  const out = join(ctx.dir, 'killed.csv');
  const killed = await gmemlab(['import', ctx.big(), '--no-cache', '-o', out], { ...ctx, signal: 'SIGKILL', signalAfterS: 1, deadlineS: 60, busyFile: ctx.big() });
  const left = temporariesOf(ctx.dir, 'killed.csv');
  const r = await gmemlab(['import', SMALL_CSV, '--no-cache', '-o', out], ctx);
  const after = temporariesOf(ctx.dir, 'killed.csv');
  const problems = judge(r, { exits: [0], extra: [[after.length === 0, `stale temporaries after the rerun: ${after.join(', ')}`], [killed.signalled, 'the import ended before the SIGKILL']] });
  return { r, problems, note: `${left.length} temporary left by the kill` };
});

/**
 * Environment for the size-limit cases: the importers' string limit (src/importers/shared/limits.ts, default
 * 64 MiB) lowered to 16 MiB, so a ~50 MB blob shows the limit at work without building a 300 MB file.
 */
function hostileEnv() {
  return { GMEMLAB_MAX_STRING_BYTES: '16MiB' };
}

// ---- main ---------------------------------------------------------------------------------------------------

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--list')) {
    for (const c of CASES) process.stdout.write(`${c.name.padEnd(34)} ${c.about}\n`);
    return 0;
  }
  const keep = argv.includes('--keep');
  const filters = argv.filter((a) => !a.startsWith('--'));
  const selected = CASES.filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
  if (selected.length === 0) {
    process.stderr.write(`no case matches ${filters.join(', ')} (npm run hostile -- --list)\n`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-hostile-'));
  let bigCsv;
  let bigRowsCsv;
  let sweepFile;
  let sharedPickle;
  const ctx = {
    dir,
    longLine: {},
    big() {
      if (!bigCsv) {
        bigCsv = join(dir, 'big.csv');
        const g = spawnSync(process.execPath, [CLI, 'generate', 'synthetic-access', '--set', 'events=3000000', '-o', bigCsv], { cwd: ROOT, stdio: 'ignore' });
        if (g.status !== 0) throw new Error('could not generate the big trace');
      }
      return bigCsv;
    },
    bigRows() {
      if (!bigRowsCsv) {
        bigRowsCsv = join(dir, 'big-rows.csv');
        const G = 2 ** 30;
        const base = 0x7f0000000000;
        const lines = ['# format=gmemlab-events', '# version=1', 't_ns,op,agent,va,bytes,access,advice,target,flags,resource,offset,count,page_bytes,dur_ns,label'];
        lines.push(`0,alloc,cpu,${base},${4 * G},,,,managed,,,,,,`);
        for (let i = 0; i < 300; i++) lines.push(`${i + 1},access,dev0,${base + (i % 4) * G},${G},r,,,,,,,,,`);
        writeFileSync(bigRowsCsv, `${lines.join('\n')}\n`);
      }
      return bigRowsCsv;
    },
    sweepFile() {
      if (!sweepFile) {
        sweepFile = join(dir, 'long-sweep.json');
        writeFileSync(sweepFile, JSON.stringify({ traces: [this.big()], systems: ['uvm', 'gmem-linux', 'hmm-svm'], profiles: ['a100-pcie4'], oversub: [2, 3] }));
      }
      return sweepFile;
    },
    sharedPickle() {
      if (!sharedPickle) {
        sharedPickle = join(dir, 'signal-shared.pickle');
        writeFileSync(sharedPickle, mutate.sharedTuplePickle(60));
      }
      return sharedPickle;
    },
  };
  process.stdout.write(`hostile inputs in ${dir}; bounds: exit 2 (or a correct import) within ${DEADLINE_S} s, peak RSS per case (default ${DEFAULT_RSS_MIB} MiB), signals stop within ${SIGNAL_STOP_S} s; RSS from ${GNU_TIME ? 'GNU time %M' : '/proc VmHWM'}\n\n`);
  const header = `${'case'.padEnd(34)} ${'exit'.padStart(7)} ${'seconds'.padStart(8)} ${'peak MiB'.padStart(9)}  verdict`;
  process.stdout.write(`${header}\n${'-'.repeat(header.length + 20)}\n`);
  let failed = 0;
  for (const c of selected) {
    let line;
    try {
      const { r, problems, note } = await c.run(ctx);
      const verdict = problems.length ? `FAIL: ${problems.join('; ')}` : `ok${note ? ` (${note})` : ''}`;
      if (problems.length) failed++;
      line = `${c.name.padEnd(34)} ${String(r.exit).padStart(7)} ${r.seconds.toFixed(2).padStart(8)} ${r.peakMiB.toFixed(0).padStart(9)}  ${verdict}`;
    } catch (e) {
      failed++;
      line = `${c.name.padEnd(34)} ${'-'.padStart(7)} ${'-'.padStart(8)} ${'-'.padStart(9)}  FAIL: the case itself failed: ${e.message}`;
    }
    process.stdout.write(`${line}\n`);
  }
  process.stdout.write(`\n${selected.length - failed} passed, ${failed} failed\n`);
  if (keep) process.stdout.write(`inputs kept in ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
  return failed ? 1 : 0;
}

process.exitCode = await main();
