import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsToBatches } from '../../src/trace/batch';
import { collectBatches, memoryTrace } from '../../src/trace/trace';
import { withMapPageBytes } from '../../src/trace/page-size-rewrite';
import { KiB, MiB } from '../../src/units';

const source = memoryTrace(
  'game.csv',
  eventsToBatches([
    { op: 'reserve', tNs: 0, agent: 'dev0', va: 0, bytes: 64 * MiB },
    { op: 'map', tNs: 1, agent: 'dev0', va: 0, bytes: 64 * KiB, flags: ['null'], pageBytes: 64 * KiB },
    { op: 'map', tNs: 2, agent: 'dev0', va: 2 * MiB, bytes: 2 * MiB, flags: ['null'], pageBytes: 2 * MiB },
    { op: 'map', tNs: 3, agent: 'dev0', va: 8 * MiB, bytes: 4 * KiB, flags: ['null'] },
  ]),
  { workload: 'game-remap' },
);

test('only the selected map rows get the new page size; the source batches are not modified', async () => {
  const { batches } = await collectBatches(withMapPageBytes(source, { from: 64 * KiB, to: 4 * KiB }));
  assert.deepEqual(Array.from(batches[0]!.pageBytes), [NaN, 4096, 2 * MiB, NaN]);
  const { batches: orig } = await collectBatches(source);
  assert.deepEqual(Array.from(orig[0]!.pageBytes), [NaN, 64 * KiB, 2 * MiB, NaN]);
});

test('without from, every map row (with or without a page size) is rewritten; metadata and strings pass through; the name says so', async () => {
  const t = withMapPageBytes(source, { to: 2 * MiB });
  assert.equal(t.name, 'game.csv (map pages 2 MiB)');
  const r = t.read();
  const batches = [];
  for await (const b of r) batches.push(b);
  assert.deepEqual(Array.from(batches[0]!.pageBytes), [NaN, 2 * MiB, 2 * MiB, 2 * MiB]);
  assert.equal(r.meta.workload, 'game-remap');
  assert.equal(withMapPageBytes(source, { from: 64 * KiB, to: 4 * KiB }).name, 'game.csv (map pages 4 KiB instead of 64 KiB)');
  assert.throws(() => withMapPageBytes(source, { to: 3000 }), /power of two/);
});
