import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sl64kPrefetch } from '../../../src/policies/prefetch/sl-64k';
import { random4kPrefetch } from '../../../src/policies/prefetch/random-4k';
import { onDemandPrefetch } from '../../../src/policies/prefetch/none';
import type { BlockFaultView } from '../../../src/policies/prefetch/types';
import { maskFillRange, maskSet, maskTest } from '../../../src/model/page-mask';
import { Rng } from '../../../src/sim/rng';

function block(): BlockFaultView {
  return {
    pagesPerBlock: 512, words: 16, bigPagePages: 16, firstPage: 0, endPage: 512,
    resident: new Uint32Array(16), faulted: new Uint32Array(16), thrashing: new Uint32Array(16), hasThrashing: false,
  };
}

test('sl-64k: a fault brings the rest of its 64 KiB basic block, nothing else', () => {
  const v = block();
  maskFillRange(v.resident, 0, 64, 66);
  maskSet(v.faulted, 0, 70);
  const out = new Uint32Array(16);
  const n = sl64kPrefetch.create({}, { rng: new Rng(0) }).choose(v, out);
  assert.equal(n, 16 - 2 - 1);
  for (let p = 0; p < 512; p++) assert.equal(maskTest(out, 0, p), p >= 66 && p < 80 && p !== 70, `page ${p}`);
});

test('on-demand: never prefetches', () => {
  const v = block();
  maskSet(v.faulted, 0, 3);
  assert.equal(onDemandPrefetch.create({}, { rng: new Rng(0) }).choose(v, new Uint32Array(16)), 0);
});

test('random-4k: at most one extra page per faulted page, inside the large page, and repeatable for a seed', () => {
  const v = block();
  for (const p of [1, 200, 400]) maskSet(v.faulted, 0, p);
  const pick = (seed: number): number[] => {
    const out = new Uint32Array(16);
    random4kPrefetch.create({}, { rng: new Rng(seed) }).choose(v, out);
    return [...Array(512).keys()].filter((p) => maskTest(out, 0, p));
  };
  const a = pick(1);
  assert.ok(a.length >= 1 && a.length <= 3);
  assert.deepEqual(pick(1), a);
  // over many seeds the picks spread over the whole block
  const seen = new Set<number>();
  for (let s = 0; s < 200; s++) for (const p of pick(s)) seen.add(p);
  assert.ok(seen.size > 300);
});
