import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedWorkloadTrace, WORKLOAD_CACHE_MIN_EVENTS, workloadCacheFile } from '../../../src/analysis/sweep/workload-cache';
import { scanTrace } from '../../../src/run/run';
import { collectBatches } from '../../../src/trace/trace';
import { workloadTrace } from '../../../src/workloads/trace';
import { GmemlabError } from '../../../src/log/diagnostic';

// synthetic-access with a fixed event count: big enough to be cached, small enough to be quick
const SET = { events: 100_000, pattern: 'random', footprintBytes: '64MiB' };

test('a generated workload is written on its first complete read and read back from the cache with the same name, metadata and events', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gmemlab-workload-cache-'));
  try {
    const file = workloadCacheFile('synthetic-access', SET, 3, root);
    const plain = await scanTrace(workloadTrace('synthetic-access', SET, 3));
    assert.ok(plain.events >= WORKLOAD_CACHE_MIN_EVENTS);
    const t = cachedWorkloadTrace('synthetic-access', SET, 3, root);
    assert.equal(existsSync(file), false);
    const first = await scanTrace(t);
    assert.equal(existsSync(file), true, 'written by the first complete read');
    const second = await scanTrace(t);
    assert.deepEqual(second, plain);
    assert.deepEqual(first, plain);
    const { reader } = await collectBatches(t);
    assert.deepEqual(reader.meta, workloadTrace('synthetic-access', SET, 3).read().meta);
    assert.notEqual(workloadCacheFile('synthetic-access', SET, 4, root), file, 'another seed, another entry');
    assert.notEqual(workloadCacheFile('synthetic-access', { ...SET, events: 100_001 }, 3, root), file, 'other parameters, another entry');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('small traces and incomplete reads leave no entry; a damaged entry fails its read with arrow.corrupt and is removed, the next read generates', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gmemlab-workload-cache-'));
  try {
    await scanTrace(cachedWorkloadTrace('synthetic-access', { ...SET, events: 1000 }, 0, root));
    const stop = cachedWorkloadTrace('synthetic-access', SET, 0, root);
    for await (const b of stop.read()) if (b.length > 0) break;
    assert.deepEqual(readdirSync(join(root, 'workloads')).filter((f) => f.endsWith('.arrow')), []);

    const t = cachedWorkloadTrace('synthetic-access', SET, 0, root);
    const good = await scanTrace(t);
    const file = workloadCacheFile('synthetic-access', SET, 0, root);
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0xff; // inside a record block
    writeFileSync(file, bytes);
    await assert.rejects(scanTrace(t), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === 'arrow.corrupt');
    assert.equal(existsSync(file), false, 'removed');
    assert.deepEqual(await scanTrace(t), good, 'generated again (and cached again)');
    assert.equal(existsSync(file), true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the cache key follows the code the workload registry imports, and only that code', async () => {
  const { sourceStamp } = await import('../../../src/analysis/sweep/workload-cache');
  const src = mkdtempSync(join(tmpdir(), 'gmemlab-stamp-'));
  const { mkdirSync } = await import('node:fs');
  try {
    mkdirSync(join(src, 'workloads'));
    mkdirSync(join(src, 'trace', 'x'), { recursive: true });
    writeFileSync(join(src, 'workloads', 'index.ts'), "import { a } from './a';\nimport type { B } from '../trace/x';\nexport const w = a;\n");
    writeFileSync(join(src, 'workloads', 'a.ts'), "export const a = require('../trace/c');\n");
    writeFileSync(join(src, 'trace', 'x', 'index.ts'), 'export type B = 1;\n');
    writeFileSync(join(src, 'trace', 'c.ts'), 'export const c = 1;\n');
    writeFileSync(join(src, 'unrelated.ts'), 'export const u = 1;\n');
    const s0 = sourceStamp(src);
    writeFileSync(join(src, 'unrelated.ts'), 'export const u = 2;\n');
    assert.equal(sourceStamp(src), s0, 'a file generators do not import');
    writeFileSync(join(src, 'trace', 'c.ts'), 'export const c = 2;\n');
    const s1 = sourceStamp(src);
    assert.notEqual(s1, s0, 'a file reached through require()');
    writeFileSync(join(src, 'trace', 'x', 'index.ts'), 'export type B = 2;\n');
    assert.notEqual(sourceStamp(src), s1, 'a folder index reached through a type import');
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
});
