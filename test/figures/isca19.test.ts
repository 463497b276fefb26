import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPhaseNs, ISCA_INPUTS, ISCA_SCALE, kernelTimeNs } from '../../src/figures/isca19';
import type { RunResult } from '../../src/sim/run-types';
import { Access, CPU } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { TraceEmitter } from '../../src/workloads/emit/emitter';
import { bfsNodes } from '../../src/workloads/rodinia/bfs';
import { fdtdSide } from '../../src/workloads/rodinia/fdtd';

/**
 * The ISCA'19 runtime is UVMSmart's kernel + far-fault time (gpu-sim.cc:116-126): the figures subtract the
 * trace's host phases — the row gaps outside kernels that the engine charges as compute — and the CPU-side costs
 * the model reports (`extra.cpuAccessNs`).
 */
test('host-phase time is the sum of row gaps outside kernels with dur_ns', async () => {
  const em = new TraceEmitter();
  const k = em.id('k');
  em.access(100, CPU, 0x10000, 4096, Access.w); // host phase 0 → 100
  em.kernelBegin(250, 1, k, 1000); // gap 100 → 250: host
  em.access(400, 1, 0x10000, 4096, Access.r); // inside the kernel: not host
  em.kernelEnd(1250, 1, k);
  em.access(1300, CPU, 0x10000, 4096, Access.r); // gap 1250 → 1300: host
  em.kernelBegin(2000, 1, k, 10); // gap 1300 → 2000: host
  em.kernelEnd(2010, 1, k);
  const trace = memoryTrace('t', [...em.finish()]);
  assert.equal(await hostPhaseNs(trace), 100 + 150 + 50 + 700);
  assert.equal(await hostPhaseNs(trace), 1000, 'cached per trace, same value');
});

test('kernel time = sim time − host phases − extra.cpuAccessNs (0 when the model does not report it)', () => {
  const result = (simTimeNs: number, extra: Record<string, number>) => ({ summary: { simTimeNs, extra } }) as unknown as RunResult;
  assert.equal(kernelTimeNs(result(10_000, {}), 1000), 9000);
  assert.equal(kernelTimeNs(result(10_000, { cpuAccessNs: 2500 }), 1000), 6500);
});

test('full scale runs the artifact\'s inputs (benchmarks/Managed/*/run of gpgpu-sim_UVMSmart)', () => {
  assert.equal(bfsNodes(ISCA_SCALE.full.bfs), 262144); // graph256k
  assert.equal(fdtdSide(ISCA_SCALE.full.fdtd), 1200); // fdtd2d.cu NX = NY = 1200
  assert.equal(ISCA_INPUTS.fdtd.steps, 5); // fdtd2d.cu tmax = 5
  assert.equal(Math.round(65536 * ISCA_SCALE.full.backprop), 131072); // ./backprop 131056 (rounded to the 16-row tile)
});
