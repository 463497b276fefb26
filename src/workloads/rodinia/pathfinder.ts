import type { EventBatch } from '../../trace/batch';
import type { Rng } from '../../sim/rng';
import { intIn } from '../params';
import type { DeviceRun, RodiniaCommon } from './device-run';
import { rodiniaWorkload, scaled } from './define';

/**
 * Rodinia `pathfinder` (CUDA version): dynamic programming down a `rows` × `cols` grid of weights; each
 * row's cost is the weight plus the cheapest of the three neighbours above. `dynproc_kernel` (256-thread
 * blocks) advances `pyramidHeight` rows per launch in shared memory (ghost zone of one column per row) and
 * ping-pongs between two result rows, so the wall is streamed row block by row block.
 */
export type PathfinderParams = {
  rows: number;
  pyramidHeight: number;
};

const BLOCK = 256;
const HALO = 1;

/** Columns for a scale: 65,536 · scale (Rodinia's example uses 100,000). */
export function pathfinderCols(scale: number): number {
  return scaled(65536, scale, 1);
}

/** Inputs and outputs of one run, for tests that check the kernels against a reference. */
export interface PathfinderProbe {
  rows?: number;
  cols?: number;
  wall?: Int32Array;
  result?: Int32Array;
}

/** Run Rodinia pathfinder on `run` (one launch per row block), filling `probe`. */
export function* pathfinderProgram(
  run: DeviceRun, p: Readonly<PathfinderParams & RodiniaCommon>, rng: Rng, probe: PathfinderProbe = {},
): Generator<EventBatch, void, undefined> {
  const rows = p.rows;
  const cols = pathfinderCols(p.scale);
  const data = new Int32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(10); // rand() % 10
  Object.assign(probe, { rows, cols, wall: data.slice() });

  const aWall = run.managed('gpuWall', (rows - 1) * cols, 4); // data + cols
  const aRes = [run.managed('gpuResult0', cols, 4), run.managed('gpuResult1', cols, 4)] as const;
  const res = [data.slice(0, cols), new Int32Array(cols)] as const;
  run.cpuWrite(aWall);
  run.cpuWrite(aRes[0]);

  const rec = run.rec;
  const border = p.pyramidHeight * HALO;
  const smallBlockCol = BLOCK - p.pyramidHeight * HALO * 2;
  const blockCols = Math.ceil(cols / smallBlockCol);
  const prev = new Int32Array(BLOCK);
  const result = new Int32Array(BLOCK);
  let src = 1;
  let dst = 0;
  for (let t = 0; t < rows - 1; t += p.pyramidHeight) {
    [src, dst] = [dst, src];
    const iteration = Math.min(p.pyramidHeight, rows - t - 1);
    const gSrc = res[src]!;
    const gDst = res[dst]!;
    const aSrc = aRes[src]!.id;
    const aDst = aRes[dst]!.id;
    const threads = blockCols * BLOCK;
    const work = { flops: threads * iteration * 3, bytes: threads * (8 + iteration * 4) };
    yield* run.launch('dynproc_kernel', blockCols, 1, BLOCK, work, (bx) => {
      const sbc = BLOCK - iteration * HALO * 2;
      const blkX = sbc * bx - border;
      const blkXmax = blkX + BLOCK - 1;
      const validXmin = blkX < 0 ? -blkX : 0;
      const validXmax = blkXmax > cols - 1 ? BLOCK - 1 - (blkXmax - cols + 1) : BLOCK - 1;
      // threads with 0 ≤ x < cols load gpuSrc[x]: one run
      for (let tx = validXmin; tx <= validXmax; tx++) prev[tx] = gSrc[blkX + tx]!;
      rec.threadsAccess(aSrc, blkX + validXmin, validXmin, validXmax - validXmin + 1, false);
      // __syncthreads()
      // thread tx computes in step i iff i+1 ≤ tx ≤ BLOCK−i−2 and it is valid (the kernel's `computed` flag): a range
      let lo = 0;
      let hi = -1;
      for (let i = 0; i < iteration; i++) {
        lo = Math.max(i + 1, validXmin);
        hi = Math.min(BLOCK - i - 2, validXmax);
        const index0 = cols * (t + i) + blkX;
        for (let tx = lo; tx <= hi; tx++) {
          const W = Math.max(tx - 1, validXmin);
          const E = Math.min(tx + 1, validXmax);
          const shortest = Math.min(prev[W]!, prev[tx]!, prev[E]!);
          result[tx] = shortest + data[cols + index0 + tx]!;
        }
        rec.threadsAccess(aWall.id, index0 + lo, lo, hi - lo + 1, false);
        // __syncthreads()
        if (i === iteration - 1) break;
        for (let tx = lo; tx <= hi; tx++) prev[tx] = result[tx]!;
        // __syncthreads()
      }
      for (let tx = lo; tx <= hi; tx++) gDst[blkX + tx] = result[tx]!;
      rec.threadsAccess(aDst, blkX + lo, lo, hi - lo + 1, true);
    });
  }
  run.cpuRead(aRes[dst]!);
  probe.result = res[dst]!.slice();
}

/** The `rodinia-pathfinder` workload. */
export const rodiniaPathfinder = rodiniaWorkload<PathfinderParams>({
  name: 'rodinia-pathfinder',
  summary: 'Rodinia pathfinder: 100 × 65,536 grid DP, launches stream 20 wall rows each while ping-ponging 2 result rows (footprint 30 MiB)',
  defaults: { rows: 100, pyramidHeight: 20 },
  params: {
    rows: { summary: 'grid rows (the first is the starting cost row; Rodinia example 100)', unit: 'count' },
    pyramidHeight: { summary: 'rows advanced per kernel launch (Rodinia example 20; ≤ 127)', unit: 'count' },
  },
  validate: (p) => ({ rows: intIn(p.rows, 2, 1e6), pyramidHeight: intIn(p.pyramidHeight, 1, 127) }),
  program: (run, p, rng) => pathfinderProgram(run, p, rng),
});
