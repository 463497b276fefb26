import type { EventBatch } from '../../trace/batch';
import type { Rng } from '../../sim/rng';
import { intIn } from '../params';
import { BLOSUM62 } from './blosum62';
import type { DeviceRun, RodiniaCommon } from './device-run';
import { rodiniaWorkload, scaled } from './define';

/**
 * Rodinia `nw` (Needleman-Wunsch, CUDA version): global alignment of two random protein sequences of
 * length `n` on an (n+1) × (n+1) score matrix. The matrix is processed in 16 × 16 tiles along anti-diagonal
 * wavefronts: `needle_cuda_shared_1` launches the upper-left triangle one tile diagonal per launch (1, 2, …
 * n/16 blocks), `needle_cuda_shared_2` the lower-right (n/16 − 1 … 1 blocks). Each 16-thread block loads a
 * 17 × 17 score tile and a 16 × 16 reference tile into shared memory, fills the tile diagonal by diagonal
 * and writes it back. The host initialises both matrices and afterwards traces the alignment back from the
 * bottom-right corner.
 */
export type NwParams = {
  penalty: number;
};

const BLOCK = 16;

/** Sequence length for a scale: 512 · scale, rounded to a multiple of 16 (scale 4 = Rodinia's `needle 2048 10`). */
export function nwLength(scale: number): number {
  return scaled(512, scale, 16);
}

/** Inputs and outputs of one run, for tests that check the kernels against a reference. */
export interface NwProbe {
  n?: number;
  reference?: Int32Array;
  initial?: Int32Array;
  result?: Int32Array;
  tracebackSteps?: number;
}

const max3 = (a: number, b: number, c: number): number => Math.max(a, b, c);

/** Run Rodinia nw on `run` (both wavefront phases, then the host traceback), filling `probe`. */
export function* nwProgram(run: DeviceRun, p: Readonly<NwParams & RodiniaCommon>, rng: Rng, probe: NwProbe = {}): Generator<EventBatch, void, undefined> {
  const n = nwLength(p.scale);
  const cols = n + 1;
  const rows = n + 1;
  const penalty = p.penalty;
  const items = new Int32Array(rows * cols);
  const ref = new Int32Array(rows * cols);
  // Random sequences (residues 1…10, as Rodinia's rand() % 10 + 1), scores from BLOSUM62, gap borders.
  for (let i = 1; i < rows; i++) items[i * cols] = rng.int(10) + 1;
  for (let j = 1; j < cols; j++) items[j] = rng.int(10) + 1;
  for (let i = 1; i < rows; i++) for (let j = 1; j < cols; j++) ref[i * cols + j] = BLOSUM62[items[i * cols]!]![items[j]!]!;
  for (let i = 1; i < rows; i++) items[i * cols] = -i * penalty;
  for (let j = 1; j < cols; j++) items[j] = -j * penalty;
  Object.assign(probe, { n, reference: ref.slice(), initial: items.slice() });

  const aRef = run.managed('referrence', rows * cols, 4);
  const aMat = run.managed('input_itemsets', rows * cols, 4);
  run.cpuWrite(aMat);
  run.cpuWrite(aRef);

  const rec = run.rec;
  const blockWidth = (cols - 1) / BLOCK;
  const temp = new Int32Array((BLOCK + 1) * (BLOCK + 1));
  const refT = new Int32Array(BLOCK * BLOCK);
  const T = BLOCK + 1;
  const tile = (bIndexX: number, bIndexY: number): void => {
    const base = cols * BLOCK * bIndexY + BLOCK * bIndexX;
    const indexNw = base;
    rec.thread(0);
    rec.r(aMat.id, indexNw); // tx == 0
    temp[0] = items[indexNw]!;
    for (let tx = 0; tx < BLOCK; tx++) {
      const index = base + tx + cols + 1;
      rec.thread(tx);
      for (let ty = 0; ty < BLOCK; ty++) {
        rec.r(aRef.id, index + cols * ty);
        refT[ty * BLOCK + tx] = ref[index + cols * ty]!;
      }
    }
    // __syncthreads()
    for (let tx = 0; tx < BLOCK; tx++) {
      const indexW = base + cols + cols * tx;
      rec.thread(tx);
      rec.r(aMat.id, indexW);
      temp[(tx + 1) * T] = items[indexW]!;
    }
    // __syncthreads()
    for (let tx = 0; tx < BLOCK; tx++) {
      const indexN = base + tx + 1;
      rec.thread(tx);
      rec.r(aMat.id, indexN);
      temp[tx + 1] = items[indexN]!;
    }
    // __syncthreads(); upper-left half of the tile, diagonal by diagonal
    for (let m = 0; m < BLOCK; m++) {
      for (let tx = 0; tx <= m; tx++) {
        const x = tx + 1;
        const y = m - tx + 1;
        temp[y * T + x] = max3(temp[(y - 1) * T + x - 1]! + refT[(y - 1) * BLOCK + x - 1]!, temp[y * T + x - 1]! - penalty, temp[(y - 1) * T + x]! - penalty);
      }
    }
    // lower-right half
    for (let m = BLOCK - 2; m >= 0; m--) {
      for (let tx = 0; tx <= m; tx++) {
        const x = tx + BLOCK - m;
        const y = BLOCK - tx;
        temp[y * T + x] = max3(temp[(y - 1) * T + x - 1]! + refT[(y - 1) * BLOCK + x - 1]!, temp[y * T + x - 1]! - penalty, temp[(y - 1) * T + x]! - penalty);
      }
    }
    for (let tx = 0; tx < BLOCK; tx++) {
      const index = base + tx + cols + 1;
      rec.thread(tx);
      for (let ty = 0; ty < BLOCK; ty++) {
        items[index + ty * cols] = temp[(ty + 1) * T + tx + 1]!;
        rec.w(aMat.id, index + ty * cols);
      }
    }
  };
  const tileWork = (blocks: number) => ({ flops: blocks * BLOCK * BLOCK * 4, bytes: blocks * (2 * BLOCK * BLOCK + 3 * BLOCK) * 4 });
  for (let i = 1; i <= blockWidth; i++) {
    yield* run.launch('needle_cuda_shared_1', i, 1, BLOCK, tileWork(i), (bx) => tile(bx, i - 1 - bx));
  }
  for (let i = blockWidth - 1; i >= 1; i--) {
    yield* run.launch('needle_cuda_shared_2', i, 1, BLOCK, tileWork(i), (bx) => tile(bx + blockWidth - i, blockWidth - bx - 1));
  }
  // Host traceback from the bottom-right corner (in the style of Rodinia's TRACEBACK loop): reads both matrices.
  let i = rows - 1;
  let j = cols - 1;
  let steps = 0;
  while (i > 0 && j > 0) {
    const nw = items[(i - 1) * cols + j - 1]!;
    const w = items[i * cols + j - 1]!;
    const north = items[(i - 1) * cols + j]!;
    rec.r(aMat.id, (i - 1) * cols + j - 1);
    rec.r(aMat.id, i * cols + j - 1);
    rec.r(aMat.id, (i - 1) * cols + j);
    rec.r(aMat.id, i * cols + j);
    rec.r(aRef.id, i * cols + j);
    const here = items[i * cols + j]!;
    if (here === nw + ref[i * cols + j]!) (i--, j--);
    else if (here === w - penalty) j--;
    else if (here === north - penalty) i--;
    else (i--, j--); // unreachable for a consistent matrix
    steps++;
  }
  run.cpuStep(steps * 5, 4);
  Object.assign(probe, { result: items, tracebackSteps: steps });
}

/** The `rodinia-nw` workload. */
export const rodiniaNw = rodiniaWorkload<NwParams>({
  name: 'rodinia-nw',
  summary: 'Rodinia nw: 512-residue Needleman-Wunsch, 16×16 tiles along anti-diagonal wavefronts of a 1 MiB score matrix (footprint 4 MiB)',
  defaults: { penalty: 10 },
  params: { penalty: { summary: 'gap penalty (Rodinia default 10)', unit: 'count' } },
  validate: (p) => ({ penalty: intIn(p.penalty, 0, 1000) }),
  program: (run, p, rng) => nwProgram(run, p, rng),
});
