import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFigures } from '../../src/figures/index';

test('transfer figure: the atan rows are UVMSmart\'s formula with the speed in GiB/s (gpu-sim.cc get_ready_cycle divides by 1024^3)', async () => {
  const out = await computeFigures({ scale: 'quick', only: ['gtx1080ti-transfer'] });
  const f = out.figures[0]!;
  const at = (size: string) => f.rows.find((r) => r.group === 'atan model' && r.series === size)!;
  // by hand: speed(4 KB) = (24/π)·atan(0.07292·4) = 2.16808 GiB/s; 4096 B / (2.16808 · 2^30 B/s) = 1.7595 µs
  assert.ok(Math.abs(at('4 KiB').reproduced - 1.7595) < 5e-4, String(at('4 KiB').reproduced));
  assert.equal(at('4 KiB').pass, false, '1.76 vs 1.18 µs measured: the simulator\'s curve is too slow for 4 KiB');
  // speed(8 KB) = (24/π)·atan(0.58336) = 4.0343 GiB/s → 8192 / (4.0343 · 1.073741824) = 1.8911 µs, within 25 % of 1.57
  assert.ok(Math.abs(at('8 KiB').reproduced - 1.8911) < 5e-4, String(at('8 KiB').reproduced));
  assert.equal(at('8 KiB').pass, true);
  const atan = f.rows.filter((r) => r.group === 'atan model');
  assert.equal(atan.filter((r) => r.pass).length, 8, 'all but 4 KiB');
  assert.ok(atan.every((r) => r.calibration === ''), 'the atan rows are reproductions (UVMSmart\'s own a, b)');
});
