import type { EventBatch } from '../../trace/batch';
import type { Rng } from '../../sim/rng';
import { intIn } from '../params';
import type { DeviceRun, RodiniaCommon } from './device-run';
import { rodiniaWorkload, scaled } from './define';

/**
 * Rodinia `hotspot` (CUDA version): transient thermal simulation of a chip on a `side` × `side` grid,
 * `calculate_temp` kernel with pyramid (ghost-zone) blocking — 16 × 16 thread blocks, each loads a tile of
 * temperature and power into shared memory and advances it `pyramidHeight` steps before writing the inner
 * (16 − 2·pyramidHeight)² cells; launches ping-pong between two temperature arrays.
 */
export type HotspotParams = {
  iterations: number;
  pyramidHeight: number;
};

const BLOCK = 16;
/** Chip and material constants of Rodinia hotspot.cu. */
export const HOTSPOT_CONST = {
  maxPd: 3.0e6,
  precision: 0.001,
  specHeatSi: 1.75e6,
  kSi: 100,
  factorChip: 0.5,
  tChip: 0.0005,
  chipHeight: 0.016,
  chipWidth: 0.016,
  ambTemp: 80.0,
} as const;

/** The stencil coefficients Rodinia derives from the grid size (hotspot.cu `compute_tran_temp`). */
export function hotspotCoefficients(rows: number, cols: number): { stepDivCap: number; rx1: number; ry1: number; rz1: number } {
  const c = HOTSPOT_CONST;
  const gridHeight = c.chipHeight / rows;
  const gridWidth = c.chipWidth / cols;
  const cap = c.factorChip * c.specHeatSi * c.tChip * gridWidth * gridHeight;
  const rx = gridWidth / (2.0 * c.kSi * c.tChip * gridHeight);
  const ry = gridHeight / (2.0 * c.kSi * c.tChip * gridWidth);
  const rz = c.tChip / (c.kSi * gridHeight * gridWidth);
  const maxSlope = c.maxPd / (c.factorChip * c.tChip * c.specHeatSi);
  const step = c.precision / maxSlope;
  return { stepDivCap: step / cap, rx1: 1 / rx, ry1: 1 / ry, rz1: 1 / rz };
}

/** Inputs and outputs of one run, for tests that check the kernel against a reference. */
export interface HotspotProbe {
  side?: number;
  temp?: Float32Array;
  power?: Float32Array;
  result?: Float32Array;
}

/** Grid side for a scale: 512 · scale, rounded to a multiple of 16 (scale 2 = Rodinia's 1024 input). */
export function hotspotSide(scale: number): number {
  return scaled(512, scale, 16);
}

/** Run Rodinia hotspot on `run` (pyramid launches ping-ponging two temperature arrays), filling `probe`. */
export function* hotspotProgram(
  run: DeviceRun, p: Readonly<HotspotParams & RodiniaCommon>, rng: Rng, probe: HotspotProbe = {},
): Generator<EventBatch, void, undefined> {
  const rows = hotspotSide(p.scale);
  const cols = rows;
  const n = rows * cols;
  // Inputs (Rodinia reads temp_N / power_N files): temperatures 323–343 K, power densities 0–1e-3.
  const temp = new Float32Array(n);
  const power = new Float32Array(n);
  for (let i = 0; i < n; i++) temp[i] = 323 + 20 * rng.next();
  for (let i = 0; i < n; i++) power[i] = 1e-3 * rng.next();
  probe.side = rows;
  probe.temp = temp.slice();
  probe.power = power.slice();

  const aPower = run.managed('power', n, 4);
  const aTemp = [run.managed('temp0', n, 4), run.managed('temp1', n, 4)] as const;
  const bufs = [temp, new Float32Array(n)] as const;
  run.cpuWrite(aPower);
  run.cpuWrite(aTemp[0]);

  const { stepDivCap, rx1, ry1, rz1 } = hotspotCoefficients(rows, cols);
  const amb = HOTSPOT_CONST.ambTemp;
  const border = p.pyramidHeight; // pyramid_height * EXPAND_RATE / 2
  const small = BLOCK - 2 * p.pyramidHeight;
  const blockCols = Math.ceil(cols / small);
  const blockRows = Math.ceil(rows / small);
  const rec = run.rec;
  const tOn = new Float32Array(BLOCK * BLOCK);
  const pOn = new Float32Array(BLOCK * BLOCK);
  const tT = new Float32Array(BLOCK * BLOCK);

  let src = 1;
  let dst = 0;
  for (let t = 0; t < p.iterations; t += p.pyramidHeight) {
    [src, dst] = [dst, src];
    const iteration = Math.min(p.pyramidHeight, p.iterations - t);
    const sIn = bufs[src]!;
    const sOut = bufs[dst]!;
    const aIn = aTemp[src]!.id;
    const aOut = aTemp[dst]!.id;
    const threads = blockCols * blockRows * BLOCK * BLOCK;
    const work = { flops: threads * iteration * 15, bytes: threads * 8 + n * 4 };
    yield* run.launch('calculate_temp', blockCols, blockRows, BLOCK * BLOCK, work, (bx, by) => {
      // calculate_temp(iteration, power, temp_src, temp_dst, …) for block (bx, by)
      const sbr = BLOCK - iteration * 2;
      const sbc = BLOCK - iteration * 2;
      const blkY = sbr * by - border;
      const blkX = sbc * bx - border;
      const blkYmax = blkY + BLOCK - 1;
      const blkXmax = blkX + BLOCK - 1;
      // each thread in range loads temp_src[index] then power[index]; a row's threads as one run per array
      const txLo = Math.max(0, -blkX);
      const txHi = Math.min(BLOCK - 1, cols - 1 - blkX);
      for (let ty = 0; ty < BLOCK; ty++) {
        const y = blkY + ty;
        if (y < 0 || y > rows - 1 || txHi < txLo) continue;
        const index0 = cols * y + blkX + txLo;
        for (let tx = txLo; tx <= txHi; tx++) {
          tOn[ty * BLOCK + tx] = sIn[index0 + tx - txLo]!;
          pOn[ty * BLOCK + tx] = power[index0 + tx - txLo]!;
        }
        rec.threadsAccess(aIn, index0, ty * BLOCK + txLo, txHi - txLo + 1, false);
        rec.threadsAccess(aPower.id, index0, ty * BLOCK + txLo, txHi - txLo + 1, false);
      }
      // __syncthreads()
      const validYmin = blkY < 0 ? -blkY : 0;
      const validYmax = blkYmax > rows - 1 ? BLOCK - 1 - (blkYmax - rows + 1) : BLOCK - 1;
      const validXmin = blkX < 0 ? -blkX : 0;
      const validXmax = blkXmax > cols - 1 ? BLOCK - 1 - (blkXmax - cols + 1) : BLOCK - 1;
      // Thread (tx, ty) computes in step i iff i+1 ≤ tx, ty ≤ BLOCK−i−2 and it lies inside the valid range (the
      // kernel's `computed` flag): a rectangle, so the loops run over it directly.
      let xLo = 0;
      let xHi = -1;
      let yLo = 0;
      let yHi = -1;
      for (let i = 0; i < iteration; i++) {
        xLo = Math.max(i + 1, validXmin);
        xHi = Math.min(BLOCK - i - 2, validXmax);
        yLo = Math.max(i + 1, validYmin);
        yHi = Math.min(BLOCK - i - 2, validYmax);
        for (let ty = yLo; ty <= yHi; ty++) {
          const N = Math.max(ty - 1, validYmin);
          const S = Math.min(ty + 1, validYmax);
          for (let tx = xLo; tx <= xHi; tx++) {
            const k = ty * BLOCK + tx;
            const W = Math.max(tx - 1, validXmin);
            const E = Math.min(tx + 1, validXmax);
            const c = tOn[k]!;
            tT[k] =
              c + stepDivCap * (pOn[k]! + (tOn[S * BLOCK + tx]! + tOn[N * BLOCK + tx]! - 2.0 * c) * ry1 +
                (tOn[ty * BLOCK + E]! + tOn[ty * BLOCK + W]! - 2.0 * c) * rx1 + (amb - c) * rz1);
          }
        }
        // __syncthreads()
        if (i === iteration - 1) break;
        for (let ty = yLo; ty <= yHi; ty++) for (let tx = xLo; tx <= xHi; tx++) tOn[ty * BLOCK + tx] = tT[ty * BLOCK + tx]!;
        // __syncthreads()
      }
      // each computed thread stores temp_dst[index]: a row's computed threads at once
      if (xHi >= xLo) {
        for (let ty = yLo; ty <= yHi; ty++) {
          const index0 = cols * (blkY + ty) + blkX + xLo;
          for (let tx = xLo; tx <= xHi; tx++) sOut[index0 + tx - xLo] = tT[ty * BLOCK + tx]!;
          rec.threadsAccess(aOut, index0, ty * BLOCK + xLo, xHi - xLo + 1, true);
        }
      }
    });
  }
  run.cpuRead(aTemp[dst]!);
  probe.result = bufs[dst]!.slice();
}

/** The `rodinia-hotspot` workload. */
export const rodiniaHotspot = rodiniaWorkload<HotspotParams>({
  name: 'rodinia-hotspot',
  summary: 'Rodinia hotspot: 512² thermal stencil, pyramid-blocked kernels sweep 3 float grids per launch (footprint 6 MiB)',
  defaults: { iterations: 8, pyramidHeight: 2 },
  params: {
    iterations: { summary: 'total simulation time steps (Rodinia total_iterations)', unit: 'count' },
    pyramidHeight: { summary: 'time steps per kernel launch (ghost-zone depth, 1…7)', unit: 'count' },
  },
  validate: (p) => ({ iterations: intIn(p.iterations, 1, 1e6), pyramidHeight: intIn(p.pyramidHeight, 1, 7) }),
  program: (run, p, rng) => hotspotProgram(run, p, rng),
});
