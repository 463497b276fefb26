import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../src/run/run';
import { formatResults } from '../../src/analysis/format-results';
import { flattenSummary, seriesTable, summaryRows } from '../../src/sim/series-table';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { MiB } from '../../src/units';

const ev: TraceEvent[] = [{ op: 'alloc', tNs: 0, va: 64 * MiB, bytes: 16 * MiB, flags: ['managed'] }];
for (let i = 0; i < 200; i++) ev.push({ op: 'access', tNs: 1000 * (i + 1), agent: i % 3 ? 'dev0' : 'cpu', va: 64 * MiB + (i % 8) * 2 * MiB, bytes: 64, access: 'w' });

test('seriesTable: one row per (run, sample) with derived per-interval columns; summaryRows flatten params and extra', async () => {
  const results = await compare(memoryTrace('s', eventsToBatches(ev)), { systems: ['gmem-linux', 'gmem-paper'], profile: 'rtx4090' });
  const t = seriesTable(results);
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
