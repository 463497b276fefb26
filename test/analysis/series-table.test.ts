import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenSummary, seriesTable, simSeriesTable, summaryRows } from '../../src/analysis/series-table';
import { result, seriesOf } from './fixtures';
import { compare } from '../../src/run/run';
import { formatResults } from '../../src/analysis/format-results';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { MiB } from '../../src/units';

test('seriesTable has one row per sample per run with rates per simulated second over each interval', () => {
  // samples at 0, 1 ms, 3 ms with 0, 10, 30 device faults: rates null (Δt = 0), 10 000/s, 10 000/s
  const a = result({ system: 'uvm', times: { compute: 3e6 } }, seriesOf([[0, 0, 0, 0, 0], [1e6, 10, 4096, 2, 100], [3e6, 30, 3 * 4096, 2, 200]]));
  const b = result({ system: 'gmem-linux', times: { compute: 2e6 } }, seriesOf([[2e6, 4, 0, 8, 0]]));
  const t = seriesTable([a, b]);
  assert.equal(t.numRows(), 4);
  const rows = t.objects() as Record<string, unknown>[];
  assert.deepEqual(rows.map((r) => r.run), [0, 0, 0, 1]);
  assert.deepEqual(rows.map((r) => r.sample), [0, 1, 2, 0]);
  assert.deepEqual(rows.map((r) => r.deviceFaultsPerS), [null, 10_000, 10_000, 2_000]);
  assert.deepEqual(rows.map((r) => r.bytesH2DPerS), [null, 4096e3, 4096e3, 0]);
  assert.deepEqual(rows.map((r) => r.mapOpsPerS), [null, 2000, 0, 4000]);
  assert.deepEqual(rows.map((r) => r.dtNs), [0, 1e6, 2e6, 2e6]);
  assert.equal(rows[3]!.system, 'gmem-linux');
  assert.equal(rows[2]!.residentBytes, 200);
});

test('seriesTable copies requested run columns onto every sample', () => {
  const a = result({ system: 'uvm', params: { prefetch: 'none' }, times: { compute: 1 } });
  const t = seriesTable([a], { columns: ['params.prefetch'] });
  assert.deepEqual(t.array('params.prefetch'), ['none', 'none']);
});

test('migrationSizeTable lists each run\'s histogram buckets per direction', async () => {
  const { migrationSizeTable } = await import('../../src/analysis/migration-table');
  const a = { ...result({ system: 'uvm', times: { compute: 1 } }), migrationSizes: { h2d: [{ bytes: 4096, migrations: 7 }, { bytes: 65536, migrations: 2 }], d2h: [{ bytes: 2 ** 21, migrations: 1 }] } };
  const b = result({ system: 'gmem-linux', times: { compute: 1 } }); // no histogram
  const t = migrationSizeTable([a, b]);
  assert.deepEqual(t.select('system', 'direction', 'sizeBytes', 'count').objects(), [
    { system: 'uvm', direction: 'H2D', sizeBytes: 4096, count: 7 },
    { system: 'uvm', direction: 'H2D', sizeBytes: 65536, count: 2 },
    { system: 'uvm', direction: 'D2H', sizeBytes: 2 ** 21, count: 1 },
  ]);
  assert.equal(migrationSizeTable([a], { directions: ['D2H'] }).numRows(), 1);
});

const ev: TraceEvent[] = [{ op: 'alloc', tNs: 0, va: 64 * MiB, bytes: 16 * MiB, flags: ['managed'] }];
for (let i = 0; i < 200; i++) ev.push({ op: 'access', tNs: 1000 * (i + 1), agent: i % 3 ? 'dev0' : 'cpu', va: 64 * MiB + (i % 8) * 2 * MiB, bytes: 64, access: 'w' });

test('simSeriesTable: one row per (run, sample) with derived per-interval columns; summaryRows flatten params and extra', async () => {
  const results = await compare(memoryTrace('s', eventsToBatches(ev)), { systems: ['gmem-linux', 'gmem-paper'], profile: 'rtx4090' });
  const t = simSeriesTable(results);
  assert.equal(t.numRows(), results[0]!.series.tNs.length + results[1]!.series.tNs.length);
  for (const c of ['system', 'tNs', 'residentBytes', 'faultsPerMs', 'h2dBytes', 'd2hBytes']) assert.ok(t.columnNames().includes(c), c);
  const h2d = t.filter((d: { system: string }) => d.system === 'gmem-linux').array('h2dBytes') as number[];
  assert.equal(h2d.reduce((a, b) => a + b, 0), results[0]!.summary.bytesH2D);
  const rows = summaryRows(results);
  assert.equal(rows[1]!['params.unitBytes'], 4096);
  assert.ok('extra.crossDeviceMigrations' in rows[0]!);
  assert.deepEqual(flattenSummary({ a: 1, b: { c: 2 } }), { a: 1, 'b.c': 2 });
  // csv and json agree on the counters
  const json = JSON.parse(formatResults(results, 'json')) as Array<Record<string, number>>;
  const csv = formatResults(results, 'csv').trim().split('\n');
  const header = csv[0]!.split(',');
  const col = header.indexOf('deviceFaults');
  assert.equal(Number(csv[1]!.split(',')[col]), json[0]!.deviceFaults);
});
