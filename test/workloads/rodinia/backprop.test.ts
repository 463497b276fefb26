import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backpropProgram, BP_ETA, BP_HIDDEN, BP_MOMENTUM, type BackpropProbe } from '../../../src/workloads/rodinia/backprop';
import { maxAbsError, runProgram } from './helpers';

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
  runProgram((run, p, rng) => backpropProgram(run, p, rng, probe), { scale: 0.25, steps: 1, weightsCopy: false });
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
    const ev = batchesToEvents(runProgram((r, p, rng) => backpropProgram(r, p, rng, probe), { scale: 1 / 16, steps: 1, weightsCopy }));
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
