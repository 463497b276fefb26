import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  maskClearRange, maskCountRange, maskFillRange, maskNextClear, maskNextSet, maskRangeEmpty, maskRuns, maskSet, maskTest, maskWeight,
  maskWords, popcount32,
} from '../../src/model/page-mask';
import { Rng } from '../../src/sim/rng';

test('popcount32 counts bits of any 32-bit word', () => {
  assert.equal(popcount32(0), 0);
  assert.equal(popcount32(0xffffffff), 32);
  assert.equal(popcount32(0x80000001), 2);
});

test('maskWords rounds up to whole words (512 pages → 16 words, 16 pages → 1)', () => {
  assert.equal(maskWords(512), 16);
  assert.equal(maskWords(16), 1);
});

test('range operations agree with a per-bit reference on random ranges, at a nonzero offset', () => {
  const rng = new Rng(7);
  for (let iter = 0; iter < 300; iter++) {
    const m = new Uint32Array(16 + 3);
    const ref = new Uint8Array(512);
    for (let k = 0; k < 40; k++) {
      const a = rng.int(513);
      const b = a + rng.int(513 - a);
      if (rng.int(2)) {
        maskFillRange(m, 3, a, b);
        for (let p = a; p < b; p++) ref[p] = 1;
      } else {
        maskClearRange(m, 3, a, b);
        for (let p = a; p < b; p++) ref[p] = 0;
      }
    }
    assert.equal(m[0], 0, 'words before the offset untouched');
    const a = rng.int(513);
    const b = a + rng.int(513 - a);
    let n = 0;
    for (let p = a; p < b; p++) n += ref[p]!;
    assert.equal(maskCountRange(m, 3, a, b), n);
    assert.equal(maskRangeEmpty(m, 3, a, b), n === 0);
    let firstSet = -1;
    let firstClear = -1;
    for (let p = a; p < b; p++) {
      if (firstSet < 0 && ref[p]) firstSet = p;
      if (firstClear < 0 && !ref[p]) firstClear = p;
    }
    assert.equal(maskNextSet(m, 3, a, b), firstSet);
    assert.equal(maskNextClear(m, 3, a, b), firstClear);
    let total = 0;
    for (let p = 0; p < 512; p++) {
      total += ref[p]!;
      assert.equal(maskTest(m, 3, p), ref[p] === 1);
    }
    assert.equal(maskWeight(m, 3, 16), total);
  }
});

test('maskRuns: a run crossing a word boundary is one run; bit 31 then bit 0 of the next word join', () => {
  const m = new Uint32Array(3);
  assert.equal(maskRuns(m, 0, 3), 0);
  maskFillRange(m, 0, 30, 34); // pages 30..33: one run across words 0 and 1
  assert.equal(maskRuns(m, 0, 3), 1);
  maskSet(m, 0, 64); // word 2, bit 0: word 1's bit 31 is clear, so a new run
  assert.equal(maskRuns(m, 0, 3), 2);
  maskFillRange(m, 0, 35, 64); // 35..63 joins 64 but not 33 (page 34 clear)
  assert.equal(maskRuns(m, 0, 3), 2);
  maskSet(m, 0, 34);
  assert.equal(maskRuns(m, 0, 3), 1);
  assert.equal(maskRuns(new Uint32Array([0xffffffff, 0xffffffff]), 0, 2), 1);
  assert.equal(maskRuns(new Uint32Array([0x55555555]), 0, 1), 16);
});

test('maskSet sets bit 31 and 511 without sign trouble', () => {
  const m = new Uint32Array(16);
  maskSet(m, 0, 31);
  maskSet(m, 0, 511);
  assert.equal(maskCountRange(m, 0, 0, 512), 2);
  assert.equal(maskNextSet(m, 0, 0, 512), 31);
  assert.equal(maskNextSet(m, 0, 32, 512), 511);
});

test('MaskRuns visits the runs of set bits, across word boundaries, like a per-bit reference; maskRuns counts them', async () => {
  const { MaskRuns } = await import('../../src/model/page-mask');
  const rng = new Rng(11);
  const runs = new MaskRuns();
  for (let it = 0; it < 500; it++) {
    const m = new Uint32Array(18);
    const ref = new Uint8Array(512);
    const density = rng.next();
    let p = 0;
    while (p < 512) {
      const len = 1 + rng.int(rng.int(2) ? 3 : 80);
      const on = rng.next() < density;
      for (let q = p; q < Math.min(512, p + len); q++) ref[q] = on ? 1 : 0;
      p += len;
    }
    for (let q = 0; q < 512; q++) if (ref[q]) maskSet(m, 2, q);
    const want: Array<[number, number]> = [];
    for (let q = 0; q < 512; ) {
      if (!ref[q]) {
        q++;
        continue;
      }
      const s = q;
      while (q < 512 && ref[q]) q++;
      want.push([s, q]);
    }
    const got: Array<[number, number]> = [];
    runs.reset(m, 2, 16);
    for (let s = runs.next(); s >= 0; s = runs.next()) got.push([s, runs.end]);
    assert.deepEqual(got, want);
    assert.equal(maskRuns(m, 2, 16), want.length);
  }
});
