import { grown } from '../../io/typed-arrays';
import type { EventBatch } from '../../trace/batch';
import type { Rng } from '../../sim/rng';
import { intIn } from '../params';
import type { DeviceRun, RodiniaCommon } from './device-run';
import { rodiniaWorkload, scaled } from './define';

/**
 * Rodinia `bfs` (CUDA version, Harish & Narayanan): level-synchronous breadth-first search over a CSR
 * graph. Per level, `Kernel` expands the frontier (`graph_mask`) — each frontier node reads its edge list and
 * marks unvisited neighbours in `updating_graph_mask` with cost + 1 — and `Kernel2` turns the marked nodes
 * into the next frontier and sets the `over` flag, which the host clears before and reads after each level.
 * 512-thread blocks, one thread per node. The access stream is irregular: frontier-driven, with random
 * neighbour addresses.
 */
export type BfsParams = {
  minEdges: number;
  maxEdges: number;
};

/** Nodes for a scale: 2^16 · scale (scale 16 ≈ Rodinia's graph1MW_6). */
export function bfsNodes(scale: number): number {
  return scaled(65536, scale, 1);
}

/** A CSR graph as Rodinia stores it: `starting[i]`, `degree[i]` (struct Node) and the edge list. */
export interface CsrGraph {
  readonly nodes: number;
  readonly starting: Int32Array;
  readonly degree: Int32Array;
  readonly edges: Int32Array;
}

/**
 * Rodinia's graph generator (`graphgen`): every node draws `minEdges`…`maxEdges` random neighbours and each
 * edge is added in both directions (undirected; average degree ≈ minEdges + maxEdges).
 */
export function generateGraph(nodes: number, minEdges: number, maxEdges: number, rng: Rng): CsrGraph {
  const degree = new Int32Array(nodes);
  // The draws as columns: node i drew `drawn[i]` neighbours, `target` lists them in draw order (no per-edge
  // JS values: a 2^24-node graph draws 5·10^7 edges).
  const drawn = new Uint8Array(nodes);
  let target = new Int32Array(Math.max(16, nodes * ((minEdges + maxEdges) >> 1) + 16));
  let m = 0;
  for (let i = 0; i < nodes; i++) {
    const k = minEdges + rng.int(maxEdges - minEdges + 1);
    drawn[i] = k;
    if (m + k > target.length) target = grown(target, Math.max(m + k, target.length * 2));
    for (let e = 0; e < k; e++) {
      const j = rng.int(nodes);
      target[m++] = j;
      degree[i]!++;
      degree[j]!++;
    }
  }
  const starting = new Int32Array(nodes);
  for (let i = 1; i < nodes; i++) starting[i] = starting[i - 1]! + degree[i - 1]!;
  // next free slot of each node's list (starting + filled so far): one random read-modify-write per reverse edge
  const next = starting.slice();
  const edges = new Int32Array(2 * m);
  for (let a = 0, k = 0; a < nodes; a++) {
    for (let e = drawn[a]!; e > 0; e--) {
      const b = target[k++]!;
      edges[next[a]!++] = b;
      edges[next[b]!++] = a;
    }
  }
  return { nodes, starting, degree, edges };
}

/** Inputs and outputs of one run, for tests that check the kernels against a reference. */
export interface BfsProbe {
  graph?: CsrGraph;
  source?: number;
  cost?: Int32Array;
  levels?: number;
}

const THREADS = 512; // MAX_THREADS_PER_BLOCK

/** Run Rodinia bfs on `run` (graph set-up, one Kernel/Kernel2 pair per level until `over` stays false), filling `probe`. */
export function* bfsProgram(
  run: DeviceRun, p: Readonly<BfsParams & RodiniaCommon>, rng: Rng, probe: BfsProbe = {},
): Generator<EventBatch, void, undefined> {
  const n = bfsNodes(p.scale);
  const g = generateGraph(n, p.minEdges, p.maxEdges, rng);
  const source = 0;
  probe.graph = g;
  probe.source = source;

  // Host arrays as the program sets them up, then cudaMallocManaged arrays written by the CPU.
  const mask = new Uint8Array(n);
  const updating = new Uint8Array(n);
  const visited = new Uint8Array(n);
  const cost = new Int32Array(n).fill(-1);
  mask[source] = 1;
  visited[source] = 1;
  cost[source] = 0;
  const aNodes = run.managed('graph_nodes', n, 8); // struct Node { int starting; int no_of_edges; }
  const aEdges = run.managed('graph_edges', g.edges.length, 4);
  const aMask = run.managed('graph_mask', n, 1);
  const aUpd = run.managed('updating_graph_mask', n, 1);
  const aVis = run.managed('graph_visited', n, 1);
  const aCost = run.managed('cost', n, 4);
  const aOver = run.device('over', 1, 1); // cudaMalloc (Managed/bfs/bfs.cu:159 of gpgpu-sim_UVMSmart): device memory
  for (const a of [aNodes, aEdges, aMask, aUpd, aVis, aCost]) run.cpuWrite(a);

  const rec = run.rec;
  const grid = Math.ceil(n / THREADS);
  let levels = 0;
  let over: number;
  do {
    over = 0;
    run.copyToDevice(aOver); // h_over = false; cudaMemcpy to d_over (bfs.cu:208)
    // Work estimate: every thread reads its mask; frontier threads read their node and edges.
    let active = 0;
    let scanned = 0;
    for (let i = 0; i < n; i++) if (mask[i]) (active++, (scanned += g.degree[i]!));
    const work1 = { flops: n + 2 * scanned, bytes: n + active * 13 + scanned * 9 };
    yield* run.launch('Kernel', grid, 1, THREADS, work1, (bx) => {
      const first = bx * THREADS;
      const threads = Math.min(THREADS, n - first);
      rec.firstAccessRange(aMask.id, first, 0, threads, false); // every thread reads its g_graph_mask[tid]
      for (let tx = 0; tx < threads; tx++) {
        const tid = first + tx;
        if (!mask[tid]) continue;
        rec.thread(tx);
        mask[tid] = 0;
        rec.w(aMask.id, tid);
        rec.r(aNodes.id, tid);
        const start = g.starting[tid]!;
        const end = start + g.degree[tid]!;
        for (let i = start; i < end; i++) {
          const id = g.edges[i]!;
          rec.r(aEdges.id, i);
          rec.r(aVis.id, id);
          if (!visited[id]) {
            rec.r(aCost.id, tid);
            cost[id] = cost[tid]! + 1;
            rec.w(aCost.id, id);
            updating[id] = 1;
            rec.w(aUpd.id, id);
          }
        }
      }
    });
    let marked = 0;
    for (let i = 0; i < n; i++) marked += updating[i]!;
    const work2 = { flops: n, bytes: n + marked * 4 };
    yield* run.launch('Kernel2', grid, 1, THREADS, work2, (bx) => {
      const first = bx * THREADS;
      const threads = Math.min(THREADS, n - first);
      rec.firstAccessRange(aUpd.id, first, 0, threads, false); // every thread reads its g_updating_graph_mask[tid]
      for (let tx = 0; tx < threads; tx++) {
        const tid = first + tx;
        if (!updating[tid]) continue;
        rec.thread(tx);
        mask[tid] = 1;
        rec.w(aMask.id, tid);
        visited[tid] = 1;
        rec.w(aVis.id, tid);
        over = 1;
        rec.w(aOver.id, 0);
        updating[tid] = 0;
        rec.w(aUpd.id, tid);
      }
    });
    run.copyToHost(aOver); // cudaMemcpy d_over back to h_over (bfs.cu:227)
    levels++;
  } while (over);
  run.sync(); // cudaDeviceSynchronize (bfs.cu:233)
  run.cpuRead(aCost); // result read-back
  probe.cost = cost;
  probe.levels = levels;
}

/** The `rodinia-bfs` workload. */
export const rodiniaBfs = rodiniaWorkload<BfsParams>({
  name: 'rodinia-bfs',
  summary: 'Rodinia bfs: 65,536-node random graph, frontier-driven irregular accesses over 7 arrays (footprint 14 MiB)',
  defaults: { minEdges: 2, maxEdges: 4 },
  params: {
    minEdges: { summary: 'fewest random edges a node draws (each edge is added both ways)', unit: 'count' },
    maxEdges: { summary: 'most random edges a node draws (Rodinia graphgen: 2…4, average degree ≈ 6)', unit: 'count' },
  },
  validate: (p) => ({ minEdges: intIn(p.minEdges, 1, 64), maxEdges: intIn(p.maxEdges, Math.max(1, p.minEdges), 64) }),
  program: (run, p, rng) => bfsProgram(run, p, rng),
});
