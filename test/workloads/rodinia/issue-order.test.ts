import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents, type EventBatch } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { collectBatches } from '../../../src/trace/trace';
import { RODINIA_COMMON_DEFAULTS } from '../../../src/workloads/rodinia/define';
import { DeviceRun } from '../../../src/workloads/rodinia/device-run';
import { workloadTrace } from '../../../src/workloads/trace';

/**
 * The device rows of a step follow GPGPU-Sim's issue order (docs/workloads.md, "Rodinia kernels"): block i of a
 * wave on SM i mod sms as its ⌊i / sms⌋-th resident block; the k-th access of every resident warp before any
 * (k+1)-th; inside one k, warp slot then SM.
 */

/** Page indices (within array `x`) of the dev0 rows, in trace order. */
function devPages(batches: EventBatch[], baseVa: number): number[] {
  return batchesToEvents(batches)
    .filter((e) => e.op === 'access' && e.agent === 'dev0')
    .map((e) => (e.va! - baseVa) / 4096);
}

/**
 * 2 SMs, 4 blocks of 64 threads (2 warps each; 32 blocks fit per SM, so one wave). Thread t of block b reads
 * x[(2b + warp) · 1024 + lane] as its access k = 0 and x[(8 + 2b + warp) · 1024 + lane] as k = 1: page 2b + warp,
 * then page 8 + 2b + warp.
 */
function fourBlocks(issueOrder: string): number[] {
  const run = new DeviceRun({ ...RODINIA_COMMON_DEFAULTS, sms: 2, issueOrder });
  const x = run.managed('x', 16 * 1024, 4);
  const out: EventBatch[] = [];
  for (const b of run.launch('k', 4, 1, 64, { flops: 0, bytes: 1 }, (bx) => {
    for (let t = 0; t < 64; t++) {
      run.rec.thread(t);
      const warp = t >> 5;
      run.rec.r(x.id, (2 * bx + warp) * 1024 + (t & 31));
      run.rec.r(x.id, (8 + 2 * bx + warp) * 1024 + (t & 31));
    }
  })) out.push(b);
  for (const b of run.finish()) out.push(b);
  return devPages(out, x.va);
}

test('2 SMs × 2 warps: pages come in (access k, warp slot, SM) order, not by address', () => {
  // key = k·(32 blocks · 2 warps · 2 SMs) + (slot·2 + warp)·2 + sm; block b: sm = b mod 2, slot = ⌊b/2⌋.
  // k = 0: block0 w0 → 0 (page 0), block1 w0 → 1 (page 2), block0 w1 → 2 (page 1), block1 w1 → 3 (page 3),
  //        block2 w0 → 4 (page 4), block3 w0 → 5 (page 6), block2 w1 → 6 (page 5), block3 w1 → 7 (page 7);
  // k = 1: the same pattern on pages 8…15, after every k = 0 page.
  assert.deepEqual(fourBlocks('warps'), [0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15]);
  assert.deepEqual(fourBlocks('address'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
});

test('a page touched at several keys takes its earliest one; CPU steps stay in address order', () => {
  const run = new DeviceRun({ ...RODINIA_COMMON_DEFAULTS, sms: 2 });
  const x = run.managed('x', 4 * 1024, 4);
  run.cpuWrite(x, 0, 4 * 1024); // pages 0…3, ascending
  const out: EventBatch[] = [];
  // one block of 32 threads on SM 0: k = 0 reads page 3, k = 1 reads page 1, k = 2 reads page 3 again
  for (const b of run.launch('k', 1, 1, 32, { flops: 0, bytes: 1 }, () => {
    for (let t = 0; t < 32; t++) {
      run.rec.thread(t);
      run.rec.r(x.id, 3 * 1024 + t);
      run.rec.r(x.id, 1024 + t);
      run.rec.r(x.id, 3 * 1024 + 32 + t);
    }
  })) out.push(b);
  for (const b of run.finish()) out.push(b);
  const ev = batchesToEvents(out).filter((e) => e.op === 'access');
  assert.deepEqual(ev.filter((e) => e.agent === 'cpu').map((e) => (e.va! - x.va) / 4096), [0, 1, 2, 3]);
  const dev = ev.filter((e) => e.agent === 'dev0');
  assert.deepEqual(dev.map((e) => [(e.va! - x.va) / 4096, e.count]), [[3, 64], [1, 32]]);
});

/** Rows of a trace as sortable strings, and the device rows of each timestamp as a multiset. */
function rowKeys(ev: readonly TraceEvent[]): string[] {
  return ev.map((e) => JSON.stringify(e)).sort();
}

const SMALL: ReadonlyArray<readonly [string, Record<string, number>]> = [
  ['rodinia-bfs', { scale: 1 / 16 }],
  ['rodinia-hotspot', { scale: 0.25 }],
  ['rodinia-fdtd', { scale: 0.25, steps: 2 }],
  ['rodinia-backprop', { scale: 1 / 16 }],
  ['rodinia-nw', { scale: 0.25 }],
  ['rodinia-pathfinder', { scale: 0.25, rows: 24 }],
  ['rodinia-srad', { scale: 0.25, iterations: 1 }],
];

test('the issue order changes only the order of rows inside a step: same rows, same footprint, per workload', async () => {
  for (const [id, params] of SMALL) {
    const warps = batchesToEvents((await collectBatches(workloadTrace(id, params))).batches);
    const address = batchesToEvents((await collectBatches(workloadTrace(id, { ...params, issueOrder: 'address' }))).batches);
    assert.equal(warps.length, address.length, id);
    assert.deepEqual(rowKeys(warps), rowKeys(address), `${id}: same multiset of rows`);
    // each timestamp holds the same rows (the reorder never moves a row to another step)
    const at = (ev: readonly TraceEvent[]) => {
      const m = new Map<number, string[]>();
      for (const e of ev) m.set(e.tNs, [...(m.get(e.tNs) ?? []), JSON.stringify(e)]);
      return [...m].map(([t, rows]) => [t, rows.sort()] as const);
    };
    assert.deepEqual(at(warps), at(address), `${id}: same rows per step`);
    const devOrder = (ev: readonly TraceEvent[]) => ev.filter((e) => e.op === 'access' && e.agent === 'dev0').map((e) => `${e.va}/${e.access}`);
    if (id !== 'rodinia-nw') assert.notDeepEqual(devOrder(warps), devOrder(address), `${id}: the order changed`);
  }
});

test('the issue order is deterministic: the same seed gives the same rows in the same order', async () => {
  for (const [id, params] of SMALL.slice(0, 3)) {
    const a = batchesToEvents((await collectBatches(workloadTrace(id, params, 7))).batches);
    const b = batchesToEvents((await collectBatches(workloadTrace(id, params, 7))).batches);
    assert.deepEqual(a, b, id);
  }
});

/**
 * Every thread t of a block reading `m[first + t]` as its first access, then a few threads going on (the shape
 * of bfs's `Kernel`: all threads read their mask, frontier threads continue at k = 1), recorded two ways.
 */
function maskThenFrontier(fast: boolean, issueOrder: string, elemBytes: number): string {
  const run = new DeviceRun({ ...RODINIA_COMMON_DEFAULTS, sms: 3, issueOrder });
  const n = 5000; // 10 blocks of 512 threads, the last one partial; elements cross pages mid-warp for 8-byte elements
  const m = run.managed('m', n, elemBytes);
  const y = run.managed('y', 64 * 1024, 4);
  const out: EventBatch[] = [];
  for (const b of run.launch('k', Math.ceil(n / 512), 1, 512, { flops: 0, bytes: 1 }, (bx) => {
    const first = bx * 512;
    const threads = Math.min(512, n - first);
    if (fast) run.rec.firstAccessRange(m.id, first, 0, threads, false);
    for (let t = 0; t < threads; t++) {
      if (!fast) {
        run.rec.thread(t);
        run.rec.r(m.id, first + t);
      }
      if ((first + t) % 97 !== 5) continue; // a sparse "frontier"
      run.rec.thread(t);
      run.rec.r(y.id, ((first + t) * 7919) % (64 * 1024)); // k = 1, far away: its row comes after every k = 0 row
      run.rec.w(m.id, first + t); // k = 2
    }
  })) out.push(b);
  for (const b of run.finish()) out.push(b);
  return JSON.stringify(batchesToEvents(out));
}

test('firstAccessRange (one call per block) records the rows, counts and issue order of one r() per thread', () => {
  for (const order of ['warps', 'address']) {
    for (const elemBytes of [1, 8]) {
      const slow = maskThenFrontier(false, order, elemBytes);
      assert.equal(maskThenFrontier(true, order, elemBytes), slow, `${order}, ${elemBytes}-byte elements`);
      assert.ok(slow.length > 1000);
    }
  }
});

test('firstAccessRange keys a page at its lowest warp: against another block\'s k = 0 access it sorts as per-thread recording does', () => {
  // block 0 (SM 0): all 512 threads read m (one 4 KiB page of 8-byte elements): warp 0's key, 0; block 1 (SM 1):
  // thread 320 (warp 10) reads z at k = 0: key 10 · 3 + 1 = 31. m's row comes first; keyed by its last warp (45) it would not.
  const rows = (fast: boolean): string => {
    const run = new DeviceRun({ ...RODINIA_COMMON_DEFAULTS, sms: 3 });
    const m = run.managed('m', 512, 8);
    const z = run.managed('z', 1024, 4);
    const out: EventBatch[] = [];
    for (const b of run.launch('k', 2, 1, 512, { flops: 0, bytes: 1 }, (bx) => {
      if (bx === 1) {
        run.rec.thread(320);
        run.rec.r(z.id, 7);
      } else if (fast) run.rec.firstAccessRange(m.id, 0, 0, 512, false);
      else for (let t = 0; t < 512; t++) (run.rec.thread(t), run.rec.r(m.id, t));
    })) out.push(b);
    for (const b of run.finish()) out.push(b);
    return batchesToEvents(out).filter((e) => e.op === 'access').map((e) => (e.va === m.va ? 'm' : 'z')).join(' ');
  };
  assert.equal(rows(false), 'm z');
  assert.equal(rows(true), 'm z');
});

/**
 * Two rows of 40 threads with unequal histories (thread t of row 0 made t % 3 earlier accesses) load a
 * contiguous run of `a` then of `b` and store `c`; per-thread recording (thread(t); r; r; w in turn) against
 * threadsAccess array by array. Pages hold 16-byte… 1-byte elements; the runs cross page boundaries.
 */
function rowsRun(fast: boolean, order: string, elemBytes: number): string {
  const run = new DeviceRun({ ...RODINIA_COMMON_DEFAULTS, sms: 3, issueOrder: order });
  const per = 4096 / elemBytes;
  const a = run.managed('a', 4 * per, elemBytes);
  const b = run.managed('b', 4 * per, elemBytes);
  const c = run.managed('c', 4 * per, elemBytes);
  const out: EventBatch[] = [];
  for (const bt of run.launch('k', 6, 1, 256, { flops: 0, bytes: 1 }, (bx) => {
    for (let t = 0; t < 40; t++) for (let j = 0; j < t % 3; j++) (run.rec.thread(t), run.rec.r(c.id, (bx * 7 + j) % per));
    for (let row = 0; row < 2; row++) {
      const t0 = 100 * row + 5;
      const from = bx * (per / 2) + row * per - 17 + per; // straddles a page boundary
      if (fast) {
        run.rec.threadsAccess(a.id, from, t0, 40, false);
        run.rec.threadsAccess(b.id, from + 3, t0, 40, false);
        run.rec.threadsAccess(c.id, from, t0, 40, true);
      } else {
        for (let t = 0; t < 40; t++) {
          run.rec.thread(t0 + t);
          run.rec.r(a.id, from + t);
          run.rec.r(b.id, from + 3 + t);
          run.rec.w(c.id, from + t);
        }
      }
    }
    run.rec.thread(7); // a later access continues at each thread's count
    run.rec.w(a.id, bx);
  })) out.push(bt);
  for (const bt of run.finish()) out.push(bt);
  return JSON.stringify(batchesToEvents(out));
}

test('threadsAccess (a row of threads, array by array) records the rows, counts and issue order of per-thread r/w calls', () => {
  for (const order of ['warps', 'address']) {
    for (const elemBytes of [1, 4, 16]) {
      const slow = rowsRun(false, order, elemBytes);
      assert.equal(rowsRun(true, order, elemBytes), slow, `${order}, ${elemBytes}-byte elements`);
      assert.ok(slow.length > 2000);
    }
  }
});
