import type { EventBatch } from '../../trace/batch';
import { Access, CPU, Flag } from '../../trace/event';
import type { StringTable } from '../../trace/strings';
import { TraceEmitter } from '../emit/emitter';
import { HEAP_BASE_VA, VaArena } from '../emit/va-arena';
import { intIn, numIn, problems, workloadMeta } from '../params';
import type { WorkloadDef } from '../types';
import { forwardFlops, layerParams, layersForFootprint, mlTrainFootprint, tensorBytes, type TransformerShape } from './model';

/**
 * `ml-train`: training steps of a transformer-like layer stack on one device. Per layer four allocations
 * (weights, gradients, Adam state, saved activations) plus three token buffers (the input batch and two
 * activation-gradient buffers), all `managed` (cudaMallocManaged) or `peer_shared` (GMEM). Each step: the
 * CPU writes a fresh input batch; forward kernels layer 0 … L−1 read the weights and the previous output and
 * write their activations; backward kernels L−1 … 0 read weights, activations and the incoming gradient and
 * write the weight gradients and the outgoing gradient; optimizer kernels update weights and Adam state.
 * Kernel `dur_ns` = max(FLOPs / deviceTflops, bytes / deviceGBps). Optional `prefetch` hints move the
 * tensors `prefetchAhead` layers ahead to dev0 (asynchronous, issued by the CPU before each kernel).
 */
export type MlTrainParams = TransformerShape & {
  steps: number;
  kind: string;
  prefetch: boolean;
  prefetchAhead: number;
  chunkBytes: number;
  deviceTflops: number;
  deviceGBps: number;
  hostGBps: number;
  targetFootprint: number;
};

const DEV0 = 1;

/** The shape actually generated: `layers` replaced by the footprint target when one is set. */
export function mlTrainShape(p: Readonly<MlTrainParams>): TransformerShape {
  const s = { layers: p.layers, hidden: p.hidden, seqLen: p.seqLen, batch: p.batch, heads: p.heads };
  return p.targetFootprint > 0 ? { ...s, layers: layersForFootprint(s, p.targetFootprint) } : s;
}

/** The `ml-train` workload. */
export const mlTrain: WorkloadDef<MlTrainParams> = {
  name: 'ml-train',
  summary: '4-layer transformer (d 512, batch 4 × 256 tokens), 2 training steps over managed weights/grads/Adam/activations (footprint 414 MiB)',
  defaults: {
    layers: 4, hidden: 512, seqLen: 256, batch: 4, heads: 8, steps: 2, kind: 'managed', prefetch: false, prefetchAhead: 1,
    chunkBytes: 1048576, deviceTflops: 19.5, deviceGBps: 1555, hostGBps: 10, targetFootprint: 0,
  },
  params: {
    layers: { summary: 'transformer layers L (ignored when targetFootprint is set)', unit: 'count' },
    hidden: { summary: 'model width d', unit: 'count' },
    seqLen: { summary: 'sequence length S (tokens per sample)', unit: 'count' },
    batch: { summary: 'samples per step B', unit: 'count' },
    heads: { summary: 'attention heads h (attention scores are B·h·S² per layer)', unit: 'count' },
    steps: { summary: 'training steps', unit: 'count' },
    kind: { summary: 'allocation kind of every tensor', values: ['managed', 'peer_shared'] },
    prefetch: { summary: 'issue hmadvise/cudaMemPrefetchAsync-style prefetch hints to dev0 ahead of each layer' },
    prefetchAhead: { summary: 'how many layers ahead the prefetch hints run', unit: 'count' },
    chunkBytes: { summary: 'bytes per access row (a kernel streams each tensor in chunks of this size)', unit: 'bytes' },
    deviceTflops: { summary: 'device compute throughput (TFLOP/s) for kernel dur_ns; default A100 FP32 19.5' },
    deviceGBps: { summary: 'device memory bandwidth (GB/s) for memory-bound kernels; default A100 40 GB 1,555' },
    hostGBps: { summary: 'host write rate (GB/s) that times the CPU writing the input batch and the initial weights' },
    targetFootprint: { summary: 'when > 0: choose the layer count whose footprint is closest below this (e.g. 2 × capacity)', unit: 'bytes' },
  },
  validate: (p) =>
    problems<keyof MlTrainParams>({
      layers: intIn(p.layers, 1, 1e5),
      hidden: intIn(p.hidden, 1, 1e6),
      seqLen: intIn(p.seqLen, 1, 1e6),
      batch: intIn(p.batch, 1, 1e6),
      heads: intIn(p.heads, 1, 1e4),
      steps: intIn(p.steps, 1, 1e5),
      prefetchAhead: intIn(p.prefetchAhead, 1, 1e5),
      chunkBytes: intIn(p.chunkBytes, 4096, 2 ** 40),
      deviceTflops: numIn(p.deviceTflops, 1e-6, 1e6),
      deviceGBps: numIn(p.deviceGBps, 1e-3, 1e9),
      hostGBps: numIn(p.hostGBps, 1e-3, 1e9),
      targetFootprint: numIn(p.targetFootprint, 0, 2 ** 52) ?? (p.targetFootprint > 0 && mlTrainFootprint({ ...mlTrainShape(p), layers: 1 }) > p.targetFootprint ? 'at least the footprint of one layer' : undefined),
    }),
  generate: (p, _seed, strings) => mlTrainStream(p, strings),
  meta: (p, seed) => {
    const s = mlTrainShape(p);
    return workloadMeta('ml-train', p, seed, ['dev0'], {
      'model.layers': String(s.layers),
      'model.params_per_layer': String(layerParams(s.hidden)),
      'model.footprint_bytes': String(mlTrainFootprint(s)),
    });
  },
};

interface Tensor {
  readonly va: number;
  readonly bytes: number;
}

/** One pass of a kernel over part of a tensor. */
interface Pass {
  readonly t: Tensor;
  readonly bytes: number;
  readonly access: number;
}

function* mlTrainStream(p: Readonly<MlTrainParams>, strings?: StringTable): Generator<EventBatch, void, undefined> {
  const s = mlTrainShape(p);
  const L = s.layers;
  const sizes = tensorBytes(s);
  const em = new TraceEmitter(strings);
  const arena = new VaArena(HEAP_BASE_VA);
  const kindFlag = p.kind === 'peer_shared' ? Flag.peer_shared : Flag.managed;
  const all: Tensor[] = [];
  const alloc = (name: string, bytes: number): Tensor => {
    const va = arena.take(bytes);
    em.alloc(0, CPU, va, bytes, kindFlag, em.id(name));
    const t = { va, bytes };
    all.push(t);
    return t;
  };
  const W: Tensor[] = [], G: Tensor[] = [], O: Tensor[] = [], A: Tensor[] = [];
  for (let l = 0; l < L; l++) {
    W.push(alloc(`w${l}`, sizes.weights));
    G.push(alloc(`g${l}`, sizes.grads));
    O.push(alloc(`adam${l}`, sizes.optimizer));
    A.push(alloc(`act${l}`, sizes.activations));
  }
  const X = alloc('input', sizes.tokenBuffer);
  const dX = [alloc('dact0', sizes.tokenBuffer), alloc('dact1', sizes.tokenBuffer)];
  const P = layerParams(s.hidden);
  const fwdFlops = forwardFlops(s);
  const tflops = p.deviceTflops * 1000; // FLOP per ns
  let t = 0;

  /** The CPU writes a whole tensor, chunk by chunk, at `hostGBps`. */
  const cpuWrite = (x: Tensor): void => {
    for (let off = 0; off < x.bytes; off += p.chunkBytes) {
      const n = Math.min(p.chunkBytes, x.bytes - off);
      em.access(t, CPU, x.va + off, n, Access.w);
      t += Math.max(1, Math.round(n / p.hostGBps));
    }
  };
  /** One kernel: its passes stream in chunks, interleaved so every pass progresses at the same rate. */
  const kernel = (label: string, flops: number, passes: readonly Pass[]): void => {
    let bytes = 0;
    for (const ps of passes) bytes += ps.bytes;
    const dur = Math.max(1, Math.round(Math.max(flops / tflops, bytes / p.deviceGBps)));
    const id = em.id(label);
    em.kernelBegin(t, DEV0, id, dur);
    const chunks = passes.map((ps) => Math.ceil(ps.bytes / p.chunkBytes));
    const done = passes.map(() => 0);
    const total = chunks.reduce((a, b) => a + b, 0);
    for (let k = 0; k < total; k++) {
      let best = -1;
      for (let i = 0; i < passes.length; i++) {
        if (done[i]! >= chunks[i]!) continue;
        if (best < 0 || done[i]! * chunks[best]! < done[best]! * chunks[i]!) best = i;
      }
      const ps = passes[best]!;
      const off = done[best]!++ * p.chunkBytes;
      em.access(t + Math.floor((dur * k) / total), DEV0, ps.t.va + off, Math.min(p.chunkBytes, ps.bytes - off), ps.access);
    }
    t += dur;
    em.kernelEnd(t, DEV0, id);
  };
  const prefetch = (x: Tensor | undefined): void => {
    if (x) em.prefetch(t, CPU, x.va, x.bytes, DEV0, Flag.async);
  };
  const r = (x: Tensor, bytes = x.bytes): Pass => ({ t: x, bytes, access: Access.r });
  const w = (x: Tensor, bytes = x.bytes): Pass => ({ t: x, bytes, access: Access.w });
  const rw = (x: Tensor): Pass => ({ t: x, bytes: x.bytes, access: Access.rw });
  const ahead = p.prefetchAhead;

  for (const x of W) {
    cpuWrite(x); // initial weights come from the host
    yield* em.drain();
  }
  for (let step = 0; step < p.steps; step++) {
    em.marker(t, CPU, em.id(`phase:step${step}`));
    cpuWrite(X); // data loader
    em.marker(t, CPU, em.id('phase:forward'));
    if (p.prefetch) for (let l = 0; l < Math.min(ahead, L); l++) prefetch(W[l]);
    for (let l = 0; l < L; l++) {
      if (p.prefetch) prefetch(W[l + ahead]);
      const input = l === 0 ? r(X) : r(A[l - 1]!, sizes.tokenBuffer);
      kernel(`fwd.l${l}`, fwdFlops, [r(W[l]!), input, w(A[l]!)]);
      yield* em.drain();
    }
    // loss and its gradient w.r.t. the last layer's output
    kernel('loss', 4 * s.batch * s.seqLen * s.hidden, [r(A[L - 1]!, sizes.tokenBuffer), w(dX[L % 2]!)]);
    em.marker(t, CPU, em.id('phase:backward'));
    if (p.prefetch) for (let l = L - 1; l >= Math.max(0, L - ahead); l--) (prefetch(W[l]), prefetch(A[l]), prefetch(G[l]));
    for (let l = L - 1; l >= 0; l--) {
      if (p.prefetch && l - ahead >= 0) (prefetch(W[l - ahead]), prefetch(A[l - ahead]), prefetch(G[l - ahead]));
      kernel(`bwd.l${l}`, 2 * fwdFlops, [r(dX[(l + 1) % 2]!), r(W[l]!), r(A[l]!), w(G[l]!), w(dX[l % 2]!)]);
      yield* em.drain();
    }
    em.marker(t, CPU, em.id('phase:optimizer'));
    if (p.prefetch) for (let l = 0; l < Math.min(ahead, L); l++) prefetch(O[l]);
    for (let l = 0; l < L; l++) {
      if (p.prefetch) prefetch(O[l + ahead]);
      kernel(`adam.l${l}`, 12 * P, [r(G[l]!), rw(O[l]!), rw(W[l]!)]);
      yield* em.drain();
    }
  }
  for (const x of all) em.free(t, CPU, x.va, x.bytes);
  yield* em.finish();
}
