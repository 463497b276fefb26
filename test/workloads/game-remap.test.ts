import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents } from '../../src/trace/batch';
import { collectBatches } from '../../src/trace/trace';
import { GiB, MiB } from '../../src/units';
import { textureLayout } from '../../src/workloads/game-remap/layout';
import { workloadTrace } from '../../src/workloads/trace';

test('a texture layout has its mip levels in 64 KiB tiles plus one mip-tail tile', () => {
  const l = textureLayout(8192);
  assert.deepEqual(l.levelSide, [32, 16, 8, 4, 2, 1]);
  assert.deepEqual(l.levelFirst, [0, 1024, 1280, 1344, 1360, 1364]);
  assert.equal(l.tiles, 1366);
  assert.equal(l.bytes, 1366 * 65536);
});

test('game-remap: thousands of 64 KiB binds/unbinds per second in a 64 GiB reservation, with every PTE flag kind', async () => {
  const { batches } = await collectBatches(workloadTrace('game-remap', { seconds: 1 }));
  const ev = batchesToEvents(batches);
  const reserve = ev.filter((e) => e.op === 'reserve');
  assert.deepEqual(reserve.map((e) => e.bytes), [64 * GiB]);
  const maps = ev.filter((e) => e.op === 'map');
  const unmaps = ev.filter((e) => e.op === 'unmap');
  const perSecond = maps.length + unmaps.length; // 1 s of trace time
  assert.ok(perSecond >= 1000 && perSecond <= 20000, `${perSecond} map/unmap ops per second`);
  const tileBinds = maps.filter((e) => e.pageBytes === 65536 && e.bytes === 65536 && e.resource?.startsWith('pool'));
  assert.ok(tileBinds.length > 500, 'page-by-page binds at 64 KiB to pool tiles');
  assert.ok(maps.some((e) => e.pageBytes === 2 * MiB && e.flags?.includes('readonly')), 'read-only 2 MiB geometry binds');
  assert.ok(maps.some((e) => e.flags?.includes('null') && e.resource === undefined), 'NULL binds (partially resident)');
  assert.ok(tileBinds.some((e) => e.flags?.includes('compressed')), 'compressed tile binds');
  assert.ok(maps.some((e) => e.flags?.includes('aliased')), 'aliased binds');
  for (const e of tileBinds) assert.equal(e.offsetBytes! % 65536, 0);
  // Frames: one marker and one frame kernel per frame, with GPU accesses inside the kernel.
  assert.equal(ev.filter((e) => e.op === 'marker' && e.label === 'frame').length, 60);
  assert.equal(ev.filter((e) => e.op === 'kernelBegin').length, 60);
  assert.ok(ev.filter((e) => e.op === 'access' && e.agent === 'dev0').length > 60 * 10);
  // Backing objects are device allocations with resource ids.
  assert.ok(ev.filter((e) => e.op === 'alloc').every((e) => e.flags?.includes('device') && e.resource));
});

test('game-remap: evictions happen when the tile pool is small, and the bind rate follows the camera speed', async () => {
  const count = async (set: Record<string, string | number>) => {
    const ev = batchesToEvents((await collectBatches(workloadTrace('game-remap', { seconds: 0.5, ...set }))).batches);
    return { nullRebinds: ev.filter((e) => e.op === 'map' && e.bytes === 65536 && e.flags?.includes('null')).length, ops: ev.filter((e) => e.op === 'map' || e.op === 'unmap').length };
  };
  const small = await count({ poolBytes: '64MiB' });
  const big = await count({ poolBytes: '1GiB' });
  assert.ok(small.nullRebinds > 0, 'an evicted tile is re-bound to NULL');
  assert.equal(big.nullRebinds, 0, 'no evictions with a large pool');
  const slow = await count({ cameraSpeed: 10 });
  const fast = await count({ cameraSpeed: 120 });
  assert.ok(fast.ops > slow.ops, `${fast.ops} vs ${slow.ops}`);
});
