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
      const j0 = bx * BX;
      const n = Math.min(BX, NY - j0); // threads of a row with j < NY
      for (let ty = 0; ty < BY; ty++) {
        const i = by * BY + ty;
        if (i >= NX) break;
        if (i === 0) {
          for (let tx = 0; tx < n; tx++) {
            rec.thread(ty * BX + tx);
            rec.r(aFict.id, t);
            ey[j0 + tx] = fict[t]!;
            rec.w(aEy.id, j0 + tx);
          }
          continue;
        }
        // each thread: ey[k], hz[k], hz[k − NY] read, ey[k] written — one run per access over the row's threads
        const k0 = i * NY + j0;
        for (let k = k0; k < k0 + n; k++) ey[k] = ey[k]! - 0.5 * (hz[k]! - hz[k - NY]!);
        rec.threadsAccess(aEy.id, k0, ty * BX, n, false);
        rec.threadsAccess(aHz.id, k0, ty * BX, n, false);
        rec.threadsAccess(aHz.id, k0 - NY, ty * BX, n, false);
        rec.threadsAccess(aEy.id, k0, ty * BX, n, true);
      }
    });
    yield* run.launch('fdtd_step2_kernel', gx, gy, BX * BY, { flops: threads * 2, bytes: threads * 12 }, (bx, by) => {
      const tx0 = bx === 0 ? 1 : 0; // the thread of column 0 makes no access
      const j0 = bx * BX + tx0;
      const n = Math.min(BX, NY - bx * BX) - tx0;
      for (let ty = 0; ty < BY; ty++) {
        const i = by * BY + ty;
        if (i >= NX) break;
        if (n <= 0) continue;
        // each thread: ex[k], hz[i·NY + j], hz[i·NY + j − 1] read, ex[k] written
        const k0 = i * (NY + 1) + j0;
        const h0 = i * NY + j0;
        for (let x = 0; x < n; x++) ex[k0 + x] = ex[k0 + x]! - 0.5 * (hz[h0 + x]! - hz[h0 + x - 1]!);
        rec.threadsAccess(aEx.id, k0, ty * BX + tx0, n, false);
        rec.threadsAccess(aHz.id, h0, ty * BX + tx0, n, false);
        rec.threadsAccess(aHz.id, h0 - 1, ty * BX + tx0, n, false);
        rec.threadsAccess(aEx.id, k0, ty * BX + tx0, n, true);
      }
    });
    yield* run.launch('fdtd_step3_kernel', gx, gy, BX * BY, { flops: threads * 5, bytes: threads * 24 }, (bx, by) => {
      const j0 = bx * BX;
      const n = Math.min(BX, NY - j0);
      for (let ty = 0; ty < BY; ty++) {
        const i = by * BY + ty;
        if (i >= NX) break;
        // each thread: hz[k], ex[e + 1], ex[e], ey[k + NY], ey[k] read, hz[k] written
        const k0 = i * NY + j0;
        const e0 = i * (NY + 1) + j0;
        for (let x = 0; x < n; x++) {
          const k = k0 + x;
          const e = e0 + x;
          hz[k] = hz[k]! - 0.7 * (ex[e + 1]! - ex[e]! + ey[k + NY]! - ey[k]!);
        }
        const t0 = ty * BX;
        rec.threadsAccess(aHz.id, k0, t0, n, false);
        rec.threadsAccess(aEx.id, e0 + 1, t0, n, false);
        rec.threadsAccess(aEx.id, e0, t0, n, false);
        rec.threadsAccess(aEy.id, k0 + NY, t0, n, false);
        rec.threadsAccess(aEy.id, k0, t0, n, false);
        rec.threadsAccess(aHz.id, k0, t0, n, true);
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
