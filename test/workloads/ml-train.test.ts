import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents } from '../../src/trace/batch';
import { footprintOf } from '../../src/trace/footprint';
import { collectBatches } from '../../src/trace/trace';
import { GiB, MiB } from '../../src/units';
import { forwardFlops, layerParams, layersForFootprint, mlTrainFootprint } from '../../src/workloads/ml-train/model';
import { workloadTrace } from '../../src/workloads/trace';

test('layer parameters and footprint follow the stated formula (hand-computed for d = 64)', () => {
  assert.equal(layerParams(64), 12 * 4096 + 13 * 64);
  // d 64, B 2, S 32, h 2: P = 49,984 → 4P = 199,936 B → 2 MiB; 8P → 2 MiB; A = 4·64·(16·64 + 2·2·32) = 294,912 → 2 MiB
  const s = { layers: 3, hidden: 64, seqLen: 32, batch: 2, heads: 2 };
  assert.equal(mlTrainFootprint(s), 3 * 4 * 2 * MiB + 3 * 2 * MiB);
  assert.equal(forwardFlops(s), 2 * 64 * layerParams(64) + 4 * 2 * 32 * 32 * 64);
});

test('ml-train: the generated footprint equals the formula, and targetFootprint sweeps 50 %–300 % of a device', async () => {
  const tr = await collectBatches(workloadTrace('ml-train', {}));
  assert.equal(footprintOf(tr.batches), mlTrainFootprint({ layers: 4, hidden: 512, seqLen: 256, batch: 4, heads: 8 }));
  const shape = { layers: 1, hidden: 512, seqLen: 256, batch: 4, heads: 8 };
  const perLayer = mlTrainFootprint({ ...shape, layers: 2 }) - mlTrainFootprint(shape);
  for (const ratio of [0.5, 1, 1.5, 3]) {
    const target = ratio * 16 * GiB;
    const fp = mlTrainFootprint({ ...shape, layers: layersForFootprint(shape, target) });
    assert.ok(fp <= target && fp > target - perLayer, `${ratio}: ${fp} for ${target}`);
  }
  const { reader } = await collectBatches(workloadTrace('ml-train', { targetFootprint: '1GiB', steps: 1, hidden: 256 }));
  assert.ok(Number(reader.meta['model.footprint_bytes']) <= GiB);
});

test('ml-train: forward sweeps layers up, backward down, then the optimizer; kernel dur_ns from FLOPs', async () => {
  const ev = batchesToEvents((await collectBatches(workloadTrace('ml-train', { layers: 3, steps: 1, kind: 'peer_shared' }))).batches);
  const kernels = ev.filter((e) => e.op === 'kernelBegin').map((e) => e.label);
  assert.deepEqual(kernels, ['fwd.l0', 'fwd.l1', 'fwd.l2', 'loss', 'bwd.l2', 'bwd.l1', 'bwd.l0', 'adam.l0', 'adam.l1', 'adam.l2']);
  assert.ok(ev.filter((e) => e.op === 'alloc').every((e) => e.flags?.includes('peer_shared')));
  const fwd = ev.find((e) => e.label === 'fwd.l0' && e.op === 'kernelBegin')!;
  const flops = forwardFlops({ layers: 3, hidden: 512, seqLen: 256, batch: 4, heads: 8 });
  assert.equal(fwd.durNs, Math.round(flops / 19500), 'compute-bound: FLOPs / 19.5 TFLOP/s');
  assert.ok(ev.some((e) => e.op === 'access' && e.agent === 'cpu' && e.access === 'w'), 'the CPU writes the input batch');
  assert.ok(!ev.some((e) => e.op === 'prefetch'), 'no hints by default');
});

test('ml-train: prefetch hints target dev0 and precede the kernel that uses the tensor', async () => {
  const ev = batchesToEvents((await collectBatches(workloadTrace('ml-train', { layers: 4, steps: 1, prefetch: true, prefetchAhead: 2 }))).batches);
  const pf = ev.filter((e) => e.op === 'prefetch');
  assert.ok(pf.length >= 4);
  assert.ok(pf.every((e) => e.target === 'dev0' && e.flags?.includes('async')));
  // W[l] is first prefetched after fwd.l(l−3) began and before fwd.l(l−2) begins (two layers ahead)
  const begin = (label: string) => ev.findIndex((e) => e.op === 'kernelBegin' && e.label === label);
  const w3 = ev.find((e) => e.op === 'alloc' && e.resource === 'w3')!;
  const firstPf = ev.findIndex((e) => e.op === 'prefetch' && e.va === w3.va);
  assert.ok(firstPf > begin('fwd.l0') && firstPf < begin('fwd.l1'), 'w3 is prefetched two layers ahead of its forward kernel');
});
