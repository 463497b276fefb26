import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPhaseNs, ISCA_INPUTS, ISCA_SCALE, kernelTimeNs, syncEpochFootprintBytes } from '../../src/figures/isca19';
import type { RunResult } from '../../src/sim/run-types';
import { Access, CPU, Flag } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { TraceEmitter } from '../../src/workloads/emit/emitter';
import { backpropInputs } from '../../src/workloads/rodinia/backprop';
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
  assert.equal(backpropInputs(ISCA_SCALE.full.backprop), 131056); // ./backprop 131056
  assert.equal(ISCA_INPUTS.backprop.artifact, true); // Managed/backprop/backprop.cu as a whole
});

test('capacity basis: the device footprint of the largest synchronize epoch (managed allocations device rows touch between syncs)', async () => {
  const em = new TraceEmitter();
  const k = em.id('k');
  const sync = em.id('sync');
  const MiB = 1 << 20;
  // A (1 MiB), B (2 MiB), C (4 MiB + 1 B → 4 MiB + 4 KiB), all managed; D (8 MiB) device memory
  em.alloc(0, CPU, 0x1000_0000, MiB, Flag.managed);
  em.alloc(0, CPU, 0x2000_0000, 2 * MiB, Flag.managed);
  em.alloc(0, CPU, 0x3000_0000, 4 * MiB + 1, Flag.managed);
  em.alloc(0, CPU, 0x4000_0000, 8 * MiB, Flag.device);
  em.access(5, CPU, 0x3000_0000, 4096, Access.w); // CPU rows do not count
  em.kernelBegin(10, 1, k, 100);
  em.access(20, 1, 0x1000_0000, 4096, Access.r); // epoch 1: A + B = 3 MiB
  em.access(30, 1, 0x2000_0000 + MiB, 4096, Access.w);
  em.access(40, 1, 0x4000_0000, 4096, Access.r); // device memory: not managed
  em.kernelEnd(110, 1, k);
  em.marker(120, 1, sync);
  em.kernelBegin(130, 1, k, 100);
  em.access(140, 1, 0x3000_0000 + 4 * MiB, 1, Access.r); // epoch 2: C + A = 5 MiB + 4 KiB
  em.access(150, 1, 0x1000_0000, 4096, Access.r);
  em.kernelEnd(230, 1, k);
  em.kernelBegin(240, 1, k, 100);
  em.access(250, 1, 0x1000_0000, 4096, Access.r); // same epoch: A counted once
  em.kernelEnd(340, 1, k);
  const trace = memoryTrace('t', [...em.finish()]);
  assert.equal(await syncEpochFootprintBytes(trace), 5 * MiB + 4096);
});

test('the artifact\'s backprop at 65,536 inputs: largest epoch = the adjust kernel\'s 9.5625 MiB of 14.75 MiB managed', async () => {
  const { FigureContext } = await import('../../src/figures/context');
  const ctx = new FigureContext({ scale: 'quick' });
  const t = await ctx.workload('rodinia-backprop', { allocSizing: 'uvmsmart', artifact: true, scale: 1 }, 0);
  // hidden_delta 64 KiB + input_units 512 KiB + input_weights2 and input_prev_weights 4.5 MiB each (uvmsmartAllocBytes)
  assert.equal(await syncEpochFootprintBytes(t.trace), 9.5625 * 2 ** 20);
  assert.equal(t.pageFootprintBytes, 14.75 * 2 ** 20);
});
