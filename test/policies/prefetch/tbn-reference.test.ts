import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tbnPrefetch } from '../../../src/policies/prefetch/tbn';
import type { BlockFaultView } from '../../../src/policies/prefetch/types';
import { maskCountRange, maskFillRange, maskRangeEmpty, maskSet, maskTest, popcount32 } from '../../../src/model/page-mask';
import { Rng } from '../../../src/sim/rng';

/**
 * The recounting reference of the UVM density tree (the tbn prefetcher as it was written before issue 15: every
 * level of every faulted page's walk recounts its subtree with maskCountRange, bottom-up). The fast `tbn`
 * (word counts once per call, walk from the root down) must choose exactly the same pages on every view.
 */
function referenceChoose(v: BlockFaultView, out: Uint32Array, threshold: number): number {
  const words = v.words;
  const tree = new Uint32Array(words);
  const first = v.firstPage;
  const end = v.endPage;
  for (let w = 0; w < words; w++) tree[w] = (v.resident[w]! | v.faulted[w]!) >>> 0;
  const bp = v.bigPagePages;
  for (let a = 0; a < v.pagesPerBlock; a += bp) {
    if (maskRangeEmpty(v.faulted, 0, a, a + bp)) continue;
    if (v.hasThrashing && !maskRangeEmpty(v.thrashing, 0, a, a + bp)) continue;
    maskFillRange(tree, 0, Math.max(a, first), Math.min(a + bp, end));
  }
  const levels = 31 - Math.clz32(v.pagesPerBlock);
  for (let p = first; p < end; p++) {
    if (!maskTest(v.faulted, 0, p)) continue;
    if (maskTest(v.thrashing, 0, p) || maskTest(out, 0, p)) continue;
    let ra = -1;
    let rb = -1;
    for (let k = 0; k <= levels; k++) {
      const size = 1 << k;
      const a = Math.max(p & ~(size - 1), first);
      const b = Math.min((p & ~(size - 1)) + size, end);
      if (maskCountRange(tree, 0, a, b) * 100 > (b - a) * threshold) {
        ra = a;
        rb = b;
      }
    }
    if (ra >= 0) maskFillRange(out, 0, ra, rb);
    if (ra === first && rb === end) break;
  }
  let n = 0;
  for (let w = 0; w < words; w++) {
    const x = (out[w]! & ~(v.faulted[w]! | v.resident[w]! | v.thrashing[w]!)) >>> 0;
    out[w] = x;
    n += popcount32(x);
  }
  return n;
}

/** A random block state: residency grown and shrunk by runs (as migrations and evictions do), a few faults. */
function randomView(rng: Rng, ppb: number, bigPagePages: number): BlockFaultView {
  const words = Math.max(1, Math.ceil(ppb / 32));
  const v: BlockFaultView = {
    pagesPerBlock: ppb, words, bigPagePages, firstPage: 0, endPage: ppb,
    resident: new Uint32Array(words), faulted: new Uint32Array(words), thrashing: new Uint32Array(words), hasThrashing: false,
  };
  if (rng.next() < 0.3) {
    v.firstPage = rng.int(ppb);
    v.endPage = v.firstPage + 1 + rng.int(ppb - v.firstPage);
  }
  const density = rng.next();
  const runs = rng.int(12);
  for (let r = 0; r < runs; r++) {
    const a = v.firstPage + rng.int(v.endPage - v.firstPage);
    const b = Math.min(v.endPage, a + 1 + rng.int(rng.next() < 0.5 ? 16 : ppb));
    if (rng.next() < 0.7) maskFillRange(v.resident, 0, a, b);
    else for (let p = a; p < b; p++) if (rng.next() > density) v.resident[p >>> 5]! &= ~(1 << (p & 31));
  }
  for (let p = v.firstPage; p < v.endPage; p++) if (rng.next() < density * 0.3) v.resident[p >>> 5]! |= 1 << (p & 31);
  const faults = 1 + rng.int(rng.next() < 0.7 ? 2 : 40);
  for (let f = 0; f < faults; f++) {
    const p = v.firstPage + rng.int(v.endPage - v.firstPage);
    if (!maskTest(v.resident, 0, p)) v.faulted[p >>> 5]! |= 1 << (p & 31);
  }
  if (rng.next() < 0.2) {
    const t = 1 + rng.int(4);
    for (let i = 0; i < t; i++) {
      const p = v.firstPage + rng.int(v.endPage - v.firstPage);
      v.thrashing[p >>> 5]! |= 1 << (p & 31);
    }
    v.hasThrashing = true;
  }
  return v;
}

test('tbn: the word-count walk chooses exactly what the recounting reference chooses (20,000 random block states, 3 geometries, 3 thresholds)', () => {
  const rng = new Rng(15);
  let chosen = 0;
  for (const [ppb, bp] of [[512, 16], [64, 16], [512, 32]] as const) {
    for (const threshold of [51, 1, 90]) {
      const fast = tbnPrefetch.create({ thresholdPercent: threshold, largePageFill: 0 }, { rng: new Rng(0) });
      for (let i = 0; i < 2500; i++) {
        const v = randomView(rng, ppb, bp);
        const a = new Uint32Array(v.words);
        const b = new Uint32Array(v.words);
        const na = fast.choose(v, a);
        const nb = referenceChoose(v, b, threshold);
        assert.equal(na, nb, `view ${i} (ppb ${ppb}, threshold ${threshold}): count`);
        assert.deepEqual([...a], [...b], `view ${i} (ppb ${ppb}, threshold ${threshold}): pages`);
        chosen += na;
      }
    }
  }
  assert.ok(chosen > 10_000, `the random states exercise the prefetcher (${chosen} pages chosen)`);
});

test('tbn: the one-pass count of a whole block (big pages inside a word, or wider) chooses what the reference chooses (big pages of 1 to 64 pages)', () => {
  const rng = new Rng(16);
  let chosen = 0;
  for (const [ppb, bp] of [[512, 1], [512, 2], [512, 4], [256, 8], [512, 64], [32, 4]] as const) {
    const fast = tbnPrefetch.create({ thresholdPercent: 51, largePageFill: 0 }, { rng: new Rng(0) });
    for (let i = 0; i < 1500; i++) {
      const v = randomView(rng, ppb, bp);
      const a = new Uint32Array(v.words);
      const b = new Uint32Array(v.words);
      const na = fast.choose(v, a);
      const nb = referenceChoose(v, b, 51);
      assert.equal(na, nb, `view ${i} (ppb ${ppb}, big page ${bp}): count`);
      assert.deepEqual([...a], [...b], `view ${i} (ppb ${ppb}, big page ${bp}): pages`);
      chosen += na;
    }
  }
  assert.ok(chosen > 10_000, `the random states exercise the prefetcher (${chosen} pages chosen)`);
});

test('tbn: sparse whole blocks (a few resident pages, one to three faults) choose what the reference chooses', () => {
  // the random states above are mostly dense; here a whole block holds so few populated pages (resident ∪ faulted
  // big pages) that no subtree of 32 pages or more qualifies in most states: only big pages and smaller subtrees
  const rng = new Rng(17);
  let sparse = 0;
  let chosen = 0;
  for (const [ppb, bp] of [[512, 16], [512, 8], [512, 1], [64, 16]] as const) {
    for (const threshold of [51, 90, 40, 50]) {
      const fast = tbnPrefetch.create({ thresholdPercent: threshold, largePageFill: 0 }, { rng: new Rng(0) });
      for (let i = 0; i < 500; i++) {
        const words = Math.max(1, Math.ceil(ppb / 32));
        const v: BlockFaultView = {
          pagesPerBlock: ppb, words, bigPagePages: bp, firstPage: 0, endPage: ppb,
          resident: new Uint32Array(words), faulted: new Uint32Array(words), thrashing: new Uint32Array(words), hasThrashing: false,
        };
        for (let r = rng.int(20); r > 0; r--) maskSet(v.resident, 0, rng.int(ppb));
        for (let f = 1 + rng.int(3); f > 0; f--) {
          const p = rng.int(ppb);
          if (!maskTest(v.resident, 0, p)) maskSet(v.faulted, 0, p);
        }
        // the tree's populated pages, as the prefetcher counts them (no thrashing here)
        const tree = Uint32Array.from(v.resident);
        for (let p = 0; p < ppb; p++) if (maskTest(v.faulted, 0, p)) maskFillRange(tree, 0, p - (p % bp), p - (p % bp) + bp);
        if (maskCountRange(tree, 0, 0, ppb) * 100 <= 32 * threshold) sparse++;
        const a = new Uint32Array(words);
        const b = new Uint32Array(words);
        const na = fast.choose(v, a);
        assert.equal(na, referenceChoose(v, b, threshold), `view ${i} (ppb ${ppb}, big page ${bp}, threshold ${threshold}): count`);
        assert.deepEqual([...a], [...b], `view ${i} (ppb ${ppb}, big page ${bp}, threshold ${threshold}): pages`);
        chosen += na;
      }
    }
  }
  assert.ok(sparse > 2000 && chosen > 5000, `${sparse} sparse states, ${chosen} pages chosen`);
});
