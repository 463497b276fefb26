import type { EventBatch } from '../../trace/batch';
import { CPU, Flag } from '../../trace/event';
import type { StringTable } from '../../trace/strings';
import { TraceEmitter } from '../emit/emitter';
import { HEAP_BASE_VA, VaArena } from '../emit/va-arena';
import { IssueRecorder } from './issue-recorder';

/** Agent code of `dev0`, the GPU every Rodinia trace runs on. */
export const DEV0 = 1;

/** Parameters every Rodinia workload shares (docs/workloads.md, "Rodinia"). */
export type RodiniaCommon = {
  /** Linear problem-size multiplier (1/32 … 4096); each workload states how its dimensions derive from it. */
  scale: number;
  /** Page size of the recorded access rows. */
  pageBytes: number;
  /** Streaming multiprocessors of the recorded GPU: a step is one wave of co-resident thread blocks. */
  sms: number;
  /** Device compute throughput in GFLOP/s (= FLOP per ns) for kernel `dur_ns`. */
  deviceGflops: number;
  /** Device memory bandwidth in GB/s (= bytes per ns) for kernel `dur_ns`. */
  deviceGBps: number;
  /** Host rate in GB/s for the CPU phases (initialisation, host reductions, result read-back). */
  hostGBps: number;
  /**
   * Order of a step's device rows: `warps` = GPGPU-Sim's issue order (blocks round-robin on SMs, the k-th
   * access of every resident warp before any (k+1)-th; IssueRecorder), `address` = ascending page address.
   */
  issueOrder: string;
  /**
   * Size of each `cudaMallocManaged`: `exact` = the array's bytes; `uvmsmart` = as GPGPU-Sim/UVMSmart allocates it
   * (uvmsmartAllocBytes: whole 2 MiB plus the remainder rounded up to a power of two ≥ 64 KiB). The padding is
   * managed memory no kernel touches, but a prefetcher may migrate it.
   */
  allocSizing: string;
};

/**
 * Size GPGPU-Sim (UVMSmart) gives a `cudaMallocManaged` of `bytes`: whole 2 MiB large pages plus the remainder
 * rounded up to a power of two of at least 64 KiB (libcuda/cuda_runtime_api.cc:481-495 of gpgpu-sim_UVMSmart; each
 * piece becomes one prefetch tree, gmmu_t::initialize_large_page, gpu-sim.cc:2486-2493).
 */
export function uvmsmartAllocBytes(bytes: number): number {
  const large = 2 * 1024 * 1024;
  const n = Math.floor(bytes / large);
  const rest = bytes - n * large;
  let r = 0;
  if (rest > 0) for (r = 64 * 1024; r < rest; r *= 2);
  return n * large + r;
}

/** A managed array of the simulated program: recorder id, address and size. */
export interface DevArray {
  readonly id: number;
  readonly name: string;
  readonly va: number;
  readonly bytes: number;
  readonly length: number;
  /** Bytes of the allocation (`bytes`, or more with `allocSizing=uvmsmart`). */
  readonly allocBytes: number;
}

/** Estimated work of one kernel launch, for its `dur_ns` (computed before the launch runs). */
export interface KernelWork {
  readonly flops: number;
  readonly bytes: number;
}

/** Hardware limits of the occupancy rule (CUDA compute capability 6.1, the GTX 1080 Ti of UVMSmart). */
const MAX_THREADS_PER_SM = 2048;
const MAX_BLOCKS_PER_SM = 32;

/**
 * One run of a Rodinia program on the emulated GPU: allocates `managed` arrays (cudaMallocManaged), runs
 * CPU phases and kernel launches in program order, and records the page stream.
 *
 * Kernel launches emulate the grid: thread blocks are processed in linear order (`blockIdx.x` fastest); a
 * *step* is one wave of co-resident blocks (`sms` × blocks per SM, from the occupancy limits of 2,048
 * threads and 32 blocks per SM); each step's element accesses become page-granular `access dev0` rows
 * (IssueRecorder) stamped at the step's start time, in GPGPU-Sim's issue order (`issueOrder=warps`: block i
 * of a wave on SM i mod sms, the k-th access of every resident warp before any (k+1)-th) or by address. A launch is `kernel_begin dev0` with `dur_ns` =
 * max(flops / deviceGflops, bytes / deviceGBps) and `kernel_end` at begin + dur_ns; steps are spread
 * evenly inside. CPU phases write page rows for `cpu` and advance time by bytes / hostGBps.
 */
export class DeviceRun {
  readonly em: TraceEmitter;
  readonly rec: IssueRecorder;
  tNs = 0;
  private readonly arena = new VaArena(HEAP_BASE_VA);
  private readonly arrays: DevArray[] = [];
  /** Kernel launches so far. */
  launches = 0;

  constructor(readonly common: RodiniaCommon, strings?: StringTable) {
    this.em = new TraceEmitter(strings);
    this.rec = new IssueRecorder(this.em, common.pageBytes);
  }

  /** `cudaMallocManaged` of `length` elements of `elemBytes` each. */
  managed(name: string, length: number, elemBytes: number): DevArray {
    const bytes = length * elemBytes;
    const allocBytes = this.common.allocSizing === 'uvmsmart' ? uvmsmartAllocBytes(bytes) : bytes;
    const va = this.arena.take(allocBytes);
    this.em.alloc(this.tNs, CPU, va, allocBytes, Flag.managed, this.em.id(name));
    const a: DevArray = { id: this.rec.addArray(va, bytes, elemBytes), name, va, bytes, length, allocBytes };
    this.arrays.push(a);
    return a;
  }

  /**
   * `cudaMalloc` of `length` elements of `elemBytes` each: device memory (`alloc flags=device`), exact size (GPGPU-Sim
   * places it in the unmanaged range, outside the managed allocations UVMSmart pads: libcuda/cuda_runtime_api.cc).
   */
  device(name: string, length: number, elemBytes: number): DevArray {
    const bytes = length * elemBytes;
    const va = this.arena.take(bytes);
    this.em.alloc(this.tNs, CPU, va, bytes, Flag.device, this.em.id(name));
    const a: DevArray = { id: this.rec.addArray(va, bytes, elemBytes), name, va, bytes, length, allocBytes: bytes };
    this.arrays.push(a);
    return a;
  }

  /** `cudaMemcpy` host → device of the whole (device) array `a`. */
  copyToDevice(a: DevArray): void {
    this.em.copy(this.tNs, CPU, DEV0, a.va, a.bytes);
    this.advanceHost(a.length, a.bytes / a.length);
  }

  /** `cudaMemcpy` device → host of the whole (device) array `a` (the host buffer is not in the trace). */
  copyToHost(a: DevArray): void {
    this.em.copy(this.tNs, DEV0, CPU, NaN, a.bytes);
    this.advanceHost(a.length, a.bytes / a.length);
  }

  /**
   * `cudaDeviceSynchronize` where the program calls it between device work and host code: a `marker sync` row on
   * dev0 (docs/trace-formats.md). The driver needs nothing at that point; UVMSmart writes back and drops managed
   * pages there (uvm faultCost=far-fault, src/systems/uvm/device-sync.ts).
   */
  sync(): void {
    this.em.marker(this.tNs, DEV0, this.em.id('sync'));
  }

  private advanceHost(elements: number, elemBytes: number): void {
    this.tNs += Math.max(1, Math.round((elements * elemBytes) / this.common.hostGBps));
  }

  /** A CPU loop writing `a[from, from+count)` once each (initialisation). */
  cpuWrite(a: DevArray, from = 0, count = a.length): void {
    this.rec.range(a.id, from, count, true);
    this.rec.flush(this.tNs, CPU);
    this.advanceHost(count, a.bytes / a.length);
  }

  /** A CPU loop reading `a[from, from+count)` once each (host reductions, result read-back). */
  cpuRead(a: DevArray, from = 0, count = a.length): void {
    this.rec.range(a.id, from, count, false);
    this.rec.flush(this.tNs, CPU);
    this.advanceHost(count, a.bytes / a.length);
  }

  /** Flush CPU accesses recorded element by element (irregular host loops) as one CPU step. */
  cpuStep(elements: number, elemBytes: number): void {
    this.rec.flush(this.tNs, CPU);
    this.advanceHost(elements, elemBytes);
  }

  /** Thread blocks resident at once: the wave size of a launch with `threadsPerBlock` threads per block. */
  waveBlocks(threadsPerBlock: number): number {
    return this.common.sms * this.blocksPerSm(threadsPerBlock);
  }

  /** Resident blocks per SM (occupancy limits of 2,048 threads and 32 blocks per SM). */
  blocksPerSm(threadsPerBlock: number): number {
    return Math.max(1, Math.min(MAX_BLOCKS_PER_SM, Math.floor(MAX_THREADS_PER_SM / threadsPerBlock)));
  }

  /** Compute time of a launch (ns, ≥ 1). */
  durationNs(work: KernelWork): number {
    return Math.max(1, Math.round(Math.max(work.flops / this.common.deviceGflops, work.bytes / this.common.deviceGBps)));
  }

  /**
   * One kernel launch over a `gridX` × `gridY` grid: `block(bx, by)` runs the kernel body for every thread
   * of that block (recording its element accesses); batches are yielded between steps.
   */
  *launch(
    label: string, gridX: number, gridY: number, threadsPerBlock: number, work: KernelWork,
    block: (bx: number, by: number) => void,
  ): Generator<EventBatch, void, undefined> {
    const labelId = this.em.id(label);
    const dur = this.durationNs(work);
    const t0 = this.tNs;
    const total = gridX * gridY;
    const wave = this.waveBlocks(threadsPerBlock);
    const steps = Math.ceil(total / wave);
    const ordered = this.common.issueOrder === 'warps';
    this.rec.launchShape(this.common.sms, this.blocksPerSm(threadsPerBlock), threadsPerBlock);
    this.em.kernelBegin(t0, DEV0, labelId, dur);
    let b = 0;
    for (let s = 0; s < steps; s++) {
      const first = b;
      const end = Math.min(total, b + wave);
      for (; b < end; b++) {
        if (ordered) this.rec.block(b - first);
        block(b % gridX, Math.floor(b / gridX));
      }
      this.rec.endBlocks();
      this.rec.flush(t0 + Math.floor((dur * s) / steps), DEV0);
      yield* this.em.drain();
    }
    this.tNs = t0 + dur;
    this.em.kernelEnd(this.tNs, DEV0, labelId);
    this.launches++;
  }

  /** Free every array (program exit) and yield the remaining batches. */
  *finish(): Generator<EventBatch, void, undefined> {
    for (const a of this.arrays) this.em.free(this.tNs, CPU, a.va, a.allocBytes);
    yield* this.em.finish();
  }
}
