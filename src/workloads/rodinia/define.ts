import type { ParamDoc, ParamValue } from '../../params';
import type { EventBatch } from '../../trace/batch';
import type { StringTable } from '../../trace/strings';
import { Rng } from '../../sim/rng';
import { intIn, numIn, powerOfTwo, problems, workloadMeta } from '../params';
import type { WorkloadDef, WorkloadId } from '../types';
import { DeviceRun, type RodiniaCommon } from './device-run';

/**
 * Defaults shared by the Rodinia workloads: the recorded device is the GTX 1080 Ti the UVMSmart study
 * (Ganguly et al., ISCA 2019) simulates — 28 SMs, 11,340 GFLOP/s FP32 peak (3,584 cores × 1.582 GHz boost
 * × 2), 484 GB/s GDDR5X (NVIDIA GTX 1080 Ti specifications) — and 4 KiB pages (UVM's smallest page).
 */
export const RODINIA_COMMON_DEFAULTS: RodiniaCommon = {
  scale: 1,
  pageBytes: 4096,
  sms: 28,
  deviceGflops: 11340,
  deviceGBps: 484,
  hostGBps: 10,
  issueOrder: 'warps',
  allocSizing: 'exact',
};

/** Documentation of the shared Rodinia parameters. */
export const RODINIA_COMMON_DOCS: Readonly<Record<keyof RodiniaCommon, ParamDoc>> = {
  scale: { summary: 'linear problem-size multiplier (1/32 … 4096; dimensions round to the kernel\'s tile size); see the workload for how they derive from it' },
  pageBytes: { summary: 'page size of the recorded access rows (power of two, 4 KiB … 2 MiB)', unit: 'bytes' },
  sms: { summary: 'streaming multiprocessors of the recorded GPU; one step = one wave of co-resident thread blocks', unit: 'count' },
  deviceGflops: { summary: 'device compute throughput (GFLOP/s) used for kernel dur_ns' },
  deviceGBps: { summary: 'device memory bandwidth (GB/s) used for kernel dur_ns' },
  hostGBps: { summary: 'host rate (GB/s) that times the CPU phases (initialisation, host reductions, read-back)' },
  issueOrder: {
    summary:
      'order of the device rows inside a step: warps = GPGPU-Sim issue order (block i of a wave on SM i mod sms; the k-th access of every ' +
      'resident warp before any (k+1)-th; gpu-sim.cc issue_block2core, UVMSmart), address = ascending page address',
    values: ['warps', 'address'],
  },
  allocSizing: {
    summary:
      'size of each cudaMallocManaged: exact = the array; uvmsmart = as GPGPU-Sim/UVMSmart allocates (whole 2 MiB + remainder rounded up ' +
      'to a power of two ≥ 64 KiB, libcuda/cuda_runtime_api.cc); the padding is managed memory a prefetcher may migrate',
    values: ['exact', 'uvmsmart'],
  },
};

/** `base · scale` rounded to a multiple of `unit` (at least one unit): a dimension at a problem scale. */
export function scaled(base: number, scale: number, unit: number): number {
  return Math.max(unit, Math.round((base * scale) / unit) * unit);
}

/** What one Rodinia workload adds to the shared definition. */
export interface RodiniaSpec<P extends Record<string, ParamValue>> {
  readonly name: WorkloadId;
  readonly summary: string;
  readonly defaults: P;
  readonly params: Readonly<Record<keyof P & string, ParamDoc>>;
  validate?(p: Readonly<P & RodiniaCommon>): Partial<Record<keyof P & string, string | undefined>>;
  /** Run the program on `run` (allocations, CPU phases, launches); yield batches as the run proceeds. */
  program(run: DeviceRun, p: Readonly<P & RodiniaCommon>, rng: Rng): Generator<EventBatch, void, undefined>;
}

/** Build the `WorkloadDef` of a Rodinia program: shared parameters, validation, metadata and the run. */
export function rodiniaWorkload<P extends Record<string, ParamValue>>(spec: RodiniaSpec<P>): WorkloadDef<P & RodiniaCommon> {
  type All = P & RodiniaCommon;
  const { scale, ...common } = RODINIA_COMMON_DEFAULTS;
  const { scale: scaleDoc, ...commonDocs } = RODINIA_COMMON_DOCS;
  const defaults = { scale, ...spec.defaults, ...common } as All;
  const params = { scale: scaleDoc, ...spec.params, ...commonDocs } as Record<keyof All & string, ParamDoc>;
  return {
    name: spec.name,
    summary: spec.summary,
    defaults,
    params,
    validate(p) {
      return problems<string>({
        scale: numIn(p.scale, 1 / 32, 4096),
        pageBytes: powerOfTwo(p.pageBytes, 4096) ?? (p.pageBytes > 2 * 1024 * 1024 ? 'a power of two in [4096, 2 MiB]' : undefined),
        sms: intIn(p.sms, 1, 1024),
        deviceGflops: numIn(p.deviceGflops, 1e-3, 1e9),
        deviceGBps: numIn(p.deviceGBps, 1e-3, 1e9),
        hostGBps: numIn(p.hostGBps, 1e-3, 1e9),
        issueOrder: p.issueOrder === 'warps' || p.issueOrder === 'address' ? undefined : 'warps or address',
        allocSizing: p.allocSizing === 'exact' || p.allocSizing === 'uvmsmart' ? undefined : 'exact or uvmsmart',
        ...(spec.validate?.(p) ?? {}),
      }) as Array<readonly [keyof All & string, string]>;
    },
    *generate(p: Readonly<All>, seed: number, strings?: StringTable) {
      const run = new DeviceRun(p, strings);
      yield* spec.program(run, p, new Rng(seed));
      yield* run.finish();
    },
    meta: (p, seed) => workloadMeta(spec.name, p, seed, ['dev0']),
  };
}
