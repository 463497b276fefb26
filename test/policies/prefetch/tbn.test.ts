import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tbnPrefetch } from '../../../src/policies/prefetch/tbn';
import type { BlockFaultView } from '../../../src/policies/prefetch/types';
import { maskCountRange, maskFillRange, maskSet, maskTest } from '../../../src/model/page-mask';
import { Rng } from '../../../src/sim/rng';

function block(): BlockFaultView {
  return {
    pagesPerBlock: 512, words: 16, bigPagePages: 16, firstPage: 0, endPage: 512,
    resident: new Uint32Array(16), faulted: new Uint32Array(16), thrashing: new Uint32Array(16), hasThrashing: false,
  };
}
const tbn = () => tbnPrefetch.create(tbnPrefetch.defaults, { rng: new Rng(0) });
const pages = (m: Uint32Array): number[] => [...Array(512).keys()].filter((p) => maskTest(m, 0, p));
const range = (a: number, b: number): number[] => [...Array(b - a).keys()].map((i) => a + i);

test('tbn: a fault next to 256 KiB of resident pages prefetches the 512 KiB subtree that is 62.5% populated', () => {
  // Hand-drawn block: pages 0..63 resident (4 big pages), fault at page 70 (big page 4 = pages 64..79).
  // Tree pages after growing the faulted big page: 0..79 (80 pages).
  //   [64,80)  16/16  → yes     [64,96) 16/32 = 50%  → no (needs > 51%)   [64,128) 16/64 → no
  //   [0,128)  80/128 = 62.5% → yes (largest so far)   [0,256) 80/256 → no   [0,512) → no
  // Region [0,128) minus resident 0..63 and the faulted page 70 → 63 pages.
  const v = block();
  maskFillRange(v.resident, 0, 0, 64);
  maskSet(v.faulted, 0, 70);
  const out = new Uint32Array(16);
  const n = tbn().choose(v, out);
  assert.equal(n, 63);
  assert.deepEqual(pages(out), range(64, 128).filter((p) => p !== 70));
});

test('tbn: exactly half of the block populated is not enough (51% threshold); one more big page is', () => {
  // 15 resident big pages (240 pages) + the faulted big page = 256/512 = 50% → only the faulted big page.
  const v = block();
  maskFillRange(v.resident, 0, 0, 240);
  maskSet(v.faulted, 0, 300);
  const out = new Uint32Array(16);
  assert.equal(tbn().choose(v, out), 15);
  assert.deepEqual(pages(out), range(288, 304).filter((p) => p !== 300));
  // 16 resident big pages + the faulted one = 272/512 = 53.1% → the whole block.
  const w = block();
  maskFillRange(w.resident, 0, 0, 256);
  maskSet(w.faulted, 0, 300);
  const out2 = new Uint32Array(16);
  assert.equal(tbn().choose(w, out2), 512 - 256 - 1);
});

test('tbn: a thrashing page is never prefetched and its big page is not taken whole', () => {
  const v = block();
  maskSet(v.faulted, 0, 70);
  maskSet(v.thrashing, 0, 75);
  v.hasThrashing = true;
  const out = new Uint32Array(16);
  // no growth (thrashing in big page 4): tree = {70}; region = the leaf [70,71) → nothing beyond the fault
  assert.equal(tbn().choose(v, out), 0);
});

test('tbn: regions are clipped to the pages that exist (allocation ends at page 100)', () => {
  const v = block();
  v.endPage = 100;
  maskFillRange(v.resident, 0, 0, 64);
  maskSet(v.faulted, 0, 70);
  const out = new Uint32Array(16);
  // [0,128) clipped to [0,100): 80/100 populated → chosen; [0,256)∩ = [0,100) same → also chosen (largest);
  // so the region is [0,100): pages 64..99 minus the fault.
  assert.equal(tbn().choose(v, out), 35);
  assert.equal(maskCountRange(out, 0, 100, 512), 0);
});

// UVMSmart's TBN (largePageFill = 1: do_hardware_prefetch + traverse_and_fill_lp_tree, gpgpu-sim_UVMSmart gpu-sim.cc)
const tbnUvmsmart = () => tbnPrefetch.create({ thresholdPercent: 51, largePageFill: 1 }, { rng: new Rng(0) });

test('tbn largePageFill: bottom-up — a filled child tips its parent over half, and nodes off the fault path fill too', () => {
  // Basic blocks (16 pages) 0, 1, 2 resident, fault at page 70 (basic block 4).
  //   node bb[0..3]: 48/64 > half, not full → its empty bb 3 (pages 48..63) fills → 64/64
  //   node bb[4..7]: 16/64 → no;  node bb[0..7]: 64 + 16 = 80/128 > half → empty bbs 5, 6, 7 (pages 80..127) fill
  //   node bb[0..15]: 128/256 = half → no (more than half needed)
  // Pages: 48..63, 64..79 without the faulted 70, 80..127 → 16 + 15 + 48 = 79. (The driver's tree, on the counts
  // before any fill, gives only the faulted big page: [0,128) holds 64/128 = 50 %.)
  const v = block();
  maskFillRange(v.resident, 0, 0, 48);
  maskSet(v.faulted, 0, 70);
  const out = new Uint32Array(16);
  assert.equal(tbnUvmsmart().choose(v, out), 79);
  assert.deepEqual(pages(out), range(48, 128).filter((p) => p !== 70));
  const drv = new Uint32Array(16);
  assert.equal(tbn().choose(v, drv), 15);
});

test('tbn largePageFill: only empty basic blocks are filled; a partly valid one keeps its holes (fill_lp_tree)', () => {
  // bbs 0, 1 resident, bb 2 half (pages 32..39), fault at page 50 (bb 3): node bb[2..3] = 8 + 16 = 24/32 and
  // node bb[0..3] = 56/64 are more than half valid but have no EMPTY basic block → only bb 3 (15 pages besides 50).
  // The driver's tree takes [0, 64) (56/64 populated) and so also pages 40..47.
  const v = block();
  maskFillRange(v.resident, 0, 0, 40);
  maskSet(v.faulted, 0, 50);
  const out = new Uint32Array(16);
  assert.equal(tbnUvmsmart().choose(v, out), 15);
  assert.deepEqual(pages(out), range(48, 64).filter((p) => p !== 50));
  const drv = new Uint32Array(16);
  assert.equal(tbn().choose(v, drv), 23);
});
