import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bareLruOver } from '../../src/bench/lru-baseline';
import { distinctPages, fifoMisses, pageMixPages, pagesTrace } from '../../src/bench/page-mix';
import { planRuns, type TraceScan } from '../../src/run/run';
import { simulate } from '../../src/sim/engine';
import { systemPreset } from '../../src/systems/index';
import { PAGE_MIX_BASE_VA } from '../../src/workloads/page-mix/index';
import { BENCH_TRACE_SHAPE, type PageMixShape } from '../../src/workloads/page-mix/stream';

/** A reduced page-mix: 2^20 pages of address space, 8 layers of 2,048 + 512 pages, a 16,384-page hot region. */
const SHAPE: PageMixShape = {
  ...BENCH_TRACE_SHAPE, vaPages: 2 ** 20, layers: 8, weightPagesPerLayer: 2048, activationPagesPerLayer: 512, hotPages: 16_384, hotBasePage: 2 ** 19,
};
const EVENTS = 120_000;

/** A plain Map-ordered LRU (independent of the kernel): misses. */
function mapLru(pages: Int32Array, frames: number): number {
  const m = new Map<number, true>();
  let misses = 0;
  for (const p of pages) {
    if (m.has(p)) {
      m.delete(p);
      m.set(p, true);
      continue;
    }
    misses++;
    if (m.size >= frames) m.delete(m.keys().next().value!);
    m.set(p, true);
  }
  return misses;
}

async function deviceFaults(system: string, pages: Int32Array, frames: number): Promise<number> {
  const scan: TraceScan = { name: 'page-mix', digest: 'test', footprintBytes: SHAPE.vaPages * 4096, events: 0, maxAgent: 1 };
  const [run] = planRuns({ system, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': frames * 4096 }, debug: false }, scan);
  const r = await simulate(run!, systemPreset(run!.preset)!.def, pagesTrace(pages, SHAPE.vaPages));
  return r.summary.deviceFaults;
}

test('the reference FIFO and the bare LRU kernel on a hand-checked sequence', async () => {
  // 3 frames over 1 2 3 1 4 1 5 2: FIFO misses 1 2 3 4 (evicts 1) 1 (evicts 2) 5 (evicts 3) 2 (evicts 4) = 7;
  // LRU misses 1 2 3 4 (evicts 2) 5 (evicts 3) 2 (evicts 4) = 6
  const seq = Int32Array.from([1, 2, 3, 1, 4, 1, 5, 2]);
  assert.equal(fifoMisses(seq, 8, 3), 7);
  assert.equal(await bareLruOver(pagesTrace(seq, 8), 3, PAGE_MIX_BASE_VA, 8), 6);
  assert.equal(mapLru(seq, 3), 6);
  assert.equal(distinctPages(seq, 8), 5);
});

test('gmem-paper as plain LRU and as plain FIFO: device faults equal the reference LRU / FIFO misses at 25, 50 and 75 % of the distinct pages', async () => {
  const pages = pageMixPages(SHAPE, EVENTS);
  const distinct = distinctPages(pages, SHAPE.vaPages);
  for (const pct of [25, 50, 75]) {
    const frames = Math.floor((distinct * pct) / 100);
    const lru = await bareLruOver(pagesTrace(pages, SHAPE.vaPages), frames, PAGE_MIX_BASE_VA, SHAPE.vaPages);
    assert.equal(lru, mapLru(pages, frames), `kernel vs Map LRU at ${pct} %`);
    assert.ok(lru > distinct, 'the capacity forces evictions');
    assert.equal(await deviceFaults('gmem-paper:victim=lru:accessBitsRefresh=true:chargePageTables=false', pages, frames), lru, `LRU at ${pct} %`);
    assert.equal(await deviceFaults('gmem-paper:victim=fifo:chargePageTables=false', pages, frames), fifoMisses(pages, SHAPE.vaPages, frames), `FIFO at ${pct} %`);
  }
});
