import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityForLevel, computeFigures } from '../../src/figures/index';
import { FigureContext } from '../../src/figures/context';
import { MEASURED_FOOTPRINT_BYTES, REAL_SCALE } from '../../src/figures/real-oversub';

test('real-oversub: the default scale is the measured runs\' problem sizes — each generated footprint within 10 % of the log\'s "Total variable size"', async () => {
  // bfs graph256k = 2^16·4 nodes, needle 1024 = 512·2, hotspot 1024 = 512·2, fdtd NX = NY = 1200, backprop 131056 inputs
  assert.deepEqual(REAL_SCALE, { bfs: 4, nw: 2, hotspot: 2, fdtd: 1200 / 512, backprop: 131056 / 65536 });
  const ctx = new FigureContext({ scale: 'default' });
  for (const [app, scale] of Object.entries(REAL_SCALE)) {
    const t = await ctx.workload(`rodinia-${app}`, { scale }, 0);
    const measured = MEASURED_FOOTPRINT_BYTES[app as keyof typeof REAL_SCALE];
    assert.ok(Math.abs(t.pageFootprintBytes / measured - 1) <= 0.1, `${app}: ${t.pageFootprintBytes} vs ${measured}`);
  }
  // hotspot by hand: three 1024² float grids = 3 × 4 MiB, exactly the logged 12,582,912 B
  assert.equal((await ctx.workload('rodinia-hotspot', { scale: 2 }, 0)).pageFootprintBytes, 12_582_912);
});

test('real-oversub: the 100 % run is capped at the footprint too (every measured 100 % run evicts), 125/150 % at footprint / level', async () => {
  const out = await computeFigures({ scale: 'quick', only: ['gtx1080ti-real-oversub'] });
  const f = out.figures[0]!;
  for (const app of ['bfs', 'nw', 'hotspot', 'fdtd', 'backprop']) {
    const at = (level: number): number => Number(f.data.find((d) => d.app === app && d.level === level)!.capacityBytes);
    const footprint = at(1);
    assert.ok(footprint < 1 << 30, `${app}: the 100 % capacity is the footprint (${footprint} B), not the device's 11 GiB`);
    assert.equal(at(1.25), capacityForLevel(footprint, 1.25), app);
    assert.equal(at(1.5), capacityForLevel(footprint, 1.5), app);
  }
});

test('real-oversub: hotspot at its measured footprint evicts at 100 % because the page tables take one of its six root chunks', async () => {
  // three 4 MiB grids = six full 2 MiB blocks; capacity 12,582,912 B = six root chunks. The driver's page tables
  // (4 directories × 4 KiB + 4,352 B of PTE tables per block, < 2 MiB) take one kernel root chunk: five remain for six blocks,
  // so the 100 % run evicts, as the measured one does (42 MB D2H). With the tables in sysmem all six fit.
  const ctx = new FigureContext({ scale: 'default' });
  const t = await ctx.workload('rodinia-hotspot', { scale: 2 }, 0);
  const set = { 'device.memory.capacityBytes': capacityForLevel(t.pageFootprintBytes, 1) };
  assert.equal(set['device.memory.capacityBytes'], 12_582_912);
  const vid = await ctx.run(t, { system: 'uvm', profile: 'gtx1080ti-pcie3', set });
  assert.ok(vid.summary.evictions > 0, `evictions ${vid.summary.evictions}`);
  const sys = await ctx.run(t, { system: 'uvm:pageTableLocation=sys', profile: 'gtx1080ti-pcie3', set });
  assert.equal(sys.summary.evictions, 0);
});
