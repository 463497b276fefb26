import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteRangeSet } from '../../src/trace/byte-range-set';
import { Rng } from '../../src/sim/rng';

/** The runs of bytes of `[a, b)` that `ref` does not hold (the reference for `gaps`). */
function refGaps(ref: Uint8Array, a: number, b: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = a; i < b; i++) {
    if (ref[i]) continue;
    if (out.length > 0 && out[out.length - 1]![1] === i) out[out.length - 1]![1] = i + 1;
    else out.push([i, i + 1]);
  }
  return out;
}

test('add merges overlapping and adjacent ranges; remove splits', () => {
  const s = new ByteRangeSet();
  s.add(10, 20);
  s.add(30, 40);
  s.add(20, 25); // adjacent to the first
  assert.deepEqual(s.toArray(), [[10, 25], [30, 40]]);
  s.add(24, 31);
  assert.deepEqual(s.toArray(), [[10, 40]]);
  s.remove(15, 18);
  assert.deepEqual(s.toArray(), [[10, 15], [18, 40]]);
  assert.equal(s.overlapBytes(0, 100), 27);
  assert.equal(s.covers(18, 40), true);
  assert.equal(s.covers(14, 19), false);
  assert.deepEqual(s.gaps(0, 100), [[0, 10], [15, 18], [40, 100]]);
  assert.deepEqual(s.gaps(12, 20), [[15, 18]]);
  assert.deepEqual(s.gaps(20, 30), []);
  s.remove(0, 100);
  assert.deepEqual(s.gaps(5, 9), [[5, 9]]);
  assert.equal(s.size, 0);
});

test('matches a byte-set reference model on random operations', () => {
  const rng = new Rng(7);
  const s = new ByteRangeSet();
  const ref = new Uint8Array(1024);
  for (let k = 0; k < 3000; k++) {
    const a = rng.int(500);
    const b = a + 1 + rng.int(12);
    if (rng.next() < 0.55) {
      s.add(a, b);
      ref.fill(1, a, b);
    } else {
      s.remove(a, b);
      ref.fill(0, a, b);
    }
    const qa = rng.int(500);
    const qb = qa + 1 + rng.int(20);
    let n = 0;
    for (let i = qa; i < qb; i++) n += ref[i]!;
    assert.equal(s.overlapBytes(qa, qb), n);
    assert.equal(s.covers(qa, qb), n === qb - qa);
    assert.deepEqual(s.gaps(qa, qb), refGaps(ref, qa, qb));
  }
  let total = 0;
  for (const x of ref) total += x;
  assert.equal(s.coveredBytes(), total);
  const arr = s.toArray();
  for (let i = 1; i < arr.length; i++) assert.ok(arr[i]![0] > arr[i - 1]![1], 'disjoint and not adjacent');
});

test('matches the byte-set reference across many chunks (thousands of ranges, adds spanning chunk boundaries)', () => {
  const rng = new Rng(11);
  const s = new ByteRangeSet();
  const SPACE = 60_000;
  const ref = new Uint8Array(SPACE + 400);
  for (let k = 0; k < 12_000; k++) {
    const a = rng.int(SPACE);
    // mostly short ranges with gaps (many ranges, many chunks); now and then a long one that merges hundreds
    const b = a + 1 + (rng.next() < 0.01 ? rng.int(300) : rng.int(3));
    if (rng.next() < (k < 8000 ? 0.7 : 0.35)) {
      s.add(a, b);
      ref.fill(1, a, b);
    } else {
      s.remove(a, b);
      ref.fill(0, a, b);
    }
    if (k % 7 === 0) {
      const qa = rng.int(SPACE);
      const qb = qa + 1 + rng.int(400);
      let n = 0;
      for (let i = qa; i < qb; i++) n += ref[i]!;
      assert.equal(s.overlapBytes(qa, qb), n, `overlap ${qa} ${qb}`);
      assert.equal(s.covers(qa, qb), n === qb - qa);
      assert.deepEqual(s.gaps(qa, qb), refGaps(ref, qa, qb), `gaps ${qa} ${qb}`);
    }
  }
  // the ranges are exactly the runs of the reference
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] && (i === 0 || !ref[i - 1])) runs.push([i, i]);
    if (ref[i]) runs[runs.length - 1]![1] = i + 1;
  }
  assert.ok(runs.length > 1000, `${runs.length} ranges: several chunks`);
  assert.deepEqual(s.toArray(), runs);
  assert.equal(s.size, runs.length);
});
