import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultInstanceTrace } from '../../../src/analysis/default-trace';
import { FigureContext } from '../../../src/figures/context';
import { IRREGULAR_PARAMS } from '../../../src/figures/debate/inputs';
import { TouchedPages } from '../../../src/run/touched-pages';
import { summarizeTrace } from '../../../src/trace/summary';
import { GiB, MiB } from '../../../src/units';

/**
 * The size rule of docs/workloads.md ("Sizes", issue 15) for the debate's capacity experiments (core-mm-oversub,
 * huge-pages-must, src/figures/debate/inputs.ts): outside the quick test scale every input is at least 1 GiB, so the
 * smallest device they use (the footprint at 150 %) holds at least 256 units of 2 MiB. (ml-train's committed
 * instance, the third input, is checked with the default instances: test/workloads/defaults.test.ts.)
 */
const MIN_DEVICE_BYTES = 256 * 2 * MiB;

test('the dense input at default scale is the committed paper-sized pathfinder, read whole into memory: same events, same digest', async () => {
  const ctx = new FigureContext({ scale: 'default' });
  const t = await ctx.defaultInstance('rodinia-pathfinder');
  assert.ok(t.pageFootprintBytes >= GiB, `footprint ${t.pageFootprintBytes} B`);
  assert.ok(t.pageFootprintBytes / 1.5 >= MIN_DEVICE_BYTES, 'at 150 % the device still holds 256 units of 2 MiB');
  assert.equal(t.workload, 'rodinia-pathfinder');
  assert.equal(t.params.scale, 42, "the committed instance's parameters");
  const [kept, source] = await Promise.all([summarizeTrace(t.trace), defaultInstanceTrace('rodinia-pathfinder').then(summarizeTrace)]);
  assert.equal(kept.digest, source.digest, 'every batch kept intact (no reused buffers)');
  assert.equal(kept.events, source.events);
  assert.equal(await ctx.defaultInstance('rodinia-pathfinder'), t, 'read once per context');
});

test('the irregular input at default scale: 1 GiB of uniformly random 4 KiB pages, ~98 % of them touched (1 - e^-4)', async () => {
  const ctx = new FigureContext({ scale: 'default' });
  const t = await ctx.workload('synthetic-access', IRREGULAR_PARAMS.default, 0);
  assert.equal(t.pageFootprintBytes, GiB);
  assert.ok(t.pageFootprintBytes / 1.5 >= MIN_DEVICE_BYTES);
  const touched = new TouchedPages();
  for await (const b of t.trace.read()) touched.update(b);
  const pages = GiB / 4096;
  const expected = pages * (1 - Math.exp(-(1 << 20) / pages));
  assert.ok(Math.abs(touched.pages - expected) < 0.01 * pages, `${touched.pages} touched pages, expected ~${Math.round(expected)}`);
});

test('the full scale is larger still, and only the quick scale is below the size rule', () => {
  for (const scale of ['default', 'full'] as const) {
    assert.ok(Number(IRREGULAR_PARAMS[scale].footprintBytes) >= GiB, scale);
    assert.ok(Number(IRREGULAR_PARAMS[scale].events) * 4096 >= Number(IRREGULAR_PARAMS[scale].footprintBytes) * 4, `${scale}: about 4 draws per page`);
  }
  assert.ok(Number(IRREGULAR_PARAMS.full.footprintBytes) > Number(IRREGULAR_PARAMS.default.footprintBytes));
  assert.ok(Number(IRREGULAR_PARAMS.quick.footprintBytes) < GiB, 'quick stays small (tests)');
});
