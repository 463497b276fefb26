import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityForLevel, computeFigures } from '../../src/figures/index';
import { FigureContext } from '../../src/figures/context';
import { MEASURED_BUDGET_FRACTION, MEASURED_FOOTPRINT_BYTES, measuredSetupCapacityBytes, REAL_SCALE } from '../../src/figures/real-oversub';

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

test('real-oversub: uvm gets the whole 2 MiB frames the measured runs\' 2 MiB-rounded ballast left, plus the page tables\' kernel chunk', () => {
  // free 11,544,297,472 B = 5,504 × 2 MiB + 1.5 MiB; ballast = free − budget, padded to 2 MiB frames; capacity = (user chunks + 1) × 2 MiB
  const MiB2 = 2 * 2 ** 20;
  // bfs 100 %: ballast 11,534,073,856 = 5,499.875 frames → 5,500; 5,504 − 5,500 = 4 user chunks (the footprint is 4.875)
  assert.equal(measuredSetupCapacityBytes(10_223_616), 5 * MiB2);
  // bfs 125 %: 8,178,892 → ballast 5,500.85 frames → 5,501 → 3; bfs 150 %: 6,815,744 → 5,501.5 → 5,502 → 2
  assert.equal(measuredSetupCapacityBytes(8_178_892), 4 * MiB2);
  assert.equal(measuredSetupCapacityBytes(6_815_744), 3 * MiB2);
  // hotspot 125 % (0.75 of 12 MiB = 9 MiB) and 150 % (8 MiB): ballast 5,500.25 and 5,500.75 frames → 5,501 both → 3 user chunks
  assert.equal(measuredSetupCapacityBytes(9_437_184), 4 * MiB2);
  assert.equal(measuredSetupCapacityBytes(8_388_608), 4 * MiB2);
  // hotspot 100 %: 12 MiB → ballast 5,498.75 → 5,499 → 5 user chunks for six 2 MiB blocks: the 100 % run evicts, as measured
  assert.equal(measuredSetupCapacityBytes(12_582_912), 6 * MiB2);
  // nw 150 %: 5,679,786 → 5,502.04 → 5,503 → 1; a budget under one frame still gets one user chunk (nothing runs with none)
  assert.equal(measuredSetupCapacityBytes(5_679_786), 2 * MiB2);
  assert.equal(measuredSetupCapacityBytes(2 ** 20), 2 * MiB2);
  // the logged budgets: footprint / 1.25 and / 1.5, hotspot 0.75 at its 125 % label
  assert.equal(MEASURED_BUDGET_FRACTION.hotspot[1.25], 0.75);
  assert.ok(Math.abs(MEASURED_BUDGET_FRACTION.bfs[1.25] - 0.8) < 1e-6 && Math.abs(MEASURED_BUDGET_FRACTION.nw[1.5] - 2 / 3) < 1e-6);
});

test('real-oversub: each run\'s budget is its footprint × the measured fraction (100 % too), its capacity the measured setup\'s for that budget', async () => {
  const out = await computeFigures({ scale: 'quick', only: ['gtx1080ti-real-oversub'] });
  const f = out.figures[0]!;
  for (const app of ['bfs', 'nw', 'hotspot', 'fdtd', 'backprop'] as const) {
    const row = (level: number): Record<string, unknown> => f.data.find((d) => d.app === app && d.level === level)!;
    const footprint = Number(row(1).budgetBytes);
    assert.ok(footprint < 1 << 30, `${app}: the 100 % budget is the footprint (${footprint} B), not the device's 11 GiB`);
    for (const level of [1, 1.25, 1.5] as const) {
      const budget = level === 1 ? footprint : Math.floor(footprint * MEASURED_BUDGET_FRACTION[app][level]);
      assert.equal(row(level).budgetBytes, budget, `${app} ${level}`);
      assert.equal(row(level).capacityBytes, measuredSetupCapacityBytes(budget), `${app} ${level}`);
    }
  }
});

test('real-oversub: six root chunks of capacity hold five user chunks — the page tables take one (the figure adds that chunk to the measured setup\'s five)', async () => {
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
