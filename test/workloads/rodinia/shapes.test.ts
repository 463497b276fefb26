import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { collectBatches } from '../../../src/trace/trace';
import { workloadTrace } from '../../../src/workloads/trace';

/**
 * The qualitative shapes of the page streams the UVM studies rely on: regular kernels sweep whole arrays
 * every launch, nw moves along anti-diagonals, pathfinder streams the wall row block by row block, bfs
 * follows its frontier.
 */
interface Launch {
  label: string;
  /** array name → set of page indices (within the array) touched, per access kind */
  r: Map<string, Set<number>>;
  w: Map<string, Set<number>>;
  rows: number;
}

async function launches(id: string, params: Record<string, number> = {}): Promise<{ launches: Launch[]; pages: Map<string, number>; ev: TraceEvent[] }> {
  const ev = batchesToEvents((await collectBatches(workloadTrace(id, params))).batches);
  const allocs = ev.filter((e) => e.op === 'alloc');
  const pages = new Map(allocs.map((a) => [a.resource!, Math.ceil(a.bytes! / 4096)]));
  const out: Launch[] = [];
  let cur: Launch | undefined;
  for (const e of ev) {
    if (e.op === 'kernelBegin') cur = { label: e.label!, r: new Map(), w: new Map(), rows: 0 };
    else if (e.op === 'kernelEnd') (out.push(cur!), (cur = undefined));
    else if (e.op === 'access' && cur) {
      const a = allocs.find((x) => e.va! >= x.va! && e.va! < x.va! + x.bytes!)!;
      const m = e.access === 'w' ? cur.w : cur.r;
      if (!m.has(a.resource!)) m.set(a.resource!, new Set());
      m.get(a.resource!)!.add((e.va! - a.va!) / 4096);
      cur.rows++;
    }
  }
  return { launches: out, pages, ev };
}

const all = (n: number): Set<number> => new Set(Array.from({ length: n }, (_, i) => i));

test('hotspot: every launch reads all of temp_src and power and writes all of temp_dst (ping-pong)', async () => {
  const { launches: ls, pages } = await launches('rodinia-hotspot', { scale: 0.5, iterations: 6 });
  assert.equal(ls.length, 3);
  ls.forEach((l, k) => {
    const [src, dst] = k % 2 === 0 ? ['temp0', 'temp1'] : ['temp1', 'temp0'];
    assert.deepEqual(l.r.get(src), all(pages.get(src)!));
    assert.deepEqual(l.r.get('power'), all(pages.get('power')!));
    assert.deepEqual(l.w.get(dst), all(pages.get(dst)!));
    assert.equal(l.w.get(src), undefined);
  });
});

test('fdtd and srad: each kernel is a full sweep of the arrays it uses', async () => {
  const f = await launches('rodinia-fdtd', { scale: 0.5, steps: 2 });
  assert.deepEqual(f.launches.map((l) => l.label), ['fdtd_step1_kernel', 'fdtd_step2_kernel', 'fdtd_step3_kernel', 'fdtd_step1_kernel', 'fdtd_step2_kernel', 'fdtd_step3_kernel']);
  // ex is NX × (NY+1) and ey (NX+1) × NY: the kernels write all but the extra row's last page
  for (const l of f.launches) for (const [name, set] of l.w) assert.ok(set.size >= f.pages.get(name)! - 1, `${l.label} writes all of ${name}`);
  const s = await launches('rodinia-srad', { scale: 0.5, iterations: 2 });
  for (const l of s.launches) for (const name of ['J', 'C']) assert.deepEqual(l.r.get(name) ?? l.w.get(name), all(s.pages.get(name)!), `${l.label} sweeps ${name}`);
  // between iterations the host reads the region of interest of J (CPU accesses outside kernels)
  const cpuRows = s.ev.filter((e) => e.op === 'access' && e.agent === 'cpu' && e.access === 'r');
  assert.ok(cpuRows.length > 0);
});

test('pathfinder: launch k reads exactly the wall rows of its row block', async () => {
  const { launches: ls, ev } = await launches('rodinia-pathfinder', { scale: 0.25, rows: 61, pyramidHeight: 20 });
  const cols = 16384;
  const rowPages = (cols * 4) / 4096; // 16 pages per wall row
  assert.equal(ls.length, 3);
  ls.forEach((l, k) => {
    const expected = new Set<number>();
    for (let r = 20 * k; r < 20 * k + 20; r++) for (let q = 0; q < rowPages; q++) expected.add(r * rowPages + q);
    assert.deepEqual(l.r.get('gpuWall'), expected, `launch ${k}`);
  });
  assert.ok(ev.length > 0);
});

test('nw: each launch touches only the score-matrix rows of its anti-diagonal of tiles, and the diagonals move', async () => {
  const { launches: ls } = await launches('rodinia-nw', { scale: 0.5 });
  const n = 256;
  const cols = n + 1;
  const blockWidth = n / 16;
  assert.equal(ls.length, 2 * blockWidth - 1);
  const rowOfPage = (p: number) => Math.floor((p * 4096) / (cols * 4));
  let previous = '';
  ls.forEach((l, k) => {
    const i = k < blockWidth ? k + 1 : 2 * blockWidth - 1 - k; // blocks in the launch
    const blockRows = new Set<number>();
    for (let bx = 0; bx < i; bx++) blockRows.add(k < blockWidth ? i - 1 - bx : blockWidth - bx - 1);
    for (const p of l.w.get('input_itemsets')!) {
      const lo = rowOfPage(p);
      const hi = rowOfPage(p + 1 - 1 / 4096);
      const ok = [...blockRows].some((b) => hi >= 16 * b + 1 && lo <= 16 * b + 16);
      assert.ok(ok, `launch ${k} writes page ${p} outside its diagonal`);
    }
    const sig = [...l.w.get('input_itemsets')!].sort((a, b) => a - b).join(',');
    assert.notEqual(sig, previous, 'consecutive diagonals touch different pages');
    previous = sig;
  });
});

test('bfs: the frontier drives the stream — edge pages per expansion grow then shrink', async () => {
  const { launches: ls, pages } = await launches('rodinia-bfs');
  const expand = ls.filter((l) => l.label === 'Kernel');
  const edgePages = expand.map((l) => l.r.get('graph_edges')?.size ?? 0);
  const total = pages.get('graph_edges')!;
  assert.ok(edgePages[0]! <= 2, 'the first level expands only the source');
  assert.ok(Math.max(...edgePages) > 0.5 * total, 'a middle level touches most edge pages');
  assert.ok(edgePages.at(-1)! < Math.max(...edgePages), 'the last level is small again');
  // every expansion kernel reads the whole mask (one thread per node), whatever the frontier size
  for (const l of expand) assert.deepEqual(l.r.get('graph_mask'), all(pages.get('graph_mask')!));
});

test('backprop: both kernels sweep the whole weight matrix, the forward one reads it only', async () => {
  const { launches: ls, pages } = await launches('rodinia-backprop', { scale: 0.25 });
  assert.deepEqual(ls.map((l) => l.label), ['bpnn_layerforward_CUDA', 'bpnn_adjust_weights_cuda']);
  assert.deepEqual(ls[0]!.r.get('input_weights'), all(pages.get('input_weights')!));
  assert.equal(ls[0]!.w.get('input_weights'), undefined);
  assert.deepEqual(ls[1]!.w.get('input_weights'), all(pages.get('input_weights')!));
  assert.deepEqual(ls[1]!.w.get('input_prev_weights'), all(pages.get('input_prev_weights')!));
});
