import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventBatch } from '../../src/trace/batch';
import { batchToCsv } from '../../src/trace/canonical-csv/write';
import { GmemlabError } from '../../src/log/diagnostic';
import { getWorkload, workloadIds, workloads } from '../../src/workloads/index';
import { resolveWorkloadParams } from '../../src/workloads/params';
import type { WorkloadId } from '../../src/workloads/types';
import { checkTrace } from './check-trace';

/** Small instances of every workload, so the contract tests below stay fast. */
export const SMALL: Readonly<Record<string, Record<string, string | number | boolean>>> = {
  'game-remap': { seconds: 0.5 },
  'ml-train': { layers: 2, hidden: 128, seqLen: 64, steps: 1, prefetch: true },
  'rodinia-bfs': { scale: 0.25 },
  'rodinia-hotspot': { scale: 0.25, iterations: 2 },
  'rodinia-fdtd': { scale: 0.25, steps: 1 },
  'rodinia-backprop': { scale: 0.25 },
  'rodinia-nw': { scale: 0.25 },
  'rodinia-pathfinder': { scale: 0.25, rows: 21 },
  'rodinia-srad': { scale: 0.25, iterations: 1 },
  'nic-rx': { packets: 2000 },
  'x97-vecadd': { length: 262144 },
  'x97-bp': { samples: 512 },
  'synthetic-access': { events: 5000 },
  'page-mix': { events: 5000, hotPages: 4096 },
};

/**
 * Workloads whose event stream depends on the seed. The others are deterministic programs (ml-train,
 * x97-*) or kernels whose page stream does not depend on input values (the regular Rodinia stencils: the
 * seed changes their inputs and results, not which pages they touch).
 */
const SEEDED = new Set(['game-remap', 'rodinia-bfs', 'rodinia-nw', 'nic-rx', 'synthetic-access', 'page-mix']);

function csvOf(batches: Iterable<EventBatch>): string {
  let s = '';
  for (const b of batches) s += batchToCsv(b);
  return s;
}

test('every registry entry is named by its key and documents every parameter', () => {
  for (const [key, def] of Object.entries(workloads)) {
    if (!def) continue;
    assert.equal(def.name, key);
    assert.deepEqual(Object.keys(def.params).sort(), Object.keys(def.defaults).sort(), `${key}: params and defaults`);
    assert.deepEqual(def.validate?.(def.defaults) ?? [], [], `${key}: defaults are valid`);
  }
});

test('every workload has a small test instance', () => {
  for (const id of workloadIds()) if (!getWorkload(id).write) assert.ok(SMALL[id], `SMALL lacks ${id}`);
});

test('an unknown workload id is bad input listing the known ones', () => {
  assert.throws(() => getWorkload('toString'), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === 'workloads.unknown' && /game-remap/.test(e.diagnostic.message));
});

for (const id of workloadIds()) {
  if (getWorkload(id).write) continue;
  const def = getWorkload(id);
  test(`${id}: the same seed and parameters give byte-identical output, and a consistent trace`, () => {
    const p = resolveWorkloadParams(def, SMALL[id]!);
    const a = [...def.generate(p, 7)];
    const b = csvOf(def.generate(p, 7));
    assert.ok(csvOf(a) === b, 'two runs differ');
    assert.deepEqual(checkTrace(a, id === 'game-remap' ? 65536 : 4096, id === 'game-remap'), []);
    const meta = def.meta(p, 7);
    assert.equal(meta.workload, id);
    assert.equal(meta.seed, '7');
    for (const k of Object.keys(def.defaults)) assert.ok(`param.${k}` in meta, `meta lacks param.${k}`);
    if (SEEDED.has(id as WorkloadId)) assert.ok(csvOf(def.generate(p, 8)) !== b, 'another seed gives another trace');
  });
}
