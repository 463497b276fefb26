import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sradProgram, type SradProbe } from '../../../src/workloads/rodinia/srad';
import { maxRelError, runProgram } from './helpers';

/** Reference: Rodinia's CPU srad_v2 (srad.cpp) — clamped neighbour indices, two passes per iteration. */
function referenceSrad(side: number, j0: Float32Array, iterations: number, lambda: number): Float64Array {
  const rows = side;
  const cols = side;
  const J = Float64Array.from(j0);
  const n = rows * cols;
  const c = new Float64Array(n);
  const dN = new Float64Array(n);
  const dS = new Float64Array(n);
  const dW = new Float64Array(n);
  const dE = new Float64Array(n);
  const iN = (i: number) => Math.max(0, i - 1);
  const iS = (i: number) => Math.min(rows - 1, i + 1);
  const jW = (j: number) => Math.max(0, j - 1);
  const jE = (j: number) => Math.min(cols - 1, j + 1);
  for (let it = 0; it < iterations; it++) {
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i <= 127; i++) for (let j = 0; j <= 127; j++) (sum += J[i * cols + j]!), (sum2 += J[i * cols + j]! ** 2);
    const mean = sum / (128 * 128);
    const q0sqr = (sum2 / (128 * 128) - mean * mean) / (mean * mean);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const k = i * cols + j;
        const jc = J[k]!;
        dN[k] = J[iN(i) * cols + j]! - jc;
        dS[k] = J[iS(i) * cols + j]! - jc;
        dW[k] = J[i * cols + jW(j)]! - jc;
        dE[k] = J[i * cols + jE(j)]! - jc;
        const g2 = (dN[k]! ** 2 + dS[k]! ** 2 + dW[k]! ** 2 + dE[k]! ** 2) / (jc * jc);
        const l = (dN[k]! + dS[k]! + dW[k]! + dE[k]!) / jc;
        const num = 0.5 * g2 - (1 / 16) * l * l;
        const den = 1 + 0.25 * l;
        const qsqr = num / (den * den);
        c[k] = Math.min(1, Math.max(0, 1 / (1 + (qsqr - q0sqr) / (q0sqr * (1 + q0sqr)))));
      }
    }
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const k = i * cols + j;
        const d = c[k]! * dN[k]! + c[iS(i) * cols + j]! * dS[k]! + c[k]! * dW[k]! + c[i * cols + jE(j)]! * dE[k]!;
        J[k] = J[k]! + 0.25 * lambda * d;
      }
    }
  }
  return J;
}

test('srad kernels match the sequential srad_v2 loops', () => {
  const probe: SradProbe = {};
  runProgram((run, p, rng) => sradProgram(run, p, rng, probe), { scale: 0.5, iterations: 3, lambda: 0.5 });
  const ref = referenceSrad(probe.side!, probe.j0!, 3, 0.5);
  assert.ok(maxRelError(probe.j!, ref) < 1e-4, `max relative error ${maxRelError(probe.j!, ref)}`);
  assert.ok(maxRelError(probe.j0!, ref) > 1e-2, 'the image changed');
});
