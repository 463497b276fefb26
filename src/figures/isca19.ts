import type { Isca19Row } from '../analysis/reference';
import type { RunResult } from '../sim/run-types';
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
 * choice, never per row):
 * - `faultCost=far-fault`: one far-fault latency (`device.fault.serviceNs`, 45 µs = 66,645 cycles at 1481 MHz
 *   in UVMSmart's gpgpusim.config) per fault group — per faulted page without a prefetcher or with random-4K,
 *   per 2 MiB block with SL-64K or TBN — instead of the driver's batch + per-page costs;
 * - `thrashing=false`: UVMSmart has no thrashing detection, throttling or pinning (the driver's
 *   uvm_perf_thrashing is not simulated there).
 * With `link.model=atan` (UVMSMART_SET): UVMSmart's transfer curve `(2a/π)·atan(b·KB)`, a = 12, b = 0.07292.
 * Everything else (2 MiB VA blocks, 64 KiB big pages, batches of 256, the 10 µs batch window) keeps the
 * driver defaults of the `uvm` model.
 */
export const UVMSMART_PARAMS = 'faultCost=far-fault:thrashing=false';
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
 * Rodinia `scale` per benchmark and figure scale. `default` is each generator's default instance (footprints
 * 3–9 MiB of data); `full` multiplies the data by ~4 (grids ×2 per side, 1-D inputs ×4); `quick` shrinks it for
 * tests. Oversubscription levels are relative to the data footprint, so they are comparable across scales.
 */
export const ISCA_SCALE: Readonly<Record<'quick' | 'default' | 'full', Readonly<Record<IscaBenchmark, number>>>> = {
  quick: { backprop: 0.25, bfs: 0.25, fdtd: 0.5, hotspot: 0.5 },
  default: { backprop: 1.5, bfs: 2, fdtd: 1.7, hotspot: 1.4 },
  full: { backprop: 3, bfs: 4, fdtd: 2.4, hotspot: 2 },
};

/** The generated trace of one benchmark at the context's scale. */
export function iscaTrace(ctx: FigureContext, bench: string): Promise<FigureTrace> {
  const scale = ctx.pick(ISCA_SCALE)[bench as IscaBenchmark] ?? 1;
  return ctx.workload(`rodinia-${bench}`, { scale }, 0);
}

/** The `uvm` item of a configuration. */
export function iscaItem(cfg: IscaConfig): string {
  return `uvm:${cfg.params}:${UVMSMART_PARAMS}`;
}

/**
 * Run one configuration on one benchmark. Oversubscription: the device capacity is the benchmark's data
 * footprint (live managed bytes, 4 KiB pages) divided by the level, rounded down to whole pages — the
 * per-page granularity UVMSmart simulates. (`--oversub` would divide the 2 MiB-rounded docs/cli.md footprint,
 * which for these few-MiB programs is mostly rounding.) No oversubscription = the profile's 10.9 GiB.
 */
export async function iscaRun(ctx: FigureContext, bench: string, cfg: IscaConfig): Promise<{ result: RunResult; trace: FigureTrace }> {
  const trace = await iscaTrace(ctx, bench);
  const set: Record<string, string | number> = { ...UVMSMART_SET };
  if (cfg.level !== null) set['device.memory.capacityBytes'] = capacityForLevel(trace.pageFootprintBytes, cfg.level);
  const result = await ctx.run(trace, { system: iscaItem(cfg), profile: ISCA_PROFILE, set });
  return { result, trace };
}

/** The published rows of `configs`, in table order (throws when a config has none). */
export function publishedRows(ctx: FigureContext, configs: readonly string[]): Isca19Row[] {
  const rows = ctx.reference('isca19-uvmsmart-runtimes').rows.filter((r) => configs.includes(r.config));
  return rows.map((r) => ({ ...r }));
}

/** Short source text of the ISCA'19 table for summary rows. */
export const ISCA_SOURCE = 'Ganguly et al., ISCA 2019 (UVMSmart artifact output logs)';
