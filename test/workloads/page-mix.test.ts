import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageMix, pageMixBatches, PAGE_MIX_BASE_VA } from '../../src/workloads/page-mix/index';
import { BENCH_TRACE_SHAPE, PageMixStream, sequentialCyclePages, type PageMixShape } from '../../src/workloads/page-mix/stream';
import { resolveWorkloadParams } from '../../src/workloads/params';
import { GmemlabError } from '../../src/log/diagnostic';
import { Op } from '../../src/trace/event';

/** A shape with only the sequential sweep: 2 layers of 3 weight and 2 activation pages. */
const TINY: PageMixShape = {
  ...BENCH_TRACE_SHAPE, vaPages: 64, layers: 2, weightPagesPerLayer: 3, activationPagesPerLayer: 2, weightBasePage: 10,
  activationGapPages: 4, hotPages: 4, hotBasePage: 40, pRandom: 0, pZipf: 0,
};

test('the sequential stream sweeps layers forward (weights then activations, increasing) and back (activations then weights, decreasing)', () => {
  // weights: L0 10,11,12; L1 13,14,15. Activations start at 10 + 2·3 + 4 = 20: L0 20,21; L1 22,23.
  const forward = [10, 11, 12, 20, 21, 13, 14, 15, 22, 23];
  const backward = [23, 22, 15, 14, 13, 21, 20, 12, 11, 10];
  const s = new PageMixStream(TINY, 0);
  const out = new Int32Array(25);
  s.fill(out, 25);
  assert.equal(sequentialCyclePages(TINY), 20);
  assert.deepEqual([...out], [...forward, ...backward, ...forward.slice(0, 5)]);
});

test('mulberry32 from state 0x9e3779b9: the first draws of docs/bench-trace.md', () => {
  // hand-computed: s = 0x9e3779b9 + 0x6d2b79f5 = 0x0b62f3ae (mod 2^32), then the mixing steps of the spec
  const st = (0x9e3779b9 + 0x6d2b79f5) >>> 0;
  assert.equal(st, 0x0b62f3ae);
  let t = st;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const first = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  const s = new PageMixStream({ ...TINY, hotPages: 1 }, 0); // hotPages 1: the permutation takes no draws
  assert.equal(s.draw(), first);
  assert.ok(first >= 0 && first < 1);
});

test('docs/bench-trace.md check values: first six pages and 2,108,965 distinct pages in 20,000,000 accesses', () => {
  const n = 20_000_000;
  const s = new PageMixStream(BENCH_TRACE_SHAPE, 0);
  const chunk = new Int32Array(1 << 16);
  const seen = new Uint8Array(BENCH_TRACE_SHAPE.vaPages);
  let distinct = 0;
  let first: number[] = [];
  for (let done = 0; done < n; done += chunk.length) {
    const k = Math.min(chunk.length, n - done);
    s.fill(chunk, k);
    if (done === 0) first = [...chunk.subarray(0, 6)];
    for (let i = 0; i < k; i++) {
      const p = chunk[i]!;
      if (seen[p] === 0) {
        seen[p] = 1;
        distinct++;
      }
    }
  }
  assert.deepEqual(first, [65536, 65537, 65538, 10043576, 65539, 10368786]);
  assert.equal(distinct, 2_108_965);
  assert.equal(distinct * 4096, 8_638_320_640);
});

test('the workload: one managed allocation over vaPages, one 4 KiB read per stream page at base + page · 4096, then the free', () => {
  const p = resolveWorkloadParams(pageMix, { events: 70_000, hotPages: 1024 });
  const batches = [...pageMixBatches(p, 0, undefined, { rows: 65_536 })];
  const rows = batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => ({ op: b.op[i]!, va: b.va[i]!, bytes: b.bytes[i]!, t: b.tNs[i]! })));
  assert.equal(rows.length, 70_002);
  assert.deepEqual(rows[0], { op: Op.alloc, va: PAGE_MIX_BASE_VA, bytes: 2 ** 24 * 4096, t: 0 });
  assert.equal(rows.at(-1)!.op, Op.free);
  assert.equal(rows.at(-1)!.t, 700_000);
  const s = new PageMixStream(p, 0);
  const expect = new Int32Array(70_000);
  s.fill(expect, 70_000);
  for (let i = 0; i < 70_000; i++) {
    const r = rows[i + 1]!;
    if (r.op !== Op.access || r.va !== PAGE_MIX_BASE_VA + expect[i]! * 4096 || r.bytes !== 4096 || r.t !== i * 10) assert.fail(`row ${i + 1}: ${JSON.stringify(r)}`);
  }
  // reused batches carry the same rows
  const again = [...pageMixBatches(p, 0, undefined, { rows: 65_536, reuseBatches: true })].map((b) => b.va[b.length - 1]);
  assert.deepEqual(again, batches.map((b) => b.va[b.length - 1]));
});

test('a seed shifts the generator state; seed 0 is the specified stream', () => {
  const a = new PageMixStream({ ...TINY, pRandom: 1 }, 0);
  const b = new PageMixStream({ ...TINY, pRandom: 1 }, 1);
  const c = new PageMixStream({ ...TINY, pRandom: 1 }, 0);
  const xs = [a.next(), a.next(), a.next()];
  assert.deepEqual([c.next(), c.next(), c.next()], xs);
  assert.notDeepEqual([b.next(), b.next(), b.next()], xs);
});

test('a shape whose pages fall outside vaPages is bad input naming the parameter', () => {
  assert.throws(() => resolveWorkloadParams(pageMix, { vaPages: 1000 }), (e: unknown) => e instanceof GmemlabError && /vaPages/.test(e.diagnostic.message));
  assert.throws(() => resolveWorkloadParams(pageMix, { hotBasePage: 2 ** 24 - 10 }), (e: unknown) => e instanceof GmemlabError && /hotBasePage/.test(e.diagnostic.message));
  assert.throws(() => resolveWorkloadParams(pageMix, { pZipf: 0.995 }), (e: unknown) => e instanceof GmemlabError && /pZipf/.test(e.diagnostic.message));
});
