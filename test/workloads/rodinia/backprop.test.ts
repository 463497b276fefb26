import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backpropProgram, BP_ETA, BP_HIDDEN, BP_MOMENTUM, type BackpropProbe } from '../../../src/workloads/rodinia/backprop';
import { maxAbsError, runProgram } from './helpers';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Reference: Rodinia's sequential bpnn_train (backprop.c) for one step, double precision, plain loops. */
function referenceTrain(nIn: number, x0: Float32Array, w0: Float32Array, hw0: Float64Array) {
  const hid = BP_HIDDEN;
  const sq = (v: number): number => 1 / (1 + Math.exp(-v));
  const x = Array.from(x0);
  x[0] = 1;
  const w = Array.from(w0); // (nIn+1) × (hid+1), row-major
  const hw = Array.from(hw0); // (hid+1) × 2
  const h = [1];
  for (let j = 1; j <= hid; j++) {
    let s = 0;
    for (let k = 0; k <= nIn; k++) s += w[k * (hid + 1) + j]! * x[k]!;
    h.push(sq(s));
  }
  let so = 0;
  for (let k = 0; k <= hid; k++) so += hw[k * 2 + 1]! * h[k]!;
  const o = sq(so);
  const dOut = o * (1 - o) * (0.1 - o);
  const dHid = [0];
  for (let j = 1; j <= hid; j++) dHid.push(h[j]! * (1 - h[j]!) * dOut * hw[j * 2 + 1]!);
  const oldw = new Array<number>(w.length).fill(0);
  for (let j = 1; j <= hid; j++) {
    for (let k = 0; k <= nIn; k++) {
      const dw = BP_ETA * dHid[j]! * x[k]! + BP_MOMENTUM * oldw[k * (hid + 1) + j]!;
      w[k * (hid + 1) + j] = w[k * (hid + 1) + j]! + dw;
      oldw[k * (hid + 1) + j] = dw;
    }
  }
  return { w, oldw };
}

test('backprop kernels give the weights and momentum terms of sequential bpnn_train', () => {
  const probe: BackpropProbe = {};
  runProgram((run, p, rng) => backpropProgram(run, p, rng, probe), { scale: 0.25, steps: 1, weightsCopy: false, artifact: false });
  const ref = referenceTrain(probe.inputs!, probe.input!, probe.w0!, probe.hiddenWeights0!);
  const scale = ref.oldw.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(scale > 1e-4, `the step learns something (max |dw| = ${scale})`);
  assert.ok(maxAbsError(probe.oldw!, ref.oldw) < 1e-3 * scale, `dw error ${maxAbsError(probe.oldw!, ref.oldw)} vs ${scale}`);
  assert.ok(maxAbsError(probe.w!, ref.w) < 1e-6, `w error ${maxAbsError(probe.w!, ref.w)}`);
});

test('weightsCopy (the UVMSmart artifact\'s variant): the adjust kernel sweeps input_weights2, the forward kernel input_weights; same values', async () => {
  const { batchesToEvents } = await import('../../../src/trace/batch');
  const run = (weightsCopy: boolean) => {
    const probe: BackpropProbe = {};
    const ev = batchesToEvents(runProgram((r, p, rng) => backpropProgram(r, p, rng, probe), { scale: 1 / 16, steps: 1, weightsCopy, artifact: false }));
    return { probe, ev };
  };
  const plain = run(false);
  const copy = run(true);
  assert.deepEqual(copy.probe.w, plain.probe.w);
  const allocs = copy.ev.filter((e) => e.op === 'alloc');
  const w1 = allocs.find((e) => e.resource === 'input_weights')!;
  const w2 = allocs.find((e) => e.resource === 'input_weights2')!;
  assert.equal(w2.bytes, w1.bytes);
  // device rows per kernel: forward reads input_weights only; adjust reads and writes input_weights2 only
  const inside = (va: number, a: { va?: number; bytes?: number }) => va >= a.va! && va < a.va! + a.bytes!;
  let kernel = '';
  const seen = new Map<string, Set<string>>();
  for (const e of copy.ev) {
    if (e.op === 'kernelBegin') kernel = e.label!;
    else if (e.op === 'kernelEnd') kernel = '';
    else if (e.op === 'access' && kernel) {
      const name = inside(e.va!, w1) ? 'input_weights' : inside(e.va!, w2) ? 'input_weights2' : 'other';
      if (!seen.has(kernel)) seen.set(kernel, new Set());
      seen.get(kernel)!.add(name);
    }
  }
  assert.deepEqual([...seen.get('bpnn_layerforward_CUDA')!].filter((n) => n !== 'other'), ['input_weights']);
  assert.deepEqual([...seen.get('bpnn_adjust_weights_cuda')!].filter((n) => n !== 'other'), ['input_weights2']);
  assert.equal(plain.ev.filter((e) => e.op === 'alloc').length + 1, allocs.length);
});

test('artifact (the UVMSmart artifact\'s Managed/backprop): every BPNN array managed, the forward kernel writes its tile into input_weights, a sync after each kernel', async () => {
  const { batchesToEvents } = await import('../../../src/trace/batch');
  const { uvmsmartAllocBytes } = await import('../../../src/workloads/rodinia/device-run');
  const probe: BackpropProbe = {};
  const ev = batchesToEvents(runProgram((r, p, rng) => backpropProgram(r, p, rng, probe), { scale: 1, steps: 1, weightsCopy: false, artifact: true, allocSizing: 'uvmsmart' }));
  const allocs = ev.filter((e) => e.op === 'alloc');
  // backprop.cu:126-139 (11 alloc_1d_dbl) + :529-530 (output_hidden_cuda, hidden_partial_sum), all cudaMallocManaged
  assert.deepEqual(allocs.map((e) => e.resource), [
    'input_units', 'hidden_units', 'output_units', 'hidden_delta', 'output_delta', 'target', 'input_weights', 'input_weights2',
    'hidden_weights', 'input_prev_weights', 'hidden_prev_weights', 'output_hidden_cuda', 'hidden_partial_sum',
  ]);
  assert.ok(allocs.every((e) => e.flags!.includes('managed')));
  // 65,536 inputs as UVMSmart sizes them: weights 65,537 × 17 × 4 B = 4 MiB + 262,212 B (> 256 KiB) → 4.5 MiB each
  // (× 3); input_units 262,148 B → 512 KiB; hidden_partial_sum 4,096 × 16 × 4 B = 256 KiB; 8 small arrays × 64 KiB:
  // 14.75 MiB
  assert.equal(uvmsmartAllocBytes(65537 * 17 * 4), 4.5 * MiB);
  assert.equal(allocs.reduce((s, e) => s + e.bytes!, 0), 3 * 4.5 * MiB + 512 * KiB + 256 * KiB + 8 * 64 * KiB);
  // one `marker sync` after each kernel (backprop.cu:594, 652)
  const seq = ev.filter((e) => e.op === 'kernelEnd' || (e.op === 'marker' && e.label === 'sync')).map((e) => (e.op === 'marker' ? 'sync' : e.label));
  assert.deepEqual(seq, ['bpnn_layerforward_CUDA', 'sync', 'bpnn_adjust_weights_cuda', 'sync']);
  // the forward kernel writes every page of input_weights it reads (rows 1..65,536: all but the first page's row 0)
  const w1 = allocs.find((e) => e.resource === 'input_weights')!;
  let kernel = '';
  let writtenBytes = 0;
  for (const e of ev) {
    if (e.op === 'kernelBegin') kernel = e.label!;
    else if (e.op === 'kernelEnd') kernel = '';
    else if (kernel === 'bpnn_layerforward_CUDA' && e.op === 'access' && e.access === 'w' && e.va! >= w1.va! && e.va! < w1.va! + w1.bytes!) writtenBytes += e.bytes! * (e.count ?? 1);
  }
  assert.ok(writtenBytes >= Math.floor((65537 * 17 * 4) / 4096) * 4096, `forward-kernel writes to input_weights: ${writtenBytes} B`);
  // values: as without it (the tile written back is not read again)
  const plain: BackpropProbe = {};
  runProgram((r, p, rng) => backpropProgram(r, p, rng, plain), { scale: 1, steps: 1, weightsCopy: true, artifact: false });
  assert.deepEqual(probe.w, plain.w);
});
