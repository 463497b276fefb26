/**
 * Determinism and provenance (issue 9), end to end through the CLI on a real trace FILE imported leniently:
 * the same resolved spec + trace + seed gives byte-identical result files across runs (first run from the
 * source, second from the Arrow import cache, third after the cache entry was corrupted and rebuilt), and
 * across 1 vs 2 worker threads in a sweep; every result records specHash, traceDigest, seed, version and the
 * lenient-mode skip counts. A different seed changes a seeded policy's result (so the seed is really used).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { sweep } from '../../src/analysis/sweep';
import { openTrace } from '../../src/importers/open';
import { digestBatches } from '../../src/trace/digest';
import { collectBatches } from '../../src/trace/trace';
import { hashOf } from '../../src/io/hash';
import { compare } from '../../src/run/run';
import { VERSION } from '../../src/version';
import { capture } from '../helpers/cli';

const PAGE = 64 * 1024;
const BASE = 0x100000000;
const PAGES = 2048; // 128 MiB managed: at --oversub 2 the device holds half of it, so pages are evicted

/**
 * 3000 events with 3 zero-size and 2 unknown-op rows, padded by an unused x_pad column to ~1.2 MB (above the
 * 1 MiB import-cache threshold) so the import cache is used while the simulations stay small.
 */
function writeTrace(path: string): void {
  const pad = 'p'.repeat(400);
  const lines = ['t_ns,op,agent,va,bytes,access,flags,x_pad', `0,alloc,cpu,${BASE},${PAGES * PAGE},,managed,`];
  let x = 12345;
  for (let i = 1; i <= 3000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const page = (x >>> 8) % PAGES;
    if (i % 900 === 0) lines.push(`${i * 100},access,dev0,${BASE + page * PAGE},0,r,,${pad}`);
    else if (i % 1400 === 0) lines.push(`${i * 100},acess,dev0,${BASE + page * PAGE},${PAGE},r,,${pad}`);
    else lines.push(`${i * 100},access,${i % 5 === 0 ? 'cpu' : 'dev0'},${BASE + page * PAGE},${PAGE},${i % 3 === 0 ? 'w' : 'r'},,${pad}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

const SYSTEMS = 'gmem-linux,uvm:prefetch=none:eviction=random-4k';
const SKIPS = { 'csv.zero-size': 3, 'csv.unknown-op': 2 };

test('same spec + trace + seed: byte-identical run results from the source, the cache and a rebuilt corrupt cache; provenance recorded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-determinism-'));
  const saved = process.env.GMEMLAB_CACHE_DIR;
  process.env.GMEMLAB_CACHE_DIR = join(dir, 'cache');
  try {
    const src = join(dir, 't.csv');
    writeTrace(src);
    const run = async (out: string, seed = 7): Promise<string> => {
      const io = capture();
      const code = await main(['run', src, '--lenient', '--system', SYSTEMS, '--profile', 'a100-pcie4', '--oversub', '2', '--seed', String(seed), '-o', join(dir, out)], io);
      assert.equal(code, 0, io.err);
      return io.err;
    };
    await run('a.json');
    const entries = readdirSync(join(dir, 'cache', 'traces')).filter((f) => f.endsWith('.arrow'));
    assert.equal(entries.length, 1, 'the first run wrote the import cache');
    await run('b.json');
    // corrupt the cache entry in the middle: the next run detects it by checksum, rebuilds it, same bytes
    const entry = join(dir, 'cache', 'traces', entries[0]!);
    const bytes = readFileSync(entry);
    bytes[bytes.length >> 1]! ^= 0x5a;
    writeFileSync(entry, bytes);
    await run('c.json');
    await run('a.csv');
    await run('b.csv');
    const a = readFileSync(join(dir, 'a.json'), 'utf8');
    assert.equal(readFileSync(join(dir, 'b.json'), 'utf8'), a, 'source vs cache');
    assert.equal(readFileSync(join(dir, 'c.json'), 'utf8'), a, 'source vs rebuilt cache');
    assert.equal(readFileSync(join(dir, 'b.csv'), 'utf8'), readFileSync(join(dir, 'a.csv'), 'utf8'));
    assert.notDeepEqual(readFileSync(entry), bytes, 'the corrupt entry was replaced');

    // provenance: seed, version, trace digest of the imported events, spec hash of the resolved run, skip counts
    const rows = JSON.parse(a) as Record<string, unknown>[];
    const trace = await openTrace(src, { strict: false, cache: false });
    const digest = digestBatches((await collectBatches(trace)).batches);
    const direct = await compare(trace, { systems: SYSTEMS.split(','), profile: 'a100-pcie4', oversub: 2, seed: 7 });
    assert.equal(rows.length, 2);
    for (const [i, r] of rows.entries()) {
      assert.equal(r.seed, 7);
      assert.equal(r.version, VERSION);
      assert.equal(r.traceDigest, digest);
      // the trace's name and its highest device agent are facts of the trace (its digest is hashed), not of the run
      const { specHash, traceName: _n, debug: _d, maxAgent: _m, ...body } = direct[i]!.run;
      assert.equal(r.specHash, specHash);
      assert.equal(r.specHash, hashOf(body), 'specHash is the hash of the resolved run');
      assert.deepEqual(r.warnings, { ...(r.warnings as object), ...SKIPS }, 'lenient skip counts by reason');
    }

    // the seed is used: a seeded eviction choice changes with it (the spec hash too)
    await run('s8.json', 8);
    const s8 = JSON.parse(readFileSync(join(dir, 's8.json'), 'utf8')) as Record<string, unknown>[];
    assert.notEqual(s8[1]!.specHash, rows[1]!.specHash);
    assert.notDeepEqual({ ...s8[1]!, specHash: 0, seed: 0 }, { ...rows[1]!, specHash: 0, seed: 0 }, 'random-4k eviction depends on the seed');
  } finally {
    if (saved === undefined) delete process.env.GMEMLAB_CACHE_DIR;
    else process.env.GMEMLAB_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sweep over the same file, systems and seeds writes byte-identical CSV and JSON with 1 and 2 worker threads, twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-determinism-sweep-'));
  const saved = process.env.GMEMLAB_CACHE_DIR;
  process.env.GMEMLAB_CACHE_DIR = join(dir, 'cache');
  try {
    writeTrace(join(dir, 't.csv'));
    const spec = { traces: [{ file: 't.csv', lenient: true }], systems: SYSTEMS.split(','), profiles: ['a100-pcie4'], oversub: [2], seeds: [7, 8] };
    const outs: string[] = [];
    for (const [k, workers] of [1, 2, 1, 2].entries()) {
      const ext = k < 2 ? 'csv' : 'json';
      const file = join(dir, `r${k}.${ext}`);
      const r = await sweep(spec, { workers, output: file, baseDir: dir });
      assert.equal(r.simulated, 4);
      outs.push(readFileSync(file, 'utf8'));
    }
    assert.equal(outs[1], outs[0], 'CSV: 1 vs 2 workers');
    assert.equal(outs[3], outs[2], 'JSON: 1 vs 2 workers');
    const header = outs[0]!.split('\n')[0]!.split(',');
    for (const col of ['specHash', 'traceDigest', 'seed', 'version', 'warnings.csv.zero-size', 'warnings.csv.unknown-op']) assert.ok(header.includes(col), `column ${col} in ${header.join(',')}`);
    const again = join(dir, 'again.csv');
    await sweep(spec, { workers: 2, output: again, baseDir: dir });
    assert.equal(readFileSync(again, 'utf8'), outs[0], 'a second sweep (from the import cache) gives the same bytes');
  } finally {
    if (saved === undefined) delete process.env.GMEMLAB_CACHE_DIR;
    else process.env.GMEMLAB_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
