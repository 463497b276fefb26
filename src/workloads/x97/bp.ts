import type { EventBatch } from '../../trace/batch';
import { CPU, Flag } from '../../trace/event';
import type { StringTable } from '../../trace/strings';
import { TraceEmitter } from '../emit/emitter';
import { PageRecorder } from '../emit/page-recorder';
import { HEAP_BASE_VA, VaArena } from '../emit/va-arena';
import { intIn, powerOfTwo, problems, workloadMeta } from '../params';
import type { WorkloadDef } from '../types';
import { X97_COMMON_DOCS, X97_DEV } from './common';

/**
 * `x97-bp`: the binarised back-propagation program of the GMEM paper's simulated device
 * (github.com/WeixiZhu94/device_simulation_freebsd, `madtest/test_x97_discrete_bp.cpp`, `madtest/bp.cpp`):
 * an InputN–HN–OutN perceptron on `long` values where `xnor` replaces multiplication and `~x` the sigmoid,
 * trained for 3 steps; before each step the CPU writes fresh random samples (`x_out`, `y`), then the
 * device runs `cpu_bp`'s loop nests — feed-forward (two nests over samples), output and hidden deltas, and
 * the two weight updates whose innermost loop runs over all samples (so every (i, j) pair sweeps two whole
 * sample arrays column-wise).
 *
 * The layer sizes of the x97 build are not in the published source (its header is not visible); the
 * defaults are a small instance, and `inputN = hidden = outN = 100, samples = 30000` reproduces the sizes of
 * the program's standalone original (`madtest/bp.cpp`, 144 MB, 1.34× the x97 device).
 *
 * The loops have no data-dependent control flow, so the page stream is derived from the loop nests (each
 * inner loop recorded as the contiguous or strided element range it touches); values are not computed.
 * Consecutive inner loops are coalesced into one step until `stepIterations` iterations are reached.
 */
export type BpParams = {
  inputN: number;
  hidden: number;
  outN: number;
  samples: number;
  steps: number;
  pageBytes: number;
  stepIterations: number;
  nsPerIteration: number;
};

const NAMES = ['x_out', 'hn_out', 'y_out', 'y', 'hn_delta', 'y_delta', 'w', 'v'] as const;
type Name = (typeof NAMES)[number];

/** Bytes of every array of the model (`sizeof(long)` = 8), in allocation order. */
export function bpArrayBytes(p: Readonly<BpParams>): Record<Name, number> {
  const m = p.samples;
  return {
    x_out: 8 * m * p.inputN,
    hn_out: 8 * m * p.hidden,
    y_out: 8 * m * p.outN,
    y: 8 * m * p.outN,
    hn_delta: 8 * m * p.hidden,
    y_delta: 8 * m * p.outN,
    w: 8 * p.inputN * p.hidden,
    v: 8 * p.hidden * p.outN,
  };
}

/** The `x97-bp` workload. */
export const x97Bp: WorkloadDef<BpParams> = {
  name: 'x97-bp',
  summary: 'x97 binarised back-prop MLP 32-32-32 on 4,096 samples, 3 training steps with fresh CPU input (footprint 16 MiB)',
  defaults: { inputN: 32, hidden: 32, outN: 32, samples: 4096, steps: 3, pageBytes: 4096, stepIterations: 262144, nsPerIteration: 1 },
  params: {
    inputN: { summary: 'input-layer neurons (InputN)', unit: 'count' },
    hidden: { summary: 'hidden-layer neurons (HN)', unit: 'count' },
    outN: { summary: 'output-layer neurons (OutN)', unit: 'count' },
    samples: { summary: 'training samples per step (datanum)', unit: 'count' },
    steps: { summary: 'training steps (the x97 test runs 3)', unit: 'count' },
    ...X97_COMMON_DOCS,
  },
  validate: (p) =>
    problems<keyof BpParams>({
      inputN: intIn(p.inputN, 1, 1e5),
      hidden: intIn(p.hidden, 1, 1e5),
      outN: intIn(p.outN, 1, 1e5),
      samples: intIn(p.samples, 1, 1e8),
      steps: intIn(p.steps, 1, 1000),
      pageBytes: powerOfTwo(p.pageBytes, 4096),
      stepIterations: intIn(p.stepIterations, 1, 2 ** 40),
      nsPerIteration: intIn(p.nsPerIteration, 0, 1e6),
    }),
  generate: (p, _seed, strings) => bpStream(p, strings),
  meta: (p, seed) => workloadMeta('x97-bp', p, seed, ['dev0']),
};

function* bpStream(p: Readonly<BpParams>, strings?: StringTable): Generator<EventBatch, void, undefined> {
  const em = new TraceEmitter(strings);
  const rec = new PageRecorder(em, p.pageBytes);
  const arena = new VaArena(HEAP_BASE_VA);
  const sizes = bpArrayBytes(p);
  const A = {} as Record<Name, { va: number; id: number }>;
  for (const n of NAMES) {
    const va = arena.take(sizes[n]);
    em.alloc(0, CPU, va, sizes[n], Flag.peer_shared, em.id(n));
    A[n] = { va, id: rec.addArray(va, sizes[n], 8) };
  }
  const { inputN: IN, hidden: HN, outN: ON, samples: M } = p;
  let t = 0;
  let pending = 0; // iterations recorded since the last flush; a step ends once it reaches stepIterations
  let agent = CPU;
  const flush = function* (): Generator<EventBatch, void, undefined> {
    if (pending === 0) return;
    rec.flush(t, agent);
    t += pending * p.nsPerIteration;
    pending = 0;
    yield* em.drain();
  };

  // generate_test: w[i*HN+j] and v[i*OutN+j] random
  rec.range(A.w.id, 0, IN * HN, true);
  if ((pending += IN * HN) >= p.stepIterations) yield* flush();
  rec.range(A.v.id, 0, HN * ON, true);
  if ((pending += HN * ON) >= p.stepIterations) yield* flush();
  yield* flush();
  const label = em.id('bp');
  const x = A.x_out.id, hn = A.hn_out.id, yo = A.y_out.id, y = A.y.id, hd = A.hn_delta.id, yd = A.y_delta.id;
  for (let step = 0; step < p.steps; step++) {
    agent = CPU;
    // generate_bp_input: for m: x_out[m*InputN+i] = rand(); y[m*OutN+i] = rand()
    for (let m = 0; m < M; m++) {
      rec.range(x, m * IN, IN, true);
      rec.range(y, m * ON, ON, true);
      if ((pending += IN + ON) >= p.stepIterations) yield* flush();
    }
    yield* flush();
    // clLaunchKernel(BP): the device runs cpu_bp's loop nests
    agent = X97_DEV;
    const total = M * HN * IN + M * ON * HN + M * ON + M * HN * ON + ON * HN * M + HN * IN * M;
    const t0 = t;
    em.kernelBegin(t, X97_DEV, label, total * p.nsPerIteration);
    // Feedforward: hn_out[m*HN+i] = sigmoid(Σ_j xnor(w[j*HN+i], x_out[m*InputN+j]))
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < HN; i++) {
        rec.strided(A.w.id, i, HN, IN, false);
        rec.range(x, m * IN, IN, false);
        rec.w(hn, m * HN + i);
        if ((pending += IN) >= p.stepIterations) yield* flush();
      }
    }
    // y_out[m*OutN+i] = sigmoid(Σ_j xnor(v[j*OutN+i], hn_out[m*HN+j]))
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < ON; i++) {
        rec.strided(A.v.id, i, ON, HN, false);
        rec.range(hn, m * HN, HN, false);
        rec.w(yo, m * ON + i);
        if ((pending += HN) >= p.stepIterations) yield* flush();
      }
    }
    // Output delta: errtemp = y − y_out; y_delta = xnor(xnor(−errtemp, σ(y_out)), 1 − σ(y_out))
    for (let m = 0; m < M; m++) {
      rec.range(y, m * ON, ON, false);
      rec.range(yo, m * ON, ON, false);
      rec.range(yo, m * ON, ON, false);
      rec.range(yo, m * ON, ON, false);
      rec.range(yd, m * ON, ON, true);
      if ((pending += ON) >= p.stepIterations) yield* flush();
    }
    // Hidden delta: errtemp = Σ_j xnor(y_delta[m*OutN+j], v[i*OutN+j]); hn_delta = f(errtemp, hn_out)
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < HN; i++) {
        rec.range(yd, m * ON, ON, false);
        rec.range(A.v.id, i * ON, ON, false);
        rec.r(hn, m * HN + i);
        rec.r(hn, m * HN + i);
        rec.w(hd, m * HN + i);
        if ((pending += ON) >= p.stepIterations) yield* flush();
      }
    }
    // v[j*OutN+i] -= Σ_m xnor(beta ^ y_delta[m*OutN+i], hn_out[m*HN+j]) ^ datanum ^ alpha
    for (let i = 0; i < ON; i++) {
      for (let j = 0; j < HN; j++) {
        rec.strided(yd, i, ON, M, false);
        rec.strided(hn, j, HN, M, false);
        rec.r(A.v.id, j * ON + i);
        rec.w(A.v.id, j * ON + i);
        if ((pending += M) >= p.stepIterations) yield* flush();
      }
    }
    // w[j*HN+i] -= Σ_m xnor(beta ^ hn_delta[m*HN+i], x_out[m*InputN+j]) ^ datanum ^ alpha
    for (let i = 0; i < HN; i++) {
      for (let j = 0; j < IN; j++) {
        rec.strided(hd, i, HN, M, false);
        rec.strided(x, j, IN, M, false);
        rec.r(A.w.id, j * HN + i);
        rec.w(A.w.id, j * HN + i);
        if ((pending += M) >= p.stepIterations) yield* flush();
      }
    }
    yield* flush();
    t = t0 + total * p.nsPerIteration;
    em.kernelEnd(t, X97_DEV, label);
  }
  for (const n of NAMES) em.free(t, CPU, A[n].va, sizes[n]);
  yield* em.finish();
}
