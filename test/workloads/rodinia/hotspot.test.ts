import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hotspotProgram, HOTSPOT_CONST, type HotspotProbe } from '../../../src/workloads/rodinia/hotspot';
import { maxRelError, runProgram } from './helpers';

/**
 * Reference: the plain explicit update of Rodinia's CPU hotspot, written out directly — every cell
 * t' = t + step/Cap · (p + (tS + tN − 2t)/Ry + (tE + tW − 2t)/Rx + (amb − t)/Rz), neighbours beyond the
 * chip edge replaced by the cell itself, all cells from the previous step (double precision).
 */
function referenceHotspot(side: number, temp: Float32Array, power: Float32Array, steps: number): Float64Array {
  const c = HOTSPOT_CONST;
  const gh = c.chipHeight / side;
  const gw = c.chipWidth / side;
  const cap = c.factorChip * c.specHeatSi * c.tChip * gw * gh;
  const rx = gw / (2 * c.kSi * c.tChip * gh);
  const ry = gh / (2 * c.kSi * c.tChip * gw);
  const rz = c.tChip / (c.kSi * gh * gw);
  const step = c.precision / (c.maxPd / (c.factorChip * c.tChip * c.specHeatSi));
  let cur = Float64Array.from(temp);
  let next = new Float64Array(cur.length);
  for (let s = 0; s < steps; s++) {
    for (let r = 0; r < side; r++) {
      for (let q = 0; q < side; q++) {
        const at = (rr: number, qq: number): number => cur[Math.min(side - 1, Math.max(0, rr)) * side + Math.min(side - 1, Math.max(0, qq))]!;
        const t = at(r, q);
        next[r * side + q] =
          t + (step / cap) * (power[r * side + q]! + (at(r + 1, q) + at(r - 1, q) - 2 * t) / ry + (at(r, q + 1) + at(r, q - 1) - 2 * t) / rx + (c.ambTemp - t) / rz);
      }
    }
    [cur, next] = [next, cur];
  }
  return cur;
}

for (const [iterations, pyramidHeight] of [[5, 2], [3, 3], [4, 1]] as const) {
  test(`hotspot kernel (${iterations} steps, pyramid ${pyramidHeight}) matches the plain stencil`, () => {
    const probe: HotspotProbe = {};
    runProgram((run, p, rng) => hotspotProgram(run, p, rng, probe), { scale: 0.25, iterations, pyramidHeight });
    const ref = referenceHotspot(probe.side!, probe.temp!, probe.power!, iterations);
    assert.ok(maxRelError(probe.result!, ref) < 1e-5, `max relative error ${maxRelError(probe.result!, ref)}`);
    // the simulation moved: the result differs from the input by more than rounding
    assert.ok(maxRelError(probe.temp!, ref) > 1e-4);
  });
}
