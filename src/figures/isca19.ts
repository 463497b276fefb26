import type { Isca19Row } from '../analysis/reference';
import type { RunResult } from '../sim/run-types';
import { CPU, Flag, MarkerKind, Op } from '../trace/event';
import type { Trace } from '../trace/trace';
import { capacityForLevel, type FigureContext, type FigureTrace } from './context';

/**
 * Shared definitions of the ISCA'19 (UVMSmart, Ganguly et al.) reproductions: which `uvm` variant stands
 * for "their simulator", how each published configuration maps to a `uvm:` item, the benchmarks and their
 * scale, and how oversubscription levels become capacities.
 */

/** Platform of every ISCA'19 run (the GTX 1080 Ti on PCIe 3 that UVMSmart models). */
export const ISCA_PROFILE = 'gtx1080ti-pcie3';

/**
 * The `uvm` parameters that make the model behave like the UVMSmart simulator, for every ISCA'19 row (one
 * choice, never per row). Read from gpgpu-sim_UVMSmart (bafab5d), src/gpgpu-sim/gpu-sim.cc and
 * configs/GeForceGTX1080Ti/gpgpusim.config:
 * - `faultCost=far-fault`: one far-fault latency (`device.fault.serviceNs`, 45 µs = page_fault_latency 66,645
 *   cycles at 1481 MHz) per fault group instead of the driver's batch + per-entry costs. UVMSmart counts one far
 *   fault per faulted 4 KiB page that is not already in flight (mf_page_fault_outstanding, do_hardware_prefetch,
 *   gpu-sim.cc:3757-3766; pages a prefetch scheduled are `pending`, not faults) and adds count × latency to the
 *   kernel time (gpu-sim.cc:116-126, enable_accurate_simulation = 0). In this mode the uvm model also copies
 *   every page it makes resident over the link (no zero-fill: UVMSmart backs managed memory on the host from
 *   cudaMallocManaged on, libcuda/cuda_runtime_api.cc:507-509) and a synchronous eviction waits for the
 *   write-back to start, not to end (gpu-sim.cc:3131-3156);
 * - `thrashing=false`: UVMSmart has no thrashing detection, throttling or pinning (the driver's
 *   uvm_perf_thrashing is not simulated there);
 * - `batchMax=1`: every faulted page is serviced (prefetch decided, transfers booked) before the next one is
 *   looked at. GPGPU-Sim decides per GMMU turn (≤ one walk per SM per
 *   cycle, gpu-sim.cc:3410-3424) and a page that an earlier turn's prefetch scheduled is `pending`, not a fault
 *   (gpu-sim.cc:3355-3399); the turn's walks are warp accesses, most to pages the same turn already holds, while the
 *   trace's rows are whole pages — so one page per service is the closest row-level equivalent, and batching
 *   many page rows would count pages as far faults that UVMSmart finds in flight. Duplicate accesses are MSHR
 *   merges in GPGPU-Sim (Page_tot_pending), not fault-buffer entries.
 * With `link.model=atan` (UVMSMART_SET): UVMSmart's transfer curve `(2a/π)·atan(b·KB)`, a = 12, b = 0.07292.
 * Everything else (2 MiB VA blocks, 64 KiB big pages) keeps the driver defaults of the `uvm` model. The
 * published runtime leaves the host code out: see kernelTimeNs.
 */
export const UVMSMART_PARAMS = 'faultCost=far-fault:thrashing=false:batchMax=1';
/** Profile overrides of the UVMSmart timing model (the transfer curve of its gpu-sim.cc). */
export const UVMSMART_SET: Readonly<Record<string, string>> = { 'link.model': 'atan' };

/** The benchmarks with published ISCA'19 numbers (nw, pathfinder and srad logs were not extracted). */
export const ISCA_BENCHMARKS = ['backprop', 'bfs', 'fdtd', 'hotspot'] as const;
export type IscaBenchmark = (typeof ISCA_BENCHMARKS)[number];

/** One published configuration (a `config` of isca19-uvmsmart-runtimes.csv) as a `uvm` run. */
export interface IscaConfig {
  /** Short legend label. */
  readonly label: string;
  /** `uvm` item parameters besides UVMSMART_PARAMS. */
  readonly params: string;
  /** Oversubscription level (footprint / capacity); null = no oversubscription (the profile's capacity). */
  readonly level: number | null;
}

/**
 * Every configuration of the published table, mapped to `uvm` item syntax (docs/systems.md, "Reproducing
 * docs/reference-results.md §1 rows"). Levels marked "inferred" in the table are taken as 110 %. The "X eviction,
 * on-demand paging" rows run TBN until the first eviction and on demand after it (`prefetchOnOversub=false`,
 * UVMSmart `hwprefetch_oversub=0`): their backprop runtime equals the LRU_OD run to the microsecond, and
 * on-demand paging from the start could not be faster than the no-oversubscription on-demand run (317 ms vs
 * 18.8 ms). Likewise "Random prefetch + Random eviction" and "SL + SL" start with TBN and switch prefetcher at
 * the first eviction (`oversubPrefetch`): backprop takes 15.5 ms and 7.7 ms there against 224 ms and 23.9 ms
 * with that prefetcher from the start, and the artifact's folder names (`<prefetch>_<eviction>_<oversub
 * prefetch>_<level>`: 1_3_3_110, 1_2_2_110; 1 = TBN) say so.
 */
export const ISCA_CONFIGS: Readonly<Record<string, IscaConfig>> = {
  'no-oversub-tbn': { label: 'TBN', params: 'prefetch=tbn', level: null },
  'no-oversub-on-demand': { label: 'on-demand', params: 'prefetch=none', level: null },
  'no-oversub-random-4k': { label: 'random-4K', params: 'prefetch=random-4k', level: null },
  'no-oversub-sl-64k': { label: 'SL-64K', params: 'prefetch=sl-64k', level: null },
  'lru-od-110': { label: 'LRU-4K (prefetch off after 1st eviction)', params: 'prefetch=tbn:eviction=lru-4k:prefetchOnOversub=false', level: 1.1 },
  'lru-od-125': { label: 'LRU-4K (prefetch off after 1st eviction)', params: 'prefetch=tbn:eviction=lru-4k:prefetchOnOversub=false', level: 1.25 },
  'lru-od-150': { label: 'LRU-4K (prefetch off after 1st eviction)', params: 'prefetch=tbn:eviction=lru-4k:prefetchOnOversub=false', level: 1.5 },
  'lru-od-110-preevict-95': { label: 'LRU-4K, pre-evict at 95 %', params: 'prefetch=tbn:eviction=lru-4k:prefetchOnOversub=false:preEvictAt=0.95', level: 1.1 },
  'lru-od-110-preevict-90': { label: 'LRU-4K, pre-evict at 90 %', params: 'prefetch=tbn:eviction=lru-4k:prefetchOnOversub=false:preEvictAt=0.9', level: 1.1 },
  // "on-demand paging" under oversubscription = TBN until the first eviction (see the table's note)
  'random-4k-evict-od-110': { label: 'random-4K eviction, on demand after 1st eviction', params: 'prefetch=tbn:eviction=random-4k:prefetchOnOversub=false', level: 1.1 },
  'sl-64k-evict-od-110': { label: 'SL-64K eviction, on demand after 1st eviction', params: 'prefetch=tbn:eviction=sl-64k:prefetchOnOversub=false', level: 1.1 },
  'tbn-evict-od-110': { label: 'TBN eviction, on demand after 1st eviction', params: 'prefetch=tbn:eviction=tbn-pre:prefetchOnOversub=false', level: 1.1 },
  // "X prefetch + X eviction" = TBN until the first eviction, then prefetcher X (see the table's note)
  'random-random-110': { label: 'random-4K + random-4K (after 1st eviction)', params: 'prefetch=tbn:eviction=random-4k:oversubPrefetch=random-4k', level: 1.1 },
  'sl-sl-110': { label: 'SL-64K + SL-64K (after 1st eviction)', params: 'prefetch=tbn:eviction=sl-64k:oversubPrefetch=sl-64k', level: 1.1 },
  'tbn-tbn-reserved10-110': { label: 'TBN + TBN, 10 % reserved', params: 'prefetch=tbn:eviction=tbn-pre:reservedFraction=0.1', level: 1.1 },
  'tbn-tbn-reserved20-110': { label: 'TBN + TBN, 20 % reserved', params: 'prefetch=tbn:eviction=tbn-pre:reservedFraction=0.2', level: 1.1 },
  'tbn-tbn-110': { label: 'TBN + TBN pre-eviction', params: 'prefetch=tbn:eviction=tbn-pre', level: 1.1 },
  'tbn-tbn-125': { label: 'TBN + TBN pre-eviction', params: 'prefetch=tbn:eviction=tbn-pre', level: 1.25 },
  'tbn-tbn-150': { label: 'TBN + TBN pre-eviction', params: 'prefetch=tbn:eviction=tbn-pre', level: 1.5 },
  'lru-2mb-110': { label: 'LRU-2MB', params: 'prefetch=tbn:eviction=lru-2m', level: 1.1 },
  'lru-2mb-125': { label: 'LRU-2MB', params: 'prefetch=tbn:eviction=lru-2m', level: 1.25 },
  'lru-2mb-150': { label: 'LRU-2MB', params: 'prefetch=tbn:eviction=lru-2m', level: 1.5 },
};

/**
 * Rodinia `scale` per benchmark and figure scale. `default` and `full` are the artifact's inputs
 * (benchmarks/Managed/<bench>/run of gpgpu-sim_UVMSmart): backprop 131,056 inputs (2 × 65,536 − 16), bfs graph256k
 * (4 × 65,536 nodes), fdtd NX = NY = 1200 (FDTD-2D/fdtd2d.cu:31-32; 2.34 × 512), hotspot 1024² (2 × 512). With
 * allocations sized as UVMSmart sizes them, how much of each array is padding — and so the oversubscription the
 * kernels see at a level — depends on the array sizes, so the reproduction runs the published inputs; `quick`
 * shrinks them for tests.
 */
export const ISCA_SCALE: Readonly<Record<'quick' | 'default' | 'full', Readonly<Record<IscaBenchmark, number>>>> = {
  quick: { backprop: 0.25, bfs: 0.25, fdtd: 0.5, hotspot: 0.5 },
  default: { backprop: 131056 / 65536, bfs: 4, fdtd: 2.34, hotspot: 2 },
  full: { backprop: 131056 / 65536, bfs: 4, fdtd: 2.34, hotspot: 2 },
};

/**
 * Inputs of the artifact's runs besides the problem size (benchmarks/Managed/<bench>/run and sources of
 * gpgpu-sim_UVMSmart): fdtd runs tmax = 5 time steps (FDTD-2D/fdtd2d.cu:30; the logs show 15 launches = 5 × 3
 * kernels); backprop's adjust kernel updates a managed copy of the weights, input_weights2 (Managed/backprop/
 * backprop.cu:135, 188, 635-647: `weightsCopy`); hotspot's 8 iterations with pyramid height 2 (`./hotspot 1024 2 8`)
 * and backprop's one training step are the generators' defaults; bfs's level count follows from its graph. backprop runs
 * the artifact's program as a whole (`artifact`: also its managed host arrays, the forward kernel's tile write and
 * its cudaDeviceSynchronize calls).
 */
export const ISCA_INPUTS: Readonly<Record<IscaBenchmark, Readonly<Record<string, number | string | boolean>>>> = {
  backprop: { artifact: true },
  bfs: {},
  fdtd: { steps: 5 },
  hotspot: {},
};

/**
 * Trace parameters of every ISCA'19 run: managed allocations sized as GPGPU-Sim/UVMSmart sizes them (the
 * padding is memory its TBN prefetcher fills: the artifact's no-oversubscription fdtd TBN log validates 4,624
 * pages for 4,224 touched = 3 × 128 padding pages of the 6 MiB trees + 16 of fict's 64 KiB), and the
 * default issue order.
 */
export const ISCA_TRACE_PARAMS: Readonly<Record<string, string>> = { allocSizing: 'uvmsmart' };

/** The generated trace of one benchmark at the context's scale (`seed` 0 for every reproduced number; others only in findings). */
export function iscaTrace(ctx: FigureContext, bench: string, seed = 0): Promise<FigureTrace> {
  const scale = ctx.pick(ISCA_SCALE)[bench as IscaBenchmark] ?? 1;
  return ctx.workload(`rodinia-${bench}`, { ...ISCA_TRACE_PARAMS, ...ISCA_INPUTS[bench as IscaBenchmark], scale }, seed);
}

/** The `uvm` item of a configuration. */
export function iscaItem(cfg: IscaConfig): string {
  return `uvm:${cfg.params}:${UVMSMART_PARAMS}`;
}

/**
 * Run one configuration on one benchmark. Oversubscription: the device capacity (`gddr_size` in the artifact's
 * logs) is the device footprint of the largest synchronize epoch (syncEpochFootprintBytes) divided by the level,
 * rounded down to whole 4 KiB pages. The ISCA'19 traces allocate as UVMSmart does (`allocSizing=uvmsmart`). The
 * artifact's gddr_size values follow that rule on every benchmark with logs: fdtd 1200² → 3 × 6 MiB + 64 KiB = 18.06 MiB, gddr_size
 * 16.42045 MB at 110 % and 12.04167 MB at 150 %; hotspot 3 × 4 MiB → 10.9091 MB at 110 %; bfs graph256k 9.75 MiB →
 * 8.86364 MB at 110 %, 7.8 MB at 125 % (the generated graph's edge list pads to 64 KiB more: 9.81 MiB); backprop 131,056 inputs: the adjust kernel's hidden_delta, input_units,
 * input_weights2 and input_prev_weights = 64 KiB + 512 KiB + 2 × 8.5 MiB = 17.5625 MiB (the epoch after the
 * cudaDeviceSynchronize that follows the forward kernel) → 15.96591 MB at 110 %, 14.05 MB at 125 % — not the program's
 * 27.06 MiB of managed allocations (output_logs/Oversubscription/<level>/<bench>.log of gpgpu-sim_UVMSmart). No
 * oversubscription = the profile's 10.9 GiB.
 */
export async function iscaRun(ctx: FigureContext, bench: string, cfg: IscaConfig, seed = 0): Promise<{ result: RunResult; trace: FigureTrace; kernelNs: number }> {
  const trace = await iscaTrace(ctx, bench, seed);
  const set: Record<string, string | number> = { ...UVMSMART_SET };
  if (cfg.level !== null) set['device.memory.capacityBytes'] = capacityForLevel(await syncEpochFootprintBytes(trace.trace), cfg.level);
  const result = await ctx.run(trace, { system: iscaItem(cfg), profile: ISCA_PROFILE, set });
  return { result, trace, kernelNs: kernelTimeNs(result, await hostPhaseNs(trace.trace)) };
}

/**
 * The run's kernel + far-fault time, UVMSmart's published runtime (`Tot_kernel_exec_time_and_fault_time`,
 * gpu-sim.cc:116-126): sim time minus the trace's host phases and minus what the model charged while serving
 * CPU access rows (`extra.cpuAccessNs` of uvm, when the model reports it: CPU faults, their D2H copies and
 * invalidations, which UVMSmart reports apart as memcpy/devicesync/write-back time, gpu-sim.cc:128-135).
 */
export function kernelTimeNs(result: RunResult, hostNs: number): number {
  return result.summary.simTimeNs - hostNs - (result.summary.extra['cpuAccessNs'] ?? 0);
}

const epochFootprints = new WeakMap<Trace, Promise<number>>();

/**
 * The device footprint of the largest synchronize epoch: the bytes (each allocation rounded up to 4 KiB) of the
 * managed allocations device access rows touch between two `marker sync` rows (or the trace's ends), maximised over
 * epochs. It reproduces the artifact's gddr_size on all four benchmarks (iscaRun). (UVMSmart's cudaDeviceSynchronize
 * resets its free-page count, so an epoch starts with the whole device: src/systems/uvm/device-sync.ts.) The
 * per-kernel footprint is not the same rule: fdtd's step-1 kernel touches _fict_, ey and hz, step 3 ex, ey and hz,
 * 18 MiB < the logs' 18.06 MiB; fdtd does not synchronize (cudaThreadSynchronize only waits, fdtd2d.cu:205-209).
 */
export function syncEpochFootprintBytes(trace: Trace): Promise<number> {
  let p = epochFootprints.get(trace);
  if (!p) {
    p = (async () => {
      const va: number[] = [];
      const bytes: number[] = [];
      const used: number[] = []; // epoch that last counted the allocation
      let epoch = 0;
      let sum = 0;
      let max = 0;
      for await (const b of trace.read()) {
        for (let i = 0; i < b.length; i++) {
          const op = b.op[i]!;
          if (op === Op.alloc && (b.flags[i]! & Flag.managed) !== 0) {
            va.push(b.va[i]!);
            bytes.push(Math.ceil(b.bytes[i]! / 4096) * 4096);
            used.push(-1);
          } else if (op === Op.marker && b.code[i] === MarkerKind.sync) {
            epoch++;
            sum = 0;
          } else if (op === Op.access && b.agent[i] !== CPU) {
            const x = b.va[i]!;
            for (let a = 0; a < va.length; a++) {
              if (x >= va[a]! && x < va[a]! + bytes[a]! && used[a] !== epoch) {
                used[a] = epoch;
                sum += bytes[a]!;
                if (sum > max) max = sum;
              }
            }
          }
        }
      }
      return max;
    })();
    epochFootprints.set(trace, p);
  }
  return p;
}

const hostPhases = new WeakMap<Trace, Promise<number>>();

/**
 * Host-phase time of a trace: the gaps between rows outside kernels, which the engine charges as compute
 * (src/sim/engine.ts: a gap since the previous row counts unless a kernel with `dur_ns` is open). The published
 * ISCA'19 runtimes are UVMSmart's `Tot_kernel_exec_time_and_fault_time` — kernel cycles (PCIe stalls included)
 * plus far faults × page_fault_latency (gpu-sim.cc:116-126 of gpgpu-sim_UVMSmart) — and leave the host code out,
 * so the reproduced runtime is the sim time minus this host time (and minus the model's CPU-side costs: kernelTimeNs).
 */
export function hostPhaseNs(trace: Trace): Promise<number> {
  let p = hostPhases.get(trace);
  if (!p) {
    p = (async () => {
      let hostNs = 0;
      let last = 0;
      let inKernel = false;
      for await (const b of trace.read()) {
        for (let i = 0; i < b.length; i++) {
          const t = b.tNs[i]!;
          if (!inKernel && t > last) hostNs += t - last;
          last = t;
          const op = b.op[i]!;
          if (op === Op.kernelBegin && !inKernel && !Number.isNaN(b.durNs[i]!)) inKernel = true;
          else if (op === Op.kernelEnd) inKernel = false;
        }
      }
      return hostNs;
    })();
    hostPhases.set(trace, p);
  }
  return p;
}

/** The published rows of `configs`, in table order (throws when a config has none). */
export function publishedRows(ctx: FigureContext, configs: readonly string[]): Isca19Row[] {
  const rows = ctx.reference('isca19-uvmsmart-runtimes').rows.filter((r) => configs.includes(r.config));
  return rows.map((r) => ({ ...r }));
}

/**
 * Far faults and kernel time of the artifact's no-oversubscription runs, for the findings only (never scored,
 * never fitted): `Page_tot_fault` (= mf_page_fault_outstanding), `Tot_kernel_exec_time` (µs, PCIe stalls
 * included, far faults excluded) and, for TBN, `Page_validate` (pages copied in, padding included) of
 * benchmarks/Results/Eviction_Prefetcher_Interplay/output_logs/HWPrefetchers/<OnDemand|TBN>/<bench>.log in
 * gpgpu-sim_UVMSmart (the artifact's inputs; on-demand faults = pages the kernels touch).
 */
export const ARTIFACT_NO_OVERSUB: Readonly<Record<IscaBenchmark, {
  readonly onDemandFaults: number; readonly onDemandKernelUs: number; readonly tbnFaults: number; readonly tbnKernelUs: number; readonly tbnPagesIn: number;
}>> = {
  backprop: { onDemandFaults: 6785, onDemandKernelUs: 12022.83, tbnFaults: 100, tbnKernelUs: 2821.11, tbnPagesIn: 6800 },
  bfs: { onDemandFaults: 2491, onDemandKernelUs: 4847.22, tbnFaults: 53, tbnKernelUs: 1460.3, tbnPagesIn: 2496 },
  fdtd: { onDemandFaults: 4224, onDemandKernelUs: 8076.64, tbnFaults: 58, tbnKernelUs: 2273.63, tbnPagesIn: 4624 },
  hotspot: { onDemandFaults: 3072, onDemandKernelUs: 5986.44, tbnFaults: 36, tbnKernelUs: 1778.05, tbnPagesIn: 3072 },
};

/**
 * Far faults (`Page_tot_fault`) and pages migrated in (`Page_validate`) of the artifact's 110 % runs, for the
 * findings only (never scored, never fitted): output_logs/Oversubscription/110 (LRU-4K, prefetch off after the
 * first eviction), Scalability/110 (TBN + TBN pre-eviction) and LPEviction/2MB_110 (LRU-2MB) of gpgpu-sim_UVMSmart.
 */
export const ARTIFACT_110: Readonly<Record<string, Readonly<Partial<Record<IscaBenchmark, { readonly faults: number; readonly pagesIn: number }>>>>> = {
  'lru-od-110': { backprop: { faults: 347, pagesIn: 6800 }, bfs: { faults: 5419, pagesIn: 7862 }, fdtd: { faults: 5951, pagesIn: 10135 } },
  'tbn-tbn-110': {
    backprop: { faults: 100, pagesIn: 6800 }, bfs: { faults: 143, pagesIn: 11648 }, fdtd: { faults: 226, pagesIn: 18512 }, hotspot: { faults: 72, pagesIn: 6144 },
  },
  'lru-2mb-110': {
    backprop: { faults: 100, pagesIn: 6800 }, bfs: { faults: 175, pagesIn: 12256 }, fdtd: { faults: 230, pagesIn: 18512 }, hotspot: { faults: 72, pagesIn: 6144 },
  },
};

/**
 * The artifact's bfs TBN + TBN runs at 110 % without and with a reservation, for the findings only (never scored,
 * never fitted): `Page_tot_fault`, `Page_validate` (pages in), pages written back (`Page_evict_dirty` +
 * `Page_evict_not_dirty`: UVMSmart writes back every evicted page, gpu-sim.cc:2297) and `Tot_kernel_exec_time` (µs, far
 * faults excluded) of output_logs/Scalability/110, ReserveLRU/TBN_110_Rsv10 and ReserveLRU/TBN_110_Rsv20 (bfs.log).
 */
export const ARTIFACT_BFS_TBN_110: Readonly<Record<string, { readonly faults: number; readonly pagesIn: number; readonly writtenBack: number; readonly kernelUs: number }>> = {
  'tbn-tbn-110': { faults: 143, pagesIn: 11648, writtenBack: 9392, kernelUs: 5345.37 },
  'tbn-tbn-reserved10-110': { faults: 130, pagesIn: 10000, writtenBack: 7984, kernelUs: 4976.37 },
  'tbn-tbn-reserved20-110': { faults: 95, pagesIn: 7184, writtenBack: 5024, kernelUs: 3673.94 },
};

/** Short source text of the ISCA'19 table for summary rows. */
export const ISCA_SOURCE = 'Ganguly et al., ISCA 2019 (UVMSmart artifact output logs)';
