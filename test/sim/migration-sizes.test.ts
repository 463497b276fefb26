import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../src/sim/counters';
import { MigrationSizeRecorder, sizeBucketIndex } from '../../src/sim/migration-sizes';

test('sizes go to the smallest power-of-two bucket that holds them', () => {
  assert.equal(sizeBucketIndex(4096), 12);
  assert.equal(sizeBucketIndex(4097), 13);
  assert.equal(sizeBucketIndex(20.6e3), 15); // 20.6 KB → ≤ 32 KiB
  assert.equal(sizeBucketIndex(1), 0);
});

test('each new migration is counted at its size; several in one row at their average', () => {
  const c = new Counters();
  const r = new MigrationSizeRecorder();
  // row 1: one 2 MiB H2D migration
  c.migrationsH2D = 1;
  c.bytesH2D = 2 ** 21;
  r.observe(c);
  // row 2: no migration (observe is cheap and changes nothing)
  r.observe(c);
  // row 3: three H2D migrations of 4 KiB + 64 KiB + 60 KiB = 128 KiB → 3 at 42.67 KiB (bucket 64 KiB); one 4 KiB D2H
  c.migrationsH2D = 4;
  c.bytesH2D += 4096 + 65536 + 61440;
  c.migrationsD2H = 1;
  c.bytesD2H = 4096;
  r.observe(c);
  assert.deepEqual(r.result(), {
    h2d: [{ bytes: 65536, migrations: 3 }, { bytes: 2 ** 21, migrations: 1 }],
    d2h: [{ bytes: 4096, migrations: 1 }],
  });
});

test('a real run records every migration: gmem-linux moves 2 MiB units, gmem-paper 4 KiB pages', async () => {
  const { compare } = await import('../../src/run/run');
  const { workloadTrace } = await import('../../src/workloads/trace');
  // allocated basis: bfs touches ~2.5 of its 14 MiB, so half its touched footprint holds no 2 MiB unit (an OOM, no migration)
  const [linux, paper] = await compare(workloadTrace('rodinia-bfs'), { systems: ['gmem-linux', 'gmem-paper'], profile: 'a100-pcie4', oversub: 2, oversubBasis: 'allocated', debug: false });
  for (const [r, unit] of [[linux!, 2 ** 21], [paper!, 4096]] as const) {
    const ms = r.migrationSizes!;
    assert.deepEqual(ms.h2d.map((b) => b.bytes), [unit]);
    assert.equal(ms.h2d[0]!.migrations, r.summary.migrationsH2D);
    assert.equal(ms.d2h.reduce((n, b) => n + b.migrations, 0), r.summary.migrationsD2H);
  }
});
