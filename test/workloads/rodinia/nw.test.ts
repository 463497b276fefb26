import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOSUM62 } from '../../../src/workloads/rodinia/blosum62';
import { nwProgram, type NwProbe } from '../../../src/workloads/rodinia/nw';
import { runProgram } from './helpers';

/** Reference: the textbook Needleman-Wunsch recurrence filled row by row. */
function referenceNw(n: number, initial: Int32Array, reference: Int32Array, penalty: number): Int32Array {
  const c = n + 1;
  const m = Int32Array.from(initial);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= n; j++) {
      m[i * c + j] = Math.max(m[(i - 1) * c + j - 1]! + reference[i * c + j]!, m[i * c + j - 1]! - penalty, m[(i - 1) * c + j]! - penalty);
    }
  }
  return m;
}

test('BLOSUM62 is symmetric', () => {
  for (let i = 0; i < 24; i++) for (let j = 0; j < 24; j++) assert.equal(BLOSUM62[i]![j], BLOSUM62[j]![i]);
});

for (const penalty of [10, 1]) {
  test(`nw wavefront kernels fill the same score matrix as the row-by-row recurrence (penalty ${penalty})`, () => {
    const probe: NwProbe = {};
    runProgram((run, p, rng) => nwProgram(run, p, rng, probe), { scale: 0.25, penalty });
    const ref = referenceNw(probe.n!, probe.initial!, probe.reference!, penalty);
    assert.deepEqual(Array.from(probe.result!), Array.from(ref));
    assert.ok(probe.tracebackSteps! >= probe.n!, 'the traceback walks at least n cells');
  });
}
