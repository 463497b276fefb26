import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openTrace, type OpenedTrace } from '../../src/importers/open';
import { run, scanTrace } from '../../src/run/run';
import type { HashCounter } from '../../src/trace/cache';
import { PROJECT_ROOT } from '../../src/version';

// The integrity checks of an imported file cost one pass the first time only: the source's SHA-256 is kept per
// file identity (path, size, mtime, ctime, inode) and the scan (canonical digest, footprint, counts) per
// import key (source SHA-256, importer, options, mode) in the import cache.

async function open(file: string, dir: string): Promise<{ trace: OpenedTrace; hashed: number; reads: () => number }> {
  const counter: HashCounter = { bytes: 0 };
  const t = await openTrace(file, { cache: { dir, minBytes: 0, hashCounter: counter } });
  let reads = 0;
  const trace: OpenedTrace = {
    ...t,
    read: () => {
      reads++;
      return t.read();
    },
  };
  return { trace, hashed: counter.bytes, reads: () => reads };
}

test('a re-opened unchanged file is neither re-hashed nor re-scanned; results still carry its traceDigest; a touched file is re-hashed, a changed one re-scanned', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-scan-memo-'));
  try {
    const file = join(dir, 'bfs.csv');
    writeFileSync(file, gunzipSync(readFileSync(join(PROJECT_ROOT, 'traces', 'rodinia-bfs.csv.gz'))));
    const size = statSync(file).size;
    const cache = join(dir, 'cache');

    const first = await open(file, cache);
    assert.equal(first.hashed, size, 'first open hashes the whole source');
    const s1 = await scanTrace(first.trace);
    assert.equal(first.reads(), 1);
    assert.ok(s1.events > 6000);

    const second = await open(file, cache);
    assert.equal(second.hashed, 0, 'an unchanged file is not re-hashed');
    const s2 = await scanTrace(second.trace);
    assert.equal(second.reads(), 0, 'nor re-read to scan it');
    assert.deepEqual(s2, s1);
    const r = await run(second.trace, { system: 'gmem-linux', profile: 'a100-pcie4' });
    assert.equal(r.run.traceDigest, s1.digest);
    assert.equal(second.reads(), 1, 'only the simulation reads the trace');

    const later = Date.now() / 1000 + 60;
    utimesSync(file, later, later);
    const touched = await open(file, cache);
    assert.equal(touched.hashed, size, 'a touched file is re-hashed');
    assert.deepEqual(await scanTrace(touched.trace), s1, 'same bytes: the remembered scan still applies');
    assert.equal(touched.reads(), 0);

    const text = readFileSync(file, 'utf8').split('\n');
    const lastRow = text.filter((l) => /^\d/.test(l)).pop()!;
    appendFileSync(file, `${lastRow}\n`);
    const changed = await open(file, cache);
    assert.equal(changed.hashed, statSync(file).size);
    const s3 = await scanTrace(changed.trace);
    assert.equal(changed.reads(), 1, 'changed content is scanned again');
    assert.equal(s3.events, s1.events + 1);
    assert.notEqual(s3.digest, s1.digest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
