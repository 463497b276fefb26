import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openTrace } from '../../src/importers/open';
import { compare } from '../../src/run/run';
import { runStatus } from '../../src/sim/run-status';
import { PROJECT_ROOT } from '../../src/version';

test('status: oom when any OOM event, else error when a work-skipping error event, else ok', () => {
  assert.equal(runStatus({ oomEvents: 0, errorEvents: 0 }), 'ok');
  assert.equal(runStatus({ oomEvents: 2, errorEvents: 0 }), 'oom');
  assert.equal(runStatus({ oomEvents: 0, errorEvents: 1 }), 'error');
  assert.equal(runStatus({ oomEvents: 1, errorEvents: 5 }), 'oom', 'OOM wins');
});

test('an hmadvise that returns EINVAL is counted as an error event but leaves the run ok (every access is still served)', async () => {
  // the bundled foreign CSV advises ranges gmem-linux rejects (gmem.hmadvise-einval ×3)
  const trace = await openTrace(join(PROJECT_ROOT, 'traces/foreign-csv.csv'), { map: join(PROJECT_ROOT, 'datasets/maps/foreign-csv.map.json'), cache: false });
  const [g] = await compare(trace, { systems: ['gmem-linux'], profile: 'a100-pcie4', oversub: 1.5 });
  assert.equal(g!.resultEventCounts['hmadvise-error'], 3);
  assert.equal(g!.summary.errorEvents, 3);
  assert.equal(g!.summary.oomEvents, 0);
  assert.equal(g!.summary.status, 'ok');
});

test('a run whose accesses cannot get device memory is oom', async () => {
  const trace = await openTrace(join(PROJECT_ROOT, 'traces/rodinia-bfs.csv.gz'), { cache: false });
  // touched 2.44 MiB / 2 → 1.22 MiB: less than one 2 MiB gmem-linux unit
  const [g] = await compare(trace, { systems: ['gmem-linux'], profile: 'a100-pcie4', oversub: 2 });
  assert.ok(g!.summary.oomEvents > 0);
  assert.equal(g!.summary.status, 'oom');
});
