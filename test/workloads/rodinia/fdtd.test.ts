import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdtdProgram, type FdtdProbe } from '../../../src/workloads/rodinia/fdtd';
import { maxAbsError, runProgram } from './helpers';

/** Reference: PolyBench's sequential fdtd-2d loops (runFdtd), in double precision. */
function referenceFdtd(nx: number, ny: number, tmax: number, fict: Float32Array, ex0: Float32Array, ey0: Float32Array, hz0: Float32Array) {
  const ex = Float64Array.from(ex0);
  const ey = Float64Array.from(ey0);
  const hz = Float64Array.from(hz0);
  for (let t = 0; t < tmax; t++) {
    for (let j = 0; j < ny; j++) ey[j] = fict[t]!;
    for (let i = 1; i < nx; i++) for (let j = 0; j < ny; j++) ey[i * ny + j] = ey[i * ny + j]! - 0.5 * (hz[i * ny + j]! - hz[(i - 1) * ny + j]!);
    for (let i = 0; i < nx; i++) for (let j = 1; j < ny; j++) ex[i * (ny + 1) + j] = ex[i * (ny + 1) + j]! - 0.5 * (hz[i * ny + j]! - hz[i * ny + j - 1]!);
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        hz[i * ny + j] = hz[i * ny + j]! - 0.7 * (ex[i * (ny + 1) + j + 1]! - ex[i * (ny + 1) + j]! + ey[(i + 1) * ny + j]! - ey[i * ny + j]!);
      }
    }
  }
  return { ex, ey, hz };
}

test('fdtd-2d kernels match the sequential PolyBench loops', () => {
  const probe: FdtdProbe = {};
  runProgram((run, p, rng) => fdtdProgram(run, p, rng, probe), { scale: 0.25, steps: 5 });
  const ref = referenceFdtd(probe.nx!, probe.ny!, 5, probe.fict!, probe.ex0!, probe.ey0!, probe.hz0!);
  assert.ok(maxAbsError(probe.ex!, ref.ex) < 1e-4, `ex error ${maxAbsError(probe.ex!, ref.ex)}`);
  assert.ok(maxAbsError(probe.ey!, ref.ey) < 1e-4, `ey error ${maxAbsError(probe.ey!, ref.ey)}`);
  assert.ok(maxAbsError(probe.hz!, ref.hz) < 1e-4, `hz error ${maxAbsError(probe.hz!, ref.hz)}`);
  assert.ok(maxAbsError(probe.hz0!, ref.hz) > 0.1, 'the fields evolved');
});
