import type { EventBatch } from '../../trace/batch';
import type { Rng } from '../../sim/rng';
import { intIn, numIn } from '../params';
import type { DeviceRun, RodiniaCommon } from './device-run';
import { rodiniaWorkload, scaled } from './define';

/**
 * Rodinia `srad_v2` (CUDA version): speckle-reducing anisotropic diffusion of a `side` × `side` image.
 * Per iteration the host computes the statistics of the region of interest (rows and columns 0…127) from
 * the image, then `srad_cuda_1` computes the four directional derivatives and the diffusion coefficient of
 * every pixel (16 × 16 blocks, halo rows/columns from the neighbouring tiles) and `srad_cuda_2` updates the
 * image from the coefficients — two regular stencil sweeps over six float arrays per iteration.
 */
export type SradParams = {
  iterations: number;
  lambda: number;
};

const BLOCK = 16;
/** Region of interest of Rodinia's example run (`srad 2048 2048 0 127 0 127 0.5 2`). */
const ROI = 128;

/** Image side for a scale: 512 · scale, rounded to a multiple of 16 (scale 4 = Rodinia's 2048). */
export function sradSide(scale: number): number {
  return scaled(512, scale, 16);
}

/** Inputs and outputs of one run, for tests that check the kernels against a reference. */
export interface SradProbe {
  side?: number;
  j0?: Float32Array;
  j?: Float32Array;
}

/** Run srad_v2 on `run` (host ROI statistics, then both kernels, per iteration), filling `probe`. */
export function* sradProgram(run: DeviceRun, p: Readonly<SradParams & RodiniaCommon>, rng: Rng, probe: SradProbe = {}): Generator<EventBatch, void, undefined> {
  const rows = sradSide(p.scale);
  const cols = rows;
  const size = rows * cols;
  // random_matrix: I in [0, 1); J = exp(I)
  const J = new Float32Array(size);
  for (let k = 0; k < size; k++) J[k] = Math.exp(rng.next());
  Object.assign(probe, { side: rows, j0: J.slice() });
  const C = new Float32Array(size);
  const EC = new Float32Array(size);
  const WC = new Float32Array(size);
  const NC = new Float32Array(size);
  const SC = new Float32Array(size);
  const aJ = run.managed('J', size, 4);
  const aC = run.managed('C', size, 4);
  const aE = run.managed('E_C', size, 4);
  const aW = run.managed('W_C', size, 4);
  const aN = run.managed('N_C', size, 4);
  const aS = run.managed('S_C', size, 4);
  run.cpuWrite(aJ);

  const rec = run.rec;
  const r2 = Math.min(ROI, rows) - 1;
  const c2 = Math.min(ROI, cols) - 1;
  const sizeR = (r2 + 1) * (c2 + 1);
  const gx = cols / BLOCK;
  const gy = rows / BLOCK;
  const threads = gx * gy * BLOCK * BLOCK;
  const T = BLOCK;
  const north = new Float32Array(T * T);
  const south = new Float32Array(T * T);
  const east = new Float32Array(T * T);
  const west = new Float32Array(T * T);
  const temp = new Float32Array(T * T);
  const cTemp = new Float32Array(T * T);
  const lambda = p.lambda;
  /** A load the kernel issues: recorded only when inside the array (the original reads out of bounds). */
  const loadJ = (k: number): number => {
    if (k < 0 || k >= size) return 0;
    rec.r(aJ.id, k);
    return J[k]!;
  };
  for (let iter = 0; iter < p.iterations; iter++) {
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i <= r2; i++) {
      for (let j = 0; j <= c2; j++) {
        const v = J[i * cols + j]!;
        sum += v;
        sum2 += v * v;
      }
      rec.range(aJ.id, i * cols, c2 + 1, false);
    }
    run.cpuStep(sizeR, 4);
    const meanROI = sum / sizeR;
    const varROI = sum2 / sizeR - meanROI * meanROI;
    const q0sqr = varROI / (meanROI * meanROI);

    yield* run.launch('srad_cuda_1', gx, gy, BLOCK * BLOCK, { flops: threads * 30, bytes: threads * 26 }, (bx, by) => {
      const base = cols * BLOCK * by + BLOCK * bx;
      for (let ty = 0; ty < T; ty++) {
        for (let tx = 0; tx < T; tx++) {
          rec.thread(ty * T + tx);
          north[ty * T + tx] = loadJ(base + tx - cols);
          south[ty * T + tx] = loadJ(base + cols * BLOCK + tx);
          if (by === 0) north[ty * T + tx] = loadJ(BLOCK * bx + tx);
          else if (by === gy - 1) south[ty * T + tx] = loadJ(cols * BLOCK * (gy - 1) + BLOCK * bx + cols * (BLOCK - 1) + tx);
        }
      }
      // __syncthreads()
      for (let ty = 0; ty < T; ty++) {
        for (let tx = 0; tx < T; tx++) {
          rec.thread(ty * T + tx);
          west[ty * T + tx] = loadJ(base + cols * ty - 1);
          east[ty * T + tx] = loadJ(base + cols * ty + BLOCK);
          if (bx === 0) west[ty * T + tx] = loadJ(cols * BLOCK * by + cols * ty);
          else if (bx === gx - 1) east[ty * T + tx] = loadJ(cols * BLOCK * by + BLOCK * (gx - 1) + cols * ty + BLOCK - 1);
        }
      }
      // __syncthreads()
      for (let ty = 0; ty < T; ty++) for (let tx = 0; tx < T; tx++) {
        rec.thread(ty * T + tx);
        temp[ty * T + tx] = loadJ(base + cols * ty + tx);
      }
      // __syncthreads()
      for (let ty = 0; ty < T; ty++) {
        for (let tx = 0; tx < T; tx++) {
          rec.thread(ty * T + tx);
          const k = ty * T + tx;
          const jc = temp[k]!;
          const n = (ty === 0 ? north[k]! : temp[k - T]!) - jc;
          const s = (ty === T - 1 ? south[k]! : temp[k + T]!) - jc;
          const w = (tx === 0 ? west[k]! : temp[k - 1]!) - jc;
          const e = (tx === T - 1 ? east[k]! : temp[k + 1]!) - jc;
          const g2 = (n * n + s * s + w * w + e * e) / (jc * jc);
          const l = (n + s + w + e) / jc;
          const num = 0.5 * g2 - (1.0 / 16.0) * (l * l);
          let den = 1 + 0.25 * l;
          const qsqr = num / (den * den);
          den = (qsqr - q0sqr) / (q0sqr * (1 + q0sqr));
          const c = 1.0 / (1.0 + den);
          const index = base + cols * ty + tx;
          C[index] = c < 0 ? 0 : c > 1 ? 1 : c;
          rec.w(aC.id, index);
          EC[index] = e;
          rec.w(aE.id, index);
          WC[index] = w;
          rec.w(aW.id, index);
          SC[index] = s;
          rec.w(aS.id, index);
          NC[index] = n;
          rec.w(aN.id, index);
        }
      }
    });
    yield* run.launch('srad_cuda_2', gx, gy, BLOCK * BLOCK, { flops: threads * 12, bytes: threads * 32 }, (bx, by) => {
      const base = cols * BLOCK * by + BLOCK * bx;
      for (let ty = 0; ty < T; ty++) for (let tx = 0; tx < T; tx++) {
        rec.thread(ty * T + tx);
        temp[ty * T + tx] = loadJ(base + cols * ty + tx);
      }
      const loadC = (k: number): number => {
        if (k < 0 || k >= size) return 0;
        rec.r(aC.id, k);
        return C[k]!;
      };
      for (let ty = 0; ty < T; ty++) {
        for (let tx = 0; tx < T; tx++) {
          rec.thread(ty * T + tx);
          south[ty * T + tx] = loadC(base + cols * BLOCK + tx);
          if (by === gy - 1) south[ty * T + tx] = loadC(cols * BLOCK * (gy - 1) + BLOCK * bx + cols * (BLOCK - 1) + tx);
        }
      }
      for (let ty = 0; ty < T; ty++) {
        for (let tx = 0; tx < T; tx++) {
          rec.thread(ty * T + tx);
          east[ty * T + tx] = loadC(base + cols * ty + BLOCK);
          if (bx === gx - 1) east[ty * T + tx] = loadC(cols * BLOCK * by + BLOCK * (gx - 1) + cols * ty + BLOCK - 1);
        }
      }
      for (let ty = 0; ty < T; ty++) for (let tx = 0; tx < T; tx++) {
        rec.thread(ty * T + tx);
        cTemp[ty * T + tx] = loadC(base + cols * ty + tx);
      }
      for (let ty = 0; ty < T; ty++) {
        for (let tx = 0; tx < T; tx++) {
          rec.thread(ty * T + tx);
          const k = ty * T + tx;
          const cc = cTemp[k]!;
          const cs = ty === T - 1 ? south[k]! : cTemp[k + T]!;
          const ce = tx === T - 1 ? east[k]! : cTemp[k + 1]!;
          const index = base + cols * ty + tx;
          rec.r(aN.id, index);
          rec.r(aS.id, index);
          rec.r(aW.id, index);
          rec.r(aE.id, index);
          const dSum = cc * NC[index]! + cs * SC[index]! + cc * WC[index]! + ce * EC[index]!;
          J[index] = temp[k]! + 0.25 * lambda * dSum;
          rec.w(aJ.id, index);
        }
      }
    });
  }
  run.cpuRead(aJ);
  probe.j = J.slice();
}

/** The `rodinia-srad` workload. */
export const rodiniaSrad = rodiniaWorkload<SradParams>({
  name: 'rodinia-srad',
  summary: 'Rodinia srad_v2: 512² speckle-reducing diffusion, 2 stencil kernels sweep 6 float images per iteration + host ROI reads (footprint 12 MiB)',
  defaults: { iterations: 4, lambda: 0.5 },
  params: {
    iterations: { summary: 'diffusion iterations (Rodinia example 2); 2 kernel launches each', unit: 'count' },
    lambda: { summary: 'diffusion step λ (Rodinia example 0.5)' },
  },
  validate: (p) => ({ iterations: intIn(p.iterations, 1, 1e6), lambda: numIn(p.lambda, 0, 1) }),
  program: (run, p, rng) => sradProgram(run, p, rng),
});
