import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simBackend } from '../../../src/analysis/sweep/sim-backend';
import { expandSweep } from '../../../src/analysis/sweep/expand';
import type { RunOptions, TaskPool } from '../../../src/analysis/sweep/pool';
import type { ScanTask } from '../../../src/analysis/sweep/scan-task';
import type { ScannedTrace } from '../../../src/analysis/sweep/trace-cache';
import type { SimTask } from '../../../src/analysis/sweep/sim-task';
import { sweep } from '../../../src/analysis/sweep';

const SPEC = { traces: [{ workload: 'rodinia-hotspot' }, { workload: 'rodinia-bfs' }], systems: ['gmem-linux', 'gmem-paper'], profiles: ['a100-pcie4'], oversub: [1.5, 2] };

/** A pool that records what it is asked to run and runs it in this thread with the given runner. */
function recordingPool(): { pool: TaskPool; runs: Array<{ module?: string; tasks: unknown[] }> } {
  const runs: Array<{ module?: string; tasks: unknown[] }> = [];
  const pool: TaskPool = {
    async run<T, R>(tasks: readonly T[], opts: RunOptions<R>) {
      runs.push({ ...(opts.module !== undefined ? { module: opts.module } : {}), tasks: [...tasks] });
      for (let i = 0; i < tasks.length; i++) {
        const r = (await opts.runner!(tasks[i], { signal: new AbortController().signal, onProgress: () => {} })) as ScannedTrace;
        // mark the scan, to see that prepare uses the pool's result rather than reading the trace again
        opts.onDone(i, { ...r, scan: { ...r.scan, digest: `from-pool-${i}` } } as R);
      }
    },
    close: async () => {},
  };
  return { pool, runs };
}

test('with several threads, distinct traces are prepared as one batch of scan tasks on the pool, each once, and the runs use those scans', async () => {
  const points = expandSweep(SPEC);
  const { pool, runs } = recordingPool();
  const prepared = await simBackend.prepare(points, { workers: 2, pool });
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.module, join(__dirname, '..', '..', '..', 'src', 'analysis', 'sweep', 'scan-task.ts'));
  assert.deepEqual((runs[0]!.tasks as ScanTask[]).map((t) => (t.source as { workload?: string }).workload).sort(), ['rodinia-bfs', 'rodinia-hotspot'], 'one scan task per distinct trace');
  assert.equal(prepared.length, 8);
  const digests = new Set(prepared.map((p) => (p.task as SimTask).scan.digest));
  assert.deepEqual([...digests].sort(), ['from-pool-0', 'from-pool-1']);
  for (const p of prepared) assert.equal(p.cost, (p.task as SimTask).scan.events, 'a run costs its trace events');
  assert.deepEqual(prepared.map((p) => p.costClass), points.map((p) => p.system), "a run's cost class is its system item");
});

test('one thread (or one trace): no scan batch, the traces are read in this thread as before', async () => {
  const { pool, runs } = recordingPool();
  await simBackend.prepare(expandSweep(SPEC), { workers: 1, pool });
  await simBackend.prepare(expandSweep({ ...SPEC, traces: [{ workload: 'rodinia-hotspot' }] }), { workers: 2, pool });
  assert.equal(runs.length, 0);
});

test('a sweep of two traces on 2 threads gives the table of 1 thread', async () => {
  const one = await sweep(SPEC, { workers: 1 });
  const two = await sweep(SPEC, { workers: 2 });
  assert.equal(two.simulated, 8);
  assert.deepEqual(two.table.objects(), one.table.objects());
});
