import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { PROJECT_ROOT } from '../../src/version';
import { capture } from '../helpers/cli';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'gmemlab-cli-sweep-'));
}

const SMALL = { traces: [{ workload: 'rodinia-bfs' }], systems: ['gmem-linux', 'gmem-paper'], profiles: ['a100-pcie4'], oversub: [1, 2] };

test('sweep -o writes the results file, prints a summary, and a second run resumes everything', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'sw.json'), JSON.stringify(SMALL));
    const io = capture();
    assert.equal(await main(['sweep', join(dir, 'sw.json'), '-o', join(dir, 'r.csv'), '--workers', '1'], io), 0, io.err);
    assert.match(io.out, /4 runs: 0 already in the results file, 4 simulated in [\d.]+ s with 1 run at a time\./);
    assert.match(io.out, /workload:rodinia-bfs\s+gmem-paper\s+a100-pcie4\s+2\s/);
    assert.equal(readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n').length, 5);
    assert.equal((io.err.match(/^\[\d\/4\] #\d/gm) ?? []).length, 4, 'one progress line per finished run');
    const io2 = capture();
    assert.equal(await main(['sweep', join(dir, 'sw.json'), '-o', join(dir, 'r.csv')], io2), 0);
    assert.match(io2.out, /4 runs: 4 already in the results file, 0 simulated/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without -o the results go to stdout as CSV and the summary to stderr', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'sw.json'), JSON.stringify({ ...SMALL, oversub: [2] }));
    const io = capture();
    assert.equal(await main(['sweep', join(dir, 'sw.json')], io), 0);
    const lines = io.out.trim().split('\n');
    assert.ok(lines[0]!.startsWith('trace,system,preset,profile,'));
    assert.equal(lines.length, 3);
    assert.match(io.err, /2 runs: 0 already in the results file, 2 simulated/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run that hit OOM is shown as oom, its time starred as not comparable, on its progress line, in the summary and the results file', async () => {
  const dir = tmp();
  try {
    // rodinia-bfs touches 2.44 MiB (plus a cudaMalloc'd `over`): at oversub 2 of the touched footprint (1.22 MiB) neither GMEM
    // preset can hold its working set; at 0.5 (4.9 MiB) both run
    writeFileSync(join(dir, 'sw.json'), JSON.stringify({ ...SMALL, oversub: [0.5, 2] }));
    const io = capture();
    assert.equal(await main(['sweep', join(dir, 'sw.json'), '-o', join(dir, 'r.csv'), '--workers', '1'], io), 0, io.err);
    assert.match(io.out, /oversub = footprint \/ device capacity, footprint = distinct 4 KiB pages the trace touches \(basis touched\)/);
    assert.match(io.out, /workload:rodinia-bfs\s+gmem-linux\s+a100-pcie4\s+0\.5\s+ok\s+[\d.]+ ms\s/);
    assert.match(io.out, /workload:rodinia-bfs\s+gmem-linux\s+a100-pcie4\s+2\s+oom\s+[\d.]+ (ms|µs) \*/);
    assert.match(io.out, /\* 2 runs ended with OOM or error events \(status oom\/error\).*NOT comparable/);
    assert.match(io.err, /oversub 2 done in [\d.]+ s — status oom \(time not comparable\)/);
    const csv = readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n');
    const header = csv[0]!.split(',');
    const st = header.indexOf('status');
    const basis = header.indexOf('oversubBasis');
    assert.deepEqual(csv.slice(1).map((l) => l.split(',')[st]), ['ok', 'ok', 'oom', 'oom']);
    assert.deepEqual(csv.slice(1).map((l) => l.split(',')[basis]), ['touched', 'touched', 'touched', 'touched']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('"oversubBasis": "allocated" in a sweep file divides the allocated footprint (2 MiB granules) and says so', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'sw.json'), JSON.stringify({ ...SMALL, oversub: [2], oversubBasis: 'allocated' }));
    const io = capture();
    assert.equal(await main(['sweep', join(dir, 'sw.json'), '-o', join(dir, 'r.csv'), '--workers', '1'], io), 0, io.err);
    assert.match(io.out, /footprint = peak live allocated bytes in 2 MiB granules \(basis allocated\)/);
    const [head, row] = readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n');
    const cells = Object.fromEntries(head!.split(',').map((c, i) => [c, row!.split(',')[i]]));
    // bfs allocates 14 MiB (2 MiB granules): capacity = 14 MiB / 2 = 7 MiB, rounded down to 2 MiB = 6 MiB
    assert.equal(Number(cells.footprintBytes), 14 * 2 ** 20);
    assert.equal(Number(cells.capacityBytes), 6 * 2 ** 20);
    assert.equal(cells.oversubBasis, 'allocated');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...SMALL, oversubBasis: 'peak' }));
    const bad = capture();
    assert.equal(await main(['sweep', join(dir, 'bad.json')], bad), 2);
    assert.match(bad.err, /bad\.json:1:\d+: .*oversubBasis.*"touched" or "allocated"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad arguments and bad sweep files exit 2 with the documented first line', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'bad.json'), '{\n  "traces": ["a.csv"],\n  "systems": "uvm"\n}\n');
    const io = capture();
    assert.equal(await main(['sweep', join(dir, 'bad.json')], io), 2);
    assert.equal(io.err, `error [sweep.bad-value] ${join(dir, 'bad.json')}:3:14: bad value (field 'systems', expected a list of system items such as "uvm:prefetch=none", found "uvm")\n`);
    const io2 = capture();
    assert.equal(await main(['sweep', join(dir, 'bad.json'), '--workers', '0'], io2), 2);
    assert.match(io2.err, /^error \[cli\.bad-value\] argument: bad value for --workers \(expected an integer from 1 to 64, found "0"\)/);
    const io3 = capture();
    assert.equal(await main(['sweep'], io3), 2);
    assert.match(io3.err, /^error \[cli\.missing-argument\] argument: sweep: missing <sweep.json>/);
    const io4 = capture();
    assert.equal(await main(['sweep', join(dir, 'nope.json')], io4), 2);
    assert.match(io4.err, /nope\.json: file not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--dry-run lists every run with its specHash and status without simulating', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'sw.json'), JSON.stringify(SMALL));
    const io = capture();
    assert.equal(await main(['sweep', join(dir, 'sw.json'), '--dry-run', '-o', join(dir, 'r.csv')], io), 0);
    assert.match(io.out, /4 points, 4 distinct runs, 4 to run\./);
    assert.match(io.out, /gmem-paper a100-pcie4 oversub 2 .* [0-9a-f]{12}\s+to run/);
    assert.equal(existsSync(join(dir, 'r.csv')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Run the real CLI in a child process and interrupt it as soon as it reports its first finished run. */
async function interrupted(dir: string, workers: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts/gmemlab.js'), 'sweep', join(dir, 'sw.json'), '-o', join(dir, 'r.csv'), '--workers', String(workers)], {
    env: { ...process.env, GMEMLAB_DEBUG: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!sent && /^\[1\/\d+\]/m.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stderr };
}

for (const workers of [1, 2]) {
  test(`SIGINT during a sweep (${workers} worker${workers > 1 ? 's' : ''}) exits 130, keeps exactly the finished runs, leaves no partial file and resumes`, async () => {
    const dir = tmp();
    try {
      const spec = { traces: [{ workload: 'rodinia-bfs', set: { scale: 2 } }], systems: ['gmem-linux', 'gmem-paper'], profiles: ['a100-pcie4'], oversub: [1, 1.5, 2, 3] };
      writeFileSync(join(dir, 'sw.json'), JSON.stringify(spec));
      const { code, stderr } = await interrupted(dir, workers);
      assert.equal(code, 130, stderr);
      const m = /8 runs: 0 already in the results file, (\d+) simulated .*; (\d+) not finished\./.exec(stderr);
      assert.ok(m, stderr);
      const finished = Number(m![1]);
      assert.ok(finished >= 1 && finished < 8, stderr);
      assert.match(stderr, /stopping the running simulations/);
      assert.match(stderr, /Every finished run is in .*r\.csv; run the same command again to finish the other \d+\./);
      assert.equal(readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n').length, 1 + finished);
      assert.deepEqual(readdirSync(dir).sort(), ['r.csv', 'sw.json'], 'no temporary files');
      const io = capture();
      assert.equal(await main(['sweep', join(dir, 'sw.json'), '-o', join(dir, 'r.csv'), '--workers', '1'], io), 0);
      assert.match(io.out, new RegExp(`8 runs: ${finished} already in the results file, ${8 - finished} simulated`));
      if (workers === 1) {
        const fresh = capture();
        assert.equal(await main(['sweep', join(dir, 'sw.json'), '-o', join(dir, 'fresh.csv'), '--workers', '1'], fresh), 0);
        assert.equal(readFileSync(join(dir, 'r.csv'), 'utf8'), readFileSync(join(dir, 'fresh.csv'), 'utf8'), 'resumed = uninterrupted');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
