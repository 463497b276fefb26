import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents } from '../../src/trace/batch';
import { footprintOf } from '../../src/trace/footprint';
import { collectBatches } from '../../src/trace/trace';
import { X97_CAPACITY_BYTES } from '../../src/workloads/x97/common';
import { workloadTrace } from '../../src/workloads/trace';

test('x97-vecadd: CPU initialises a and b, the device makes 3 translations per element, the CPU validates', async () => {
  const length = 100000;
  const ev = batchesToEvents((await collectBatches(workloadTrace('x97-vecadd', { length, stepIterations: 4096 }))).batches);
  const va = Object.fromEntries(ev.filter((e) => e.op === 'alloc').map((e) => [e.resource!, e.va!]));
  assert.ok(ev.filter((e) => e.op === 'alloc').every((e) => e.flags?.includes('peer_shared') && e.bytes === 8 * length));
  const begin = ev.findIndex((e) => e.op === 'kernelBegin');
  const end = ev.findIndex((e) => e.op === 'kernelEnd');
  const sum = (from: number, to: number, agent: string, acc: string, array: string) =>
    ev.slice(from, to).filter((e) => e.op === 'access' && e.agent === agent && e.access === acc && e.va! >= va[array]! && e.va! < va[array]! + 8 * length).reduce((s, e) => s + (e.count ?? 1), 0);
  assert.equal(sum(0, begin, 'cpu', 'w', 'a'), length);
  assert.equal(sum(0, begin, 'cpu', 'w', 'b'), length);
  assert.equal(sum(0, begin, 'cpu', 'w', 'c'), 0);
  assert.equal(sum(begin, end, 'dev0', 'r', 'a') + sum(begin, end, 'dev0', 'r', 'b') + sum(begin, end, 'dev0', 'w', 'c'), 3 * length);
  assert.equal(sum(end, ev.length, 'cpu', 'r', 'c'), length);
});

test('x97 defaults: vector add oversubscribes the 100 MB device, back-prop fits', async () => {
  assert.ok(footprintOf((await collectBatches(workloadTrace('x97-vecadd'))).batches) > X97_CAPACITY_BYTES);
  assert.ok(footprintOf((await collectBatches(workloadTrace('x97-bp'))).batches) < X97_CAPACITY_BYTES);
});

test('x97-bp: 3 training steps, fresh CPU input before each, device element accesses as the loop nests count them', async () => {
  const p = { inputN: 8, hidden: 4, outN: 2, samples: 64, steps: 3, stepIterations: 100 };
  const ev = batchesToEvents((await collectBatches(workloadTrace('x97-bp', p))).batches);
  const kernels = ev.map((e, i) => [e, i] as const).filter(([e]) => e.op === 'kernelBegin');
  assert.equal(kernels.length, 3);
  const xo = ev.find((e) => e.op === 'alloc' && e.resource === 'x_out')!;
  for (const [, i] of kernels) {
    const prevKernelEnd = ev.slice(0, i).map((e) => e.op).lastIndexOf('kernelEnd');
    const cpuInput = ev.slice(prevKernelEnd + 1, i).filter((e) => e.op === 'access' && e.agent === 'cpu' && e.access === 'w' && e.va! >= xo.va! && e.va! < xo.va! + xo.bytes!);
    assert.equal(cpuInput.reduce((s, e) => s + (e.count ?? 1), 0), p.samples * p.inputN, 'the CPU rewrites x_out before the step');
  }
  const { inputN: I, hidden: H, outN: O, samples: M } = p;
  // element accesses per step, from cpu_bp's loop nests (feed-forward 2, output delta, hidden delta, 2 updates)
  const perStep = M * H * (2 * I + 1) + M * O * (2 * H + 1) + M * O * 5 + M * H * (2 * O + 3) + O * H * (2 * M + 2) + H * I * (2 * M + 2);
  const device = ev.filter((e) => e.op === 'access' && e.agent === 'dev0').reduce((s, e) => s + (e.count ?? 1), 0);
  assert.equal(device, 3 * perStep);
});
