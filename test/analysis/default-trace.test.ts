import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultInstanceTrace } from '../../src/analysis/default-trace';
import { openTrace } from '../../src/importers/open';
import { summarizeTrace } from '../../src/trace/summary';
import { PROJECT_ROOT } from '../../src/version';
import { workloadTrace } from '../../src/workloads/trace';

test('a committed default instance is its file under traces/ (ml-train: the 2.18 GiB committed trace)', async () => {
  const s = await summarizeTrace(await defaultInstanceTrace('ml-train'));
  const file = await summarizeTrace(await openTrace(join(PROJECT_ROOT, 'traces/ml-train.csv.gz')));
  assert.equal(s.digest, file.digest);
  assert.equal(s.events, 8818);
});

test('a generated default instance goes through the workload cache: generated on the first read, read from the cache file after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-default-trace-'));
  const before = process.env.GMEMLAB_CACHE_DIR;
  process.env.GMEMLAB_CACHE_DIR = dir;
  try {
    // bfs with its paper-sized scale overridden (scale 12: above the cache's 65,536-row threshold, a second to generate)
    const trace = await defaultInstanceTrace('rodinia-bfs', { scale: 12 });
    const first = await summarizeTrace(trace);
    const files = readdirSync(join(dir, 'workloads')).filter((f) => f.endsWith('.arrow'));
    assert.equal(files.length, 1, 'the first complete read wrote the cache file');
    const second = await summarizeTrace(trace);
    const fresh = await summarizeTrace(workloadTrace('rodinia-bfs', { scale: 12 }, 0));
    assert.equal(first.digest, fresh.digest);
    assert.equal(second.digest, fresh.digest);
    assert.ok(first.events >= 65_536, `${first.events} rows: large enough to be cached`);
    assert.ok(existsSync(join(dir, 'workloads', files[0]!)));
  } finally {
    if (before === undefined) delete process.env.GMEMLAB_CACHE_DIR;
    else process.env.GMEMLAB_CACHE_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  }
});
