import type { EventBatch } from '../../trace/batch';
import type { Rng } from '../../sim/rng';
import { intIn } from '../params';
import type { DevArray, DeviceRun, RodiniaCommon } from './device-run';
import { rodiniaWorkload, scaled } from './define';

/**
 * Rodinia `backprop` (CUDA version): one training step of a 3-layer perceptron with `inputs` input units,
 * 16 hidden units and 1 output. `bpnn_layerforward_CUDA` (16 × 16 blocks, one block per 16 input rows)
 * multiplies the input→hidden weight matrix by the input column and tree-reduces each block into
 * `hidden_partial_sum`; the host finishes the hidden and output layers and the error terms, writes
 * `hidden_delta`; `bpnn_adjust_weights_cuda` updates every weight and its momentum term. Layer sweeps: the
 * (inputs+1) × 17 weight and previous-weight matrices are streamed once per kernel.
 *
 * As in a managed-memory port, the host works on the managed arrays directly (no explicit copies). Not
 * reproduced by default: the original forward kernel's write of its reduced tile back into the weight matrix, which the
 * original host code immediately overwrites by re-uploading the weights (an artefact of the copy-based code); the
 * UVMSmart artifact's program (`artifact`) keeps it.
 */
export type BackpropParams = {
  steps: number;
  /**
   * The UVMSmart artifact's managed backprop (benchmarks/Managed/backprop/backprop.cu:135, 188, 635-647 of
   * gpgpu-sim_UVMSmart): `bpnn_create` copies the weights into a second managed array `input_weights2`
   * (bpnn_copy) and `bpnn_adjust_weights_cuda` updates that copy, so the forward and the adjust kernels sweep
   * different weight matrices. Values are those of Rodinia (the copy holds the updated weights).
   */
  weightsCopy: boolean;
  /**
   * The UVMSmart artifact's managed program as a whole (benchmarks/Managed/backprop of gpgpu-sim_UVMSmart): the weights
   * copy (`weightsCopy`); every BPNN array a managed allocation in the program's order (alloc_1d_dbl = cudaMallocManaged,
   * backprop.cu:57-67, 113-142; output_hidden_cuda and hidden_partial_sum, :529-530), the host's small arrays touched by
   * the host code that uses them (:602-615); the forward kernel's write of its reduced tile into input_weights
   * (backprop_cuda_kernel.cu:58); `cudaDeviceSynchronize` after each kernel (backprop.cu:594, 652: `marker sync`).
   */
  artifact: boolean;
};

/** Hidden units (fixed by the CUDA kernel: one 16-wide block column), learning rate and momentum of Rodinia backprop. */
export const BP_HIDDEN = 16;
/** Learning rate (ETA). */
export const BP_ETA = 0.3;
/** Momentum (MOMENTUM). */
export const BP_MOMENTUM = 0.3;
const WIDTH = 16;
const HEIGHT = 16;

/** Input units for a scale: 65,536 · scale, rounded to a multiple of 16 (scale 1 = Rodinia's `backprop 65536`). */
export function backpropInputs(scale: number): number {
  return scaled(65536, scale, 16);
}

/** Inputs and outputs of one run, for tests that check the kernels against a reference. */
export interface BackpropProbe {
  inputs?: number;
  input?: Float32Array;
  w0?: Float32Array;
  hiddenWeights0?: Float64Array;
  w?: Float32Array;
  oldw?: Float32Array;
}

const squash = (x: number): number => 1.0 / (1.0 + Math.exp(-x));

/** Run Rodinia backprop on `run` (managed arrays, CPU phases, both kernels per step), filling `probe`. */
export function* backpropProgram(
  run: DeviceRun, p: Readonly<BackpropParams & RodiniaCommon>, rng: Rng, probe: BackpropProbe = {},
): Generator<EventBatch, void, undefined> {
  const nIn = backpropInputs(p.scale);
  const hid = BP_HIDDEN;
  const nOut = 1;
  const numBlocks = nIn / 16;
  const stride = hid + 1;
  // bpnn_create + load: random input units and weights, zero momentum terms, target 0.1. Rodinia draws
  // weights in [0, 1), which saturates every hidden unit (sums ≈ inputs/4) so nothing is learnt; weights in
  // ±1/√inputs keep the sums O(1) and the update non-trivial. The page stream does not depend on values.
  const input = new Float32Array(nIn + 1);
  for (let k = 1; k <= nIn; k++) input[k] = rng.next();
  const w = new Float32Array((nIn + 1) * stride);
  const range = 1 / Math.sqrt(nIn);
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * range;
  const oldw = new Float32Array(w.length);
  const hw = new Float64Array((hid + 1) * (nOut + 1)); // host-only hidden→output weights
  for (let i = 0; i < hw.length; i++) hw[i] = rng.next();
  const hwPrev = new Float64Array(hw.length);
  const target = 0.1;
  Object.assign(probe, { inputs: nIn, input: input.slice(), w0: w.slice(), hiddenWeights0: hw.slice() });

  const art = p.artifact;
  const arr = art ? artifactArrays(run, nIn, w.length, hw.length, numBlocks) : portArrays(run, nIn, w.length, numBlocks, p.weightsCopy);
  const { aIn, aW, aSum, aDelta, aOld, aW2, small } = arr;
  if (small) {
    // bpnn_create (backprop.cu:176-194): random input_weights, their copy, random hidden_weights, zeroed momentum terms,
    // target; then load() (:449-464) fills input_units
    run.cpuWrite(aW);
    run.cpuRead(aW);
    run.cpuWrite(aW2);
    run.cpuWrite(small.hiddenWeights);
    run.cpuWrite(aOld);
    run.cpuWrite(small.hiddenPrevWeights);
    run.cpuWrite(small.target);
    run.cpuWrite(aIn);
  } else {
    run.cpuWrite(aIn);
    run.cpuWrite(aW);
    run.cpuWrite(aOld);
    if (aW2 !== aW) run.cpuWrite(aW2); // bpnn_copy(input_weights, input_weights2)
  }

  const rec = run.rec;
  const partial = new Float32Array(numBlocks * WIDTH);
  const inputNode = new Float32Array(HEIGHT);
  const wm = new Float32Array(HEIGHT * WIDTH);
  const hidden = new Float64Array(hid + 1);
  const delta = new Float32Array(hid + 1);
  const threads = numBlocks * WIDTH * HEIGHT;
  for (let step = 0; step < p.steps; step++) {
    const fwdWork = { flops: threads * 5, bytes: threads * 4 + numBlocks * WIDTH * 8 };
    yield* run.launch('bpnn_layerforward_CUDA', 1, numBlocks, WIDTH * HEIGHT, fwdWork, (_bx, by) => {
      for (let ty = 0; ty < HEIGHT; ty++) {
        const indexIn = HEIGHT * by + ty + 1;
        rec.thread(ty * WIDTH);
        rec.r(aIn.id, indexIn); // tx == 0 loads the input node
        inputNode[ty] = input[indexIn]!;
      }
      // __syncthreads()
      for (let ty = 0; ty < HEIGHT; ty++) {
        for (let tx = 0; tx < WIDTH; tx++) {
          const index = stride * HEIGHT * by + stride * ty + tx + 1 + stride;
          rec.thread(ty * WIDTH + tx);
          rec.r(aW.id, index);
          wm[ty * WIDTH + tx] = w[index]!;
        }
      }
      for (let k = 0; k < HEIGHT * WIDTH; k++) wm[k] = wm[k]! * inputNode[Math.floor(k / WIDTH)]!;
      for (let i = 1; i <= Math.log2(HEIGHT); i++) {
        const powerTwo = 2 ** i;
        for (let ty = 0; ty < HEIGHT; ty += powerTwo) {
          for (let tx = 0; tx < WIDTH; tx++) wm[ty * WIDTH + tx] = wm[ty * WIDTH + tx]! + wm[(ty + powerTwo / 2) * WIDTH + tx]!;
        }
      }
      if (art) {
        // input_hidden_cuda[index] = weight_matrix[ty][tx] (backprop_cuda_kernel.cu:58): the tile written back into
        // input_weights (its values are not used again: the host reads row 0, the adjust kernel input_weights2)
        for (let ty = 0; ty < HEIGHT; ty++) {
          for (let tx = 0; tx < WIDTH; tx++) {
            rec.thread(ty * WIDTH + tx);
            rec.w(aW.id, stride * HEIGHT * by + stride * ty + tx + 1 + stride);
          }
        }
      }
      for (let ty = 0; ty < HEIGHT; ty++) {
        partial[by * hid + ty] = wm[ty]!; // tx == 0 writes weight_matrix[0][ty]
        rec.thread(ty * WIDTH);
        rec.w(aSum.id, by * hid + ty);
      }
    });
    if (art) run.sync(); // cudaDeviceSynchronize (backprop.cu:594)
    // Host: finish the hidden layer (partial sums + bias weight), output layer, errors, hidden→output update.
    run.cpuRead(aSum);
    run.cpuRead(aW, 0, stride); // input_weights[0][*], the bias row
    if (small) {
      // hidden_units (:602-609), bpnn_layerforward to output_units, bpnn_output_error, bpnn_hidden_error into
      // hidden_delta, bpnn_adjust_weights of hidden_weights (:612-615)
      run.cpuWrite(small.hiddenUnits);
      run.cpuRead(small.hiddenWeights);
      run.cpuWrite(small.outputUnits);
      run.cpuRead(small.target);
      run.cpuWrite(small.outputDelta);
      run.cpuRead(small.hiddenUnits);
    }
    hidden[0] = 1.0;
    for (let j = 1; j <= hid; j++) {
      let sum = 0.0;
      for (let k = 0; k < numBlocks; k++) sum += partial[k * hid + j - 1]!;
      sum += w[j]!;
      hidden[j] = squash(sum);
    }
    let outSum = 0.0;
    for (let k = 0; k <= hid; k++) outSum += hw[k * (nOut + 1) + 1]! * hidden[k]!;
    const o = squash(outSum);
    const outDelta = o * (1.0 - o) * (target - o);
    for (let j = 1; j <= hid; j++) delta[j] = hidden[j]! * (1.0 - hidden[j]!) * (outDelta * hw[j * (nOut + 1) + 1]!);
    for (let k = 0; k <= hid; k++) {
      const dw = BP_ETA * outDelta * hidden[k]! + BP_MOMENTUM * hwPrev[k * (nOut + 1) + 1]!;
      hw[k * (nOut + 1) + 1] = hw[k * (nOut + 1) + 1]! + dw;
      hwPrev[k * (nOut + 1) + 1] = dw;
    }
    run.cpuWrite(aDelta);
    if (small) {
      run.cpuWrite(small.hiddenWeights);
      run.cpuWrite(small.hiddenPrevWeights);
    }

    const adjWork = { flops: threads * 6, bytes: threads * 16 };
    yield* run.launch('bpnn_adjust_weights_cuda', 1, numBlocks, WIDTH * HEIGHT, adjWork, (_bx, by) => {
      for (let ty = 0; ty < HEIGHT; ty++) {
        for (let tx = 0; tx < WIDTH; tx++) {
          const index = stride * HEIGHT * by + stride * ty + tx + 1 + stride;
          const iy = HEIGHT * by + ty + 1;
          const ix = tx + 1;
          rec.thread(ty * WIDTH + tx);
          rec.r(aDelta.id, ix);
          rec.r(aIn.id, iy);
          rec.r(aOld.id, index);
          rec.r(aW2.id, index);
          const dw = BP_ETA * delta[ix]! * input[iy]! + BP_MOMENTUM * oldw[index]!;
          w[index] = w[index]! + dw;
          rec.w(aW2.id, index);
          oldw[index] = dw;
          rec.w(aOld.id, index);
        }
      }
      // __syncthreads(); then the bias row, by block 0's first thread row
      if (by !== 0) return;
      for (let tx = 0; tx < WIDTH; tx++) {
        const ix = tx + 1;
        rec.thread(tx);
        rec.r(aDelta.id, ix);
        rec.r(aOld.id, ix);
        rec.r(aW2.id, ix);
        const dw = BP_ETA * delta[ix]! + BP_MOMENTUM * oldw[ix]!;
        w[ix] = w[ix]! + dw;
        rec.w(aW2.id, ix);
        oldw[ix] = dw;
        rec.w(aOld.id, ix);
      }
    });
    if (art) run.sync(); // cudaDeviceSynchronize (backprop.cu:652)
  }
  run.cpuRead(aIn);
  run.cpuRead(aW2);
  Object.assign(probe, { w: w.slice(), oldw: oldw.slice() });
}

/** The managed arrays the kernels use; `small`: the host-only BPNN arrays of the artifact's program. */
interface BackpropArrays {
  aIn: DevArray; aW: DevArray; aSum: DevArray; aDelta: DevArray; aOld: DevArray; aW2: DevArray;
  small: { hiddenUnits: DevArray; outputUnits: DevArray; outputDelta: DevArray; target: DevArray; hiddenWeights: DevArray; hiddenPrevWeights: DevArray } | null;
}

/** The managed-memory port: only the arrays the kernels use (input_weights2 with `weightsCopy`). */
function portArrays(run: DeviceRun, nIn: number, wLen: number, numBlocks: number, weightsCopy: boolean): BackpropArrays {
  const aIn = run.managed('input_units', nIn + 1, 4);
  const aW = run.managed('input_weights', wLen, 4);
  const aSum = run.managed('hidden_partial_sum', numBlocks * WIDTH, 4);
  const aDelta = run.managed('hidden_delta', BP_HIDDEN + 1, 4);
  const aOld = run.managed('input_prev_weights', wLen, 4);
  const aW2 = weightsCopy ? run.managed('input_weights2', wLen, 4) : aW;
  return { aIn, aW, aSum, aDelta, aOld, aW2, small: null };
}

/**
 * The artifact's allocations in program order: bpnn_internal_create (Managed/backprop/backprop.cu:126-139, each
 * alloc_1d_dbl a cudaMallocManaged, :57-67), then output_hidden_cuda and hidden_partial_sum (:529-530).
 */
function artifactArrays(run: DeviceRun, nIn: number, wLen: number, hwLen: number, numBlocks: number): BackpropArrays {
  const aIn = run.managed('input_units', nIn + 1, 4);
  const hiddenUnits = run.managed('hidden_units', BP_HIDDEN + 1, 4);
  const outputUnits = run.managed('output_units', 2, 4);
  const aDelta = run.managed('hidden_delta', BP_HIDDEN + 1, 4);
  const outputDelta = run.managed('output_delta', 2, 4);
  const target = run.managed('target', 2, 4);
  const aW = run.managed('input_weights', wLen, 4);
  const aW2 = run.managed('input_weights2', wLen, 4);
  const hiddenWeights = run.managed('hidden_weights', hwLen, 4);
  const aOld = run.managed('input_prev_weights', wLen, 4);
  const hiddenPrevWeights = run.managed('hidden_prev_weights', hwLen, 4);
  run.managed('output_hidden_cuda', BP_HIDDEN + 1, 4); // a kernel argument no kernel touches
  const aSum = run.managed('hidden_partial_sum', numBlocks * WIDTH, 4);
  return { aIn, aW, aSum, aDelta, aOld, aW2, small: { hiddenUnits, outputUnits, outputDelta, target, hiddenWeights, hiddenPrevWeights } };
}

/** The `rodinia-backprop` workload. */
export const rodiniaBackprop = rodiniaWorkload<BackpropParams>({
  name: 'rodinia-backprop',
  summary: 'Rodinia backprop: 65,536-input perceptron, forward + weight-adjust kernels sweep two 4.25 MiB matrices (footprint 18 MiB)',
  defaults: { steps: 1, weightsCopy: false, artifact: false },
  params: {
    steps: { summary: 'training steps (Rodinia runs 1); 2 kernel launches each', unit: 'count' },
    weightsCopy: {
      summary:
        'the UVMSmart artifact\'s managed variant: the adjust kernel updates a managed copy input_weights2 (backprop.cu:135, 188, 635-647 ' +
        'of gpgpu-sim_UVMSmart), so the two kernels sweep different weight matrices',
    },
    artifact: {
      summary:
        'the UVMSmart artifact\'s Managed/backprop program as a whole: the weights copy, every BPNN array managed in program order ' +
        '(backprop.cu:57-67, 113-142, 529-530), the forward kernel\'s tile write into input_weights (backprop_cuda_kernel.cu:58), ' +
        'cudaDeviceSynchronize after each kernel (backprop.cu:594, 652: marker sync)',
    },
  },
  validate: (p) => ({ steps: intIn(p.steps, 1, 1e6) }),
  program: (run, p, rng) => backpropProgram(run, p, rng),
});
