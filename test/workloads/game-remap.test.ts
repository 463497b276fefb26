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

test('game-remap: a tile swap is one bind, a streamed-out texture one unbind of the whole image, and every tile upload a 64 KiB copy', async () => {
  const ev = batchesToEvents((await collectBatches(workloadTrace('game-remap', { seconds: 1, poolBytes: '64MiB' }))).batches);
  const L = textureLayout(8192);
  const unmaps = ev.filter((e) => e.op === 'unmap');
  // unbinds are whole images, zone buffers (8 MiB) or render targets (32 MiB) — never a single tile
  assert.ok(unmaps.every((e) => e.bytes === L.bytes || e.bytes === 8 * MiB || e.bytes === 32 * MiB), 'whole-image unbinds');
  assert.ok(unmaps.some((e) => e.bytes === L.bytes), 'some texture streams out');
  // no unmap + map pair at the same address and time: the swap is the map alone
  const key = (e: { tNs: number; va?: number }): string => `${e.tNs}:${e.va}`;
  const unmapKeys = new Set(unmaps.map(key));
  const tileBinds = ev.filter((e) => e.op === 'map' && e.bytes === 65536);
  assert.ok(tileBinds.length > 500);
  assert.equal(tileBinds.filter((e) => unmapKeys.has(key(e))).length, 0);
  // one asynchronous 64 KiB upload per tile bound to a pool slot, into that slot, in the same frame before the
  // frame's binds (which then form one uninterrupted sparse-bind call)
  const copies = ev.filter((e) => e.op === 'copy');
  const poolBinds = tileBinds.filter((e) => e.resource?.startsWith('pool'));
  assert.equal(copies.length, poolBinds.length);
  assert.ok(copies.every((e) => e.bytes === 65536 && e.agent === 'cpu' && e.target === 'dev0' && e.flags?.includes('async')));
  assert.deepEqual(copies.map((e) => e.tNs + 1000), poolBinds.map((e) => e.tNs), 'uploaded at the frame start, bound at its render submission');
  const chunk = 32 * MiB;
  const pools = ev.filter((e) => e.op === 'alloc' && e.resource?.startsWith('pool'));
  const slotAddr = (e: { resource?: string; offsetBytes?: number }): number => pools.find((a) => a.resource === e.resource)!.va! + e.offsetBytes!;
  assert.deepEqual(copies.map((e) => e.va), poolBinds.map(slotAddr));
  assert.ok(pools.every((a) => a.bytes === chunk));
  const seenBindAt = new Set<number>();
  for (const e of ev) {
    if (e.op === 'map' && e.resource?.startsWith('pool')) seenBindAt.add(e.tNs);
    if (e.op === 'copy') assert.ok(!seenBindAt.has(e.tNs), 'a frame uploads before its tile binds: no copy splits the bind call');
  }
});

test('game-remap: a frame\'s sparse binds go to the sparse-binding queue (flags=async) right after the frame\'s render submission', async () => {
  const ev = batchesToEvents((await collectBatches(workloadTrace('game-remap', { seconds: 0.25 }))).batches);
  const tEnd = Math.round((15 * 1e9) / 60);
  const frameOps = ev.filter((e) => (e.op === 'map' || e.op === 'unmap') && e.tNs > 0 && e.tNs < tEnd);
  assert.ok(frameOps.length > 100);
  assert.ok(frameOps.every((e) => e.flags?.includes('async')), 'every per-frame bind and unbind is queued');
  // each frame's call sits at its kernel_begin time (t + 1000 ns), after the kernel_begin row: frame f renders
  // with the binds of earlier calls, and the next kernel_begin is the semaphore wait for this one
  const kernelAt = new Map<number, number>();
  ev.forEach((e, i) => { if (e.op === 'kernelBegin') kernelAt.set(e.tNs, i); });
  ev.forEach((e, i) => {
    if (!frameOps.includes(e)) return;
    assert.ok(kernelAt.has(e.tNs) && kernelAt.get(e.tNs)! < i, `bind at ${e.tNs} follows its frame's kernel_begin`);
  });
  // set-up (t = 0) and tear-down binds stay synchronous
  assert.ok(ev.filter((e) => (e.op === 'map' || e.op === 'unmap') && (e.tNs === 0 || e.tNs === tEnd)).every((e) => !e.flags?.includes('async')));
});
