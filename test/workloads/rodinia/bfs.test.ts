import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/sim/rng';
import { Access, Op } from '../../../src/trace/event';
import { bfsProgram, generateGraph, type BfsProbe } from '../../../src/workloads/rodinia/bfs';
import { runProgram } from './helpers';

/** Reference: textbook queue-based BFS over the same adjacency (distances, −1 = unreachable). */
function referenceBfs(nodes: number, adj: number[][], source: number): Int32Array {
  const dist = new Int32Array(nodes).fill(-1);
  dist[source] = 0;
  const queue = [source];
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h]!;
    for (const v of adj[u]!) if (dist[v] === -1) (dist[v] = dist[u]! + 1), queue.push(v);
  }
  return dist;
}

test('the generated graph is undirected with degrees in the drawn range', () => {
  const g = generateGraph(1000, 2, 4, new Rng(1));
  const count = new Map<string, number>();
  for (let i = 0; i < g.nodes; i++) {
    for (let e = g.starting[i]!; e < g.starting[i]! + g.degree[i]!; e++) {
      const k = `${i},${g.edges[e]}`;
      count.set(k, (count.get(k) ?? 0) + 1);
    }
  }
  for (const [k, c] of count) {
    const [a, b] = k.split(',');
    assert.equal(count.get(`${b},${a}`), c, `edge ${k} has no reverse`);
  }
  assert.ok(g.edges.length >= 2 * 2 * 1000 && g.edges.length <= 2 * 4 * 1000);
});

test('bfs kernels compute the same distances as a queue-based BFS', () => {
  const probe: BfsProbe = {};
  let frontierWrites = 0;
  for (const b of runProgram((run, p, rng) => bfsProgram(run, p, rng, probe), { scale: 0.25, minEdges: 1, maxEdges: 2 }, 5)) {
    for (let i = 0; i < b.length; i++) if (b.op[i] === Op.access && b.access[i] === Access.w && b.agent[i] === 1) frontierWrites++;
  }
  const g = probe.graph!;
  const adj: number[][] = [];
  for (let i = 0; i < g.nodes; i++) adj.push(Array.from(g.edges.subarray(g.starting[i]!, g.starting[i]! + g.degree[i]!)));
  const ref = referenceBfs(g.nodes, adj, probe.source!);
  assert.deepEqual(Array.from(probe.cost!), Array.from(ref));
  // one host iteration per frontier: levels 0 … eccentricity, the last one finds nothing and ends the loop
  assert.equal(probe.levels, Math.max(...ref) + 1);
  assert.ok(frontierWrites > 0);
});

test('bfs: `over` is cudaMalloc device memory (bfs.cu:159) set and read with one cudaMemcpy each per level; one sync before the read-back', async () => {
  const { batchesToEvents } = await import('../../../src/trace/batch');
  const probe: BfsProbe = {};
  const ev = batchesToEvents(runProgram((run, p, rng) => bfsProgram(run, p, rng, probe), { scale: 1 / 64, minEdges: 1, maxEdges: 2 }, 5));
  const over = ev.find((e) => e.op === 'alloc' && e.resource === 'over')!;
  assert.deepEqual(over.flags, ['device']);
  assert.equal(over.bytes, 1);
  const managed = ev.filter((e) => e.op === 'alloc' && e.flags!.includes('managed')).map((e) => e.resource);
  assert.deepEqual(managed, ['graph_nodes', 'graph_edges', 'graph_mask', 'updating_graph_mask', 'graph_visited', 'cost']);
  // no CPU access to it: per level a 1-byte copy to the device before Kernel and one back after Kernel2
  assert.equal(ev.filter((e) => e.op === 'access' && e.agent === 'cpu' && e.va! >= over.va! && e.va! < over.va! + 4096).length, 0);
  const copies = ev.filter((e) => e.op === 'copy');
  assert.equal(copies.length, 2 * probe.levels!);
  assert.deepEqual(copies.slice(0, 2).map((e) => [e.agent, e.target, e.bytes]), [['cpu', 'dev0', 1], ['dev0', 'cpu', 1]]);
  // cudaDeviceSynchronize after the loop (bfs.cu:233), before the cost read-back
  const syncAt = ev.findIndex((e) => e.op === 'marker' && e.label === 'sync');
  const lastKernel = ev.map((e) => e.op).lastIndexOf('kernelEnd');
  assert.ok(syncAt > lastKernel && ev.filter((e) => e.op === 'marker' && e.label === 'sync').length === 1);
});
