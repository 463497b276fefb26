import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents, type EventBatch } from '../../../src/trace/batch';
import { DeviceRun } from '../../../src/workloads/rodinia/device-run';
import { RODINIA_COMMON_DEFAULTS, scaled } from '../../../src/workloads/rodinia/define';

test('a wave is SMs × resident blocks per SM (2,048 threads and 32 blocks per SM)', () => {
  const run = new DeviceRun({ ...RODINIA_COMMON_DEFAULTS, sms: 28 });
  assert.equal(run.waveBlocks(256), 224);
  assert.equal(run.waveBlocks(512), 112);
  assert.equal(run.waveBlocks(16), 28 * 32);
  assert.equal(run.waveBlocks(4096), 28);
});

test('kernel dur_ns is the larger of compute time and memory time', () => {
  const run = new DeviceRun({ ...RODINIA_COMMON_DEFAULTS, deviceGflops: 1000, deviceGBps: 100 });
  assert.equal(run.durationNs({ flops: 5e6, bytes: 1e5 }), 5000);
  assert.equal(run.durationNs({ flops: 5e3, bytes: 1e6 }), 10000);
});

test('a launch records one step per wave, stamped evenly inside [begin, begin + dur]', () => {
  const p = { ...RODINIA_COMMON_DEFAULTS, sms: 1, hostGBps: 1 }; // wave = 8 blocks of 256 threads
  const run = new DeviceRun(p);
  const a = run.managed('x', 20 * 1024, 4); // 20 pages of 1,024 floats
  run.cpuWrite(a); // 80 KiB at 1 GB/s → 81,920 ns
  const batches: EventBatch[] = [];
  for (const b of run.launch('k', 20, 1, 256, { flops: 0, bytes: 484 * 3000 }, (bx) => run.rec.w(a.id, bx * 1024))) batches.push(b);
  for (const b of run.finish()) batches.push(b);
  const ev = batchesToEvents(batches);
  assert.deepEqual(ev.filter((e) => e.op === 'access' && e.agent === 'cpu').map((e) => e.count), Array(20).fill(1024));
  const begin = ev.find((e) => e.op === 'kernelBegin')!;
  assert.equal(begin.tNs, 81920);
  assert.equal(begin.durNs, 3000);
  const dev = ev.filter((e) => e.op === 'access' && e.agent === 'dev0');
  assert.equal(dev.length, 20);
  // ceil(20 / 8) = 3 steps at begin + ⌊3000·s/3⌋
  assert.deepEqual([...new Set(dev.map((e) => e.tNs))], [81920, 82920, 83920]);
  assert.equal(ev.find((e) => e.op === 'kernelEnd')!.tNs, 84920);
  assert.deepEqual(ev.at(-1), { op: 'free', tNs: 84920, agent: 'cpu', va: a.va, bytes: 80 * 1024 });
});

test('scaled dimensions round to the tile size and never vanish', () => {
  assert.equal(scaled(512, 1, 16), 512);
  assert.equal(scaled(512, 0.25, 16), 128);
  assert.equal(scaled(512, 0.3, 16), 160);
  assert.equal(scaled(512, 1 / 64, 16), 16);
});

test('allocSizing=uvmsmart: each cudaMallocManaged is whole 2 MiB pieces plus the rest rounded up to a power of two ≥ 64 KiB', async () => {
  const { uvmsmartAllocBytes } = await import('../../../src/workloads/rodinia/device-run');
  const MiB = 1024 * 1024;
  assert.equal(uvmsmartAllocBytes(1200 * 1201 * 4), 6 * MiB); // fdtd ex at 1200²: 5.5 MiB → 2 + 2 + 2
  assert.equal(uvmsmartAllocBytes(5 * 4), 64 * 1024); // fdtd _fict_ (tmax = 5 floats)
  assert.equal(uvmsmartAllocBytes(4 * MiB), 4 * MiB); // hotspot 1024² floats
  assert.equal(uvmsmartAllocBytes(2 * MiB + 1), 2 * MiB + 64 * 1024);
  assert.equal(uvmsmartAllocBytes(2 * MiB + 100 * 1024), 2 * MiB + 128 * 1024);
  const run = new DeviceRun({ ...RODINIA_COMMON_DEFAULTS, allocSizing: 'uvmsmart' });
  const a = run.managed('x', 300 * 1024, 4); // 1.17 MiB → 2 MiB (power of two ≥ the remainder)
  run.cpuWrite(a);
  const ev = batchesToEvents([...run.finish()]);
  assert.equal(ev.find((e) => e.op === 'alloc')!.bytes, 2 * MiB);
  assert.equal(ev.find((e) => e.op === 'free')!.bytes, 2 * MiB);
  const rows = ev.filter((e) => e.op === 'access');
  assert.equal(rows.reduce((s, e) => s + e.bytes!, 0), 300 * 1024 * 4, 'rows cover the data only');
});
