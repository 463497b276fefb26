import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTraceCache, scanAndShare } from '../../../src/analysis/sweep/trace-cache';
import { workloadCacheFile } from '../../../src/analysis/sweep/workload-cache';
import type { TraceRef } from '../../../src/analysis/sweep/expand';
import { scanTrace, SCAN_VERSION } from '../../../src/run/run';
import { scanMemoFor } from '../../../src/trace/cache';
import { workloadTrace } from '../../../src/workloads/trace';

// A sweep's prepare pass over a generated trace remembers the scan beside the workload cache entry, so the
// next sweep neither recomputes it nor, for a trace too long to share, reads the trace at all.
const SET = { events: 70_000, pattern: 'random', footprintBytes: '64MiB' };
const REF: TraceRef = { kind: 'workload', workload: 'synthetic-access', seed: 1, set: SET };

test("a sweep remembers a generated trace's scan and uses it next time (shared or not)", async () => {
  const root = mkdtempSync(join(tmpdir(), 'gmemlab-trace-cache-'));
  const before = process.env.GMEMLAB_CACHE_DIR;
  process.env.GMEMLAB_CACHE_DIR = root;
  try {
    const truth = await scanTrace(workloadTrace('synthetic-access', SET, 1));
    const first = await scanAndShare(REF);
    assert.deepEqual({ ...first.scan, name: truth.name }, truth, 'the first pass computes the scan');
    assert.ok(first.shared, 'and shares the trace');
    const memo = scanMemoFor(workloadCacheFile('synthetic-access', SET, 1, root));
    const stored = JSON.parse(readFileSync(memo, 'utf8')) as Record<string, Record<string, unknown>>;
    assert.equal(stored[String(SCAN_VERSION)]!.digest, truth.digest, 'remembered beside the workload cache entry');
    // mark the memo: a pass that used it reports the mark, one that recomputed reports the true digest
    stored[String(SCAN_VERSION)]!.digest = 'f'.repeat(64);
    writeFileSync(memo, JSON.stringify(stored));
    const shared = await scanAndShare(REF);
    assert.equal(shared.scan.digest, 'f'.repeat(64), 'a trace small enough to share is read, but its scan is not recomputed');
    assert.equal(shared.shared?.batchLengths.reduce((a, b) => a + b, 0), truth.events, 'the shared copy holds every row');
    const long = await scanAndShare(REF, 1000);
    assert.equal(long.scan.digest, 'f'.repeat(64));
    assert.equal(long.shared, undefined, 'a trace too long to share gets the remembered scan and no shared copy');
  } finally {
    if (before === undefined) delete process.env.GMEMLAB_CACHE_DIR;
    else process.env.GMEMLAB_CACHE_DIR = before;
    clearTraceCache();
    rmSync(root, { recursive: true, force: true });
  }
});
