import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathfinderProgram, type PathfinderProbe } from '../../../src/workloads/rodinia/pathfinder';
import { runProgram } from './helpers';

/** Reference: Rodinia's CPU pathfinder — row by row, dst[n] = wall[t+1][n] + min of the ≤ 3 cells above. */
function referencePath(rows: number, cols: number, wall: Int32Array): Int32Array {
  let src = wall.slice(0, cols);
  for (let t = 0; t < rows - 1; t++) {
    const dst = new Int32Array(cols);
    for (let n = 0; n < cols; n++) {
      let m = src[n]!;
      if (n > 0) m = Math.min(m, src[n - 1]!);
      if (n < cols - 1) m = Math.min(m, src[n + 1]!);
      dst[n] = wall[(t + 1) * cols + n]! + m;
    }
    src = dst;
  }
  return src;
}

for (const [rows, pyramidHeight] of [[100, 20], [37, 5], [10, 1]] as const) {
  test(`pathfinder pyramid kernels (${rows} rows, pyramid ${pyramidHeight}) match the row-by-row DP`, () => {
    const probe: PathfinderProbe = {};
    runProgram((run, p, rng) => pathfinderProgram(run, p, rng, probe), { scale: 0.25, rows, pyramidHeight });
    assert.deepEqual(Array.from(probe.result!), Array.from(referencePath(probe.rows!, probe.cols!, probe.wall!)));
  });
}
