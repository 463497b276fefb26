import type { EventBatch } from '../../trace/batch';
import type { Rng } from '../../sim/rng';
import { intIn } from '../params';
import type { DeviceRun, RodiniaCommon } from './device-run';
import { rodiniaWorkload, scaled } from './define';

/**
 * `fdtd-2d` of PolyBench/GPU (the "fdtd" of the UVMSmart study): 2-D finite-difference time-domain
 * Maxwell solver. Per time step three kernels over 32 × 8 thread blocks (one thread per cell):
 * `fdtd_step1` updates `ey` from `hz` (row 0 from the source `_fict_[t]`), `fdtd_step2` updates `ex` from
 * `hz`, `fdtd_step3` updates `hz` from `ex` and `ey` — each a regular stencil sweep of whole arrays.
 * Shapes: ex is NX × (NY+1), ey is (NX+1) × NY, hz is NX × NY (floats).
 */
export type FdtdParams = {
  steps: number;
};

/** NX = NY = 512 · scale, rounded to a multiple of 16 (scale 4 = PolyBench's 2048). */
export function fdtdSide(scale: number): number {
  return scaled(512, scale, 16);
}

/** Inputs and outputs of one run, for tests that check the kernels against a reference. */
export interface FdtdProbe {
  nx?: number;
  ny?: number;
  fict?: Float32Array;
  ex0?: Float32Array;
  ey0?: Float32Array;
  hz0?: Float32Array;
  ex?: Float32Array;
  ey?: Float32Array;
  hz?: Float32Array;
}

const BX = 32; // DIM_THREAD_BLOCK_X
const BY = 8; // DIM_THREAD_BLOCK_Y

/** Run fdtd-2d on `run` (three kernels per time step), filling `probe`. */
export function* fdtdProgram(
  run: DeviceRun, p: Readonly<FdtdParams & RodiniaCommon>, rng: Rng, probe: FdtdProbe = {},
): Generator<EventBatch, void, undefined> {
  const NX = fdtdSide(p.scale);
  const NY = NX;
  const tmax = p.steps;
  // Inputs: a source waveform and seeded random initial fields.
  const fict = new Float32Array(tmax);
  for (let t = 0; t < tmax; t++) fict[t] = Math.sin(t / 4);
  const ex = new Float32Array(NX * (NY + 1));
  const ey = new Float32Array((NX + 1) * NY);
  const hz = new Float32Array(NX * NY);
  for (const a of [ex, ey, hz]) for (let i = 0; i < a.length; i++) a[i] = rng.next() - 0.5;
  Object.assign(probe, { nx: NX, ny: NY, fict: fict.slice(), ex0: ex.slice(), ey0: ey.slice(), hz0: hz.slice() });

  const aFict = run.managed('_fict_', tmax, 4);
  const aEx = run.managed('ex', ex.length, 4);
  const aEy = run.managed('ey', ey.length, 4);
  const aHz = run.managed('hz', hz.length, 4);
  for (const a of [aFict, aEx, aEy, aHz]) run.cpuWrite(a);

  const rec = run.rec;
  const gx = Math.ceil(NY / BX);
  const gy = Math.ceil(NX / BY);
  const threads = gx * gy * BX * BY;
  for (let t = 0; t < tmax; t++) {
    yield* run.launch('fdtd_step1_kernel', gx, gy, BX * BY, { flops: threads * 2, bytes: threads * 12 }, (bx, by) => {
      for (let ty = 0; ty < BY; ty++) {
        const i = by * BY + ty;
        if (i >= NX) break;
        for (let tx = 0; tx < BX; tx++) {
          const j = bx * BX + tx;
          if (j >= NY) break;
          rec.thread(ty * BX + tx);
          if (i === 0) {
            rec.r(aFict.id, t);
            ey[j] = fict[t]!;
          } else {
            const k = i * NY + j;
            rec.r(aEy.id, k);
            rec.r(aHz.id, k);
            rec.r(aHz.id, (i - 1) * NY + j);
            ey[k] = ey[k]! - 0.5 * (hz[k]! - hz[(i - 1) * NY + j]!);
          }
          rec.w(aEy.id, i * NY + j);
        }
      }
    });
    yield* run.launch('fdtd_step2_kernel', gx, gy, BX * BY, { flops: threads * 2, bytes: threads * 12 }, (bx, by) => {
      for (let ty = 0; ty < BY; ty++) {
        const i = by * BY + ty;
        if (i >= NX) break;
        for (let tx = 0; tx < BX; tx++) {
          const j = bx * BX + tx;
          if (j >= NY) break;
          rec.thread(ty * BX + tx);
          if (j === 0) continue;
          const k = i * (NY + 1) + j;
          rec.r(aEx.id, k);
          rec.r(aHz.id, i * NY + j);
          rec.r(aHz.id, i * NY + j - 1);
          ex[k] = ex[k]! - 0.5 * (hz[i * NY + j]! - hz[i * NY + j - 1]!);
          rec.w(aEx.id, k);
        }
      }
    });
    yield* run.launch('fdtd_step3_kernel', gx, gy, BX * BY, { flops: threads * 5, bytes: threads * 24 }, (bx, by) => {
      for (let ty = 0; ty < BY; ty++) {
        const i = by * BY + ty;
        if (i >= NX) break;
        for (let tx = 0; tx < BX; tx++) {
          const j = bx * BX + tx;
          if (j >= NY) break;
          rec.thread(ty * BX + tx);
          const k = i * NY + j;
          const e = i * (NY + 1) + j;
          rec.r(aHz.id, k);
          rec.r(aEx.id, e + 1);
          rec.r(aEx.id, e);
          rec.r(aEy.id, (i + 1) * NY + j);
          rec.r(aEy.id, k);
          hz[k] = hz[k]! - 0.7 * (ex[e + 1]! - ex[e]! + ey[(i + 1) * NY + j]! - ey[k]!);
          rec.w(aHz.id, k);
        }
      }
    });
  }
  run.cpuRead(aHz);
  Object.assign(probe, { ex, ey, hz });
}

/** The `rodinia-fdtd` workload. */
export const rodiniaFdtd = rodiniaWorkload<FdtdParams>({
  name: 'rodinia-fdtd',
  summary: 'PolyBench/GPU fdtd-2d: 512² Maxwell solver, 3 stencil kernels sweep ex/ey/hz per time step (footprint 8 MiB)',
  defaults: { steps: 8 },
  params: { steps: { summary: 'time steps (PolyBench tmax); 3 kernel launches each', unit: 'count' } },
  validate: (p) => ({ steps: intIn(p.steps, 1, 1e6) }),
  program: (run, p, rng) => fdtdProgram(run, p, rng),
});
