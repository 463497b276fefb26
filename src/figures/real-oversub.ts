import type { RealOversubRow } from '../analysis/reference';
import type { Cell } from '../analysis/table-input';
import { orderingCheck } from './compare';
import { OversubAssembly } from './oversub-assembly';
import type { ComparedRow, FigureDef, FigureResult } from './types';

/**
 * "Direction and magnitude": a reproduced slowdown counts when it is within a factor of 2 of the measured one
 * (criterion `factor`, tolerance 1) and the slowdown grows with the level (ranking). The measured runs are
 * small programs under a tight budget, not large inputs: each log prints the managed footprint at 100 % and
 * footprint / 1.25, / 1.5 at the other labels (hotspot: 0.75 and 1 / 1.5; "Total variable size"), and every 100 % run
 * already evicts (D2H bytes > 0: bfs 6.33 GB, hotspot 42 MB, fdtd 92 MB, …), so the budget at the 100 % label is the
 * footprint; uvm's device memory at each label is what the runs' 2 MiB-rounded ballast left (measuredSetupCapacityBytes).
 */
export const REAL_OVERSUB_TOLERANCE = 1;
const PROFILE = 'gtx1080ti-pcie3';
/** The driver as it runs on real hardware: uvm's defaults (driver eviction order, TBN density prefetcher, batch fault costs; docs/systems.md). */
const SYSTEM = 'uvm';
const APPS = ['bfs', 'nw', 'hotspot', 'fdtd', 'backprop'] as const;
/** The levels run; 1 (the 100 % label) is the baseline, itself capped at the footprint as in the measured runs. */
const LEVELS = [1.25, 1.5] as const;
/**
 * The measured runs' problem sizes (RealOversubOverhead/<app>_100.log command lines) as generator scales:
 * bfs graph256k.txt = 262,144 nodes = 2^16 · 4; `needle 1024 10` = 512 · 2; `hotspot 1024 2 8` = 512 · 2;
 * fdtd `./main` prints "Size: 16.488667" MiB = ex + ey + hz at NX = NY = 1200 = 512 · 2.34375; `backprop 131056`
 * = 65,536 · 131056/65536. Default and full are these sizes (there is nothing larger to reproduce); quick is
 * smaller for the tests.
 */
export const REAL_SCALE: Readonly<Record<(typeof APPS)[number], number>> = { bfs: 4, nw: 2, hotspot: 2, fdtd: 1200 / 512, backprop: 131056 / 65536 };
const SCALE: Readonly<Record<'quick' | 'default' | 'full', Readonly<Record<(typeof APPS)[number], number>>>> = {
  quick: { bfs: 0.25, nw: 0.5, hotspot: 0.5, fdtd: 0.5, backprop: 0.25 },
  default: REAL_SCALE,
  full: REAL_SCALE,
};
/** The measured runs' managed footprint at the 100 % label ("Total variable size" in RealOversubOverhead/<app>_100.log), bytes. */
export const MEASURED_FOOTPRINT_BYTES: Readonly<Record<(typeof APPS)[number], number>> = {
  bfs: 10_223_616, nw: 8_519_680, hotspot: 12_582_912, fdtd: 18_939_904, backprop: 18_415_616,
};

/**
 * The managed budget each measured run left free, as a fraction of its 100 % footprint ("Total variable size" of
 * RealOversubOverhead/<app>_<label>.log over <app>_100.log): footprint / 1.25 and / 1.5, except hotspot, whose 125 %
 * label leaves 0.75 of it (9,437,184 of 12,582,912 B; ra's logs do the same).
 */
export const MEASURED_BUDGET_FRACTION: Readonly<Record<(typeof APPS)[number], Readonly<Record<(typeof LEVELS)[number], number>>>> = {
  bfs: { 1.25: 8_178_892 / 10_223_616, 1.5: 6_815_744 / 10_223_616 },
  nw: { 1.25: 6_815_744 / 8_519_680, 1.5: 5_679_786 / 8_519_680 },
  hotspot: { 1.25: 9_437_184 / 12_582_912, 1.5: 8_388_608 / 12_582_912 },
  fdtd: { 1.25: 15_151_923 / 18_939_904, 1.5: 12_626_602 / 18_939_904 },
  backprop: { 1.25: 14_732_492 / 18_415_616, 1.5: 12_277_077 / 18_415_616 },
};
/** "Free memory: 11544297472" — cudaMemGetInfo in every RealOversubOverhead log, before the ballast (5,504.75 × 2 MiB). */
export const MEASURED_FREE_BYTES = 11_544_297_472;
const ROOT_CHUNK_BYTES = 2 * 2 ** 20;

/**
 * Device memory uvm has in the measured setup for a managed budget of `budgetBytes`. Each log prints the free memory
 * and "free after" = free − budget: the runs hold a cudaMalloc ballast of that size (one cudaMalloc besides the
 * apps' own in every log), leaving the budget free for the managed data. Two driver facts turn that into root chunks:
 * - RM backs a video-memory allocation of ≥ 2 MiB with 2 MiB huge pages by default (`_memmgrPickDefaultGpuPageSize`,
 *   src/nvidia/src/kernel/gpu/mem_mgr/mem_mgr.c:1757-1765, 595.45.04) and pads its size to the page size
 *   (`memmgrAllocDetermineAlignment_GM107`, arch/maxwell/mem_mgr_gm107.c:253-258): the ballast takes
 *   ceil((free − budget) / 2 MiB) whole 2 MiB frames.
 * - UVM takes user memory from PMA only as whole 2 MiB root chunks (`alloc_root_chunk`, uvm_pmm_gpu.c:1925-1997:
 *   nvUvmInterfacePmaAllocPages(…, UVM_CHUNK_SIZE_MAX, …)); the free memory holds at most floor(free / 2 MiB) of
 *   them (the logged free memory is 5,504.75 frames: 1.5 MiB of it is in partly used frames).
 * So uvm gets at most floor(free / 2 MiB) − ceil((free − budget) / 2 MiB) user root chunks, and no fewer: nw's 150 %
 * run (budget 5,679,786 B: a ballast of 5,503 frames) completed, so at least 5,504 whole frames were free — the bound
 * is exact for these logs. A budget under one frame still gets one chunk (nothing runs with none). The page tables do not come out of that budget: the driver allocated their kernel root chunk
 * when the CUDA context registered its GPU VA space, before the logged cudaMemGetInfo (`uvm_page_tree_init`,
 * uvm_va_space.c:1523 → root directory, uvm_mmu.c:1161 → `uvm_pmm_gpu_alloc_kernel`, uvm_mmu.c:181), and the
 * directories and PTE tables of these ≤ 20 MB footprints (well under 2 MiB) are carved from it; the model counts
 * that chunk inside its capacity (page-tables.ts), so it is added here.
 */
export function measuredSetupCapacityBytes(budgetBytes: number): number {
  const userChunks = Math.floor(MEASURED_FREE_BYTES / ROOT_CHUNK_BYTES) - Math.ceil((MEASURED_FREE_BYTES - budgetBytes) / ROOT_CHUNK_BYTES);
  return (Math.max(1, userChunks) + PAGE_TABLE_ROOT_CHUNKS) * ROOT_CHUNK_BYTES;
}
/** Kernel root chunks of the page tables, allocated before the measured budget was taken (see measuredSetupCapacityBytes). */
export const PAGE_TABLE_ROOT_CHUNKS = 1;

/** Capacity of `app`'s run at `level` (1 = the 100 % label): its footprint × the measured budget fraction, under the measured setup. */
export function realOversubCapacityBytes(app: (typeof APPS)[number], footprintBytes: number, level: 1 | (typeof LEVELS)[number]): number {
  const fraction = level === 1 ? 1 : MEASURED_BUDGET_FRACTION[app][level];
  return measuredSetupCapacityBytes(Math.floor(footprintBytes * fraction));
}

/**
 * The real GTX 1080 Ti oversubscription blow-up (nvprof, Ganguly et al. artifact): main-kernel time at the
 * authors' 125 % and 150 % labels relative to 100 %, against `uvm` (driver defaults) on the generated Rodinia
 * traces at the measured runs' problem sizes, with the device memory the measured setup left uvm at each label
 * (realOversubCapacityBytes; 100 % included).
 */
export const gtx1080tiRealOversub: FigureDef = {
  id: 'gtx1080ti-real-oversub',
  title: 'Real GTX 1080 Ti oversubscription blow-up (driver UVM)',
  summary: 'measured slowdown at the 125/150 % labels vs 100 % (bfs 4.5×→15.4×, nw 1.4×→9.4×, …) against uvm with driver defaults',
  async compute(ctx): Promise<FigureResult> {
    const id = this.id;
    const ref = ctx.reference('gtx1080ti-real-oversub').rows;
    const fig = new OversubAssembly(id);
    const scale = ctx.pick(SCALE);
    for (const app of APPS) {
      const trace = await ctx.workload(`rodinia-${app}`, { scale: scale[app] }, 0);
      const base = await ctx.run(trace, { system: SYSTEM, profile: PROFILE, set: { 'device.memory.capacityBytes': realOversubCapacityBytes(app, trace.pageFootprintBytes, 1) } });
      const trend = { pub: new Map<string, number>([['100 %', 1]]), rep: new Map<string, number>([['100 %', 1]]) };
      fig.curve.push({ app, source: 'published (solid)', level: 1, slowdown: 1 }, { app, source: 'reproduced (dashed)', level: 1, slowdown: 1 });
      fig.data.push(dataRow(app, 1, base.summary, 1, 1, '', trace.pageFootprintBytes));
      for (const level of LEVELS) {
        const r = await ctx.run(trace, { system: SYSTEM, profile: PROFILE, set: { 'device.memory.capacityBytes': realOversubCapacityBytes(app, trace.pageFootprintBytes, level) } });
        const slowdown = r.summary.simTimeNs / base.summary.simTimeNs;
        const pub = ref.find((x) => x.app === app && x.oversub_pct === Math.round(level * 100));
        fig.data.push(dataRow(app, level, r.summary, slowdown, pub?.slowdown ?? null, base.summary.specHash, Math.floor(trace.pageFootprintBytes * MEASURED_BUDGET_FRACTION[app][level])));
        fig.level({ app }, level, slowdown, pub, trend, {
          group: app, series: `${Math.round(level * 100)} %`, metric: 'main-kernel time vs the 100 % run', unit: '×',
          tolerance: REAL_OVERSUB_TOLERANCE, criterion: 'factor', specHash: r.summary.specHash, baselineSpecHash: base.summary.specHash,
          source: 'Ganguly et al. artifact, RealOversubOverhead nvprof logs (GTX 1080 Ti)',
        });
      }
      fig.orderings.push(orderingCheck(id, app, 'slowdown by level', trend.pub, trend.rep, 0.05));
    }
    return fig.result(
      this.title,
      {
        x: 'level', y: 'slowdown', color: 'app', strokeDash: 'source', xPercent: true, logY: true, yRule: 1,
        title: 'Real GTX 1080 Ti oversubscription vs the driver UVM model', xTitle: 'authors\' level label (%)', yTitle: 'slowdown vs 100 % (×)', width: 380, height: 260,
      },
      'Real GTX 1080 Ti oversubscription: measured vs reproduced slowdown',
      realGaps(fig.data, ref),
      `Each app's generated Rodinia trace at the measured run's problem size (scale ${JSON.stringify(scale)}; bfs graph256k, needle 1024, hotspot 1024, ` +
        `fdtd 1200², backprop 131056) runs under uvm with the driver defaults (least-recently-migrated-into ` +
        `eviction of 2 MiB root chunks, short VA blocks sharing root chunks, page tables in a kernel root chunk, the TBN density prefetcher, batch fault costs; docs/systems.md) on ${PROFILE} (affine link: real hardware). ` +
        `Device memory = the measured setup's: each log prints the managed budget (the footprint at 100 %, footprint / 1.25 and / 1.5 at the other labels, ` +
        `hotspot 0.75 and 1 / 1.5) and the free memory (11,544,297,472 B), and holds the rest in a cudaMalloc ballast, which RM backs with 2 MiB pages ` +
        `(size rounded up to 2 MiB, mem_mgr.c:1757-1765, mem_mgr_gm107.c:253-258); uvm takes whole 2 MiB root chunks from PMA (uvm_pmm_gpu.c:1925-1997), so ` +
        `it gets floor(free / 2 MiB) − ceil(ballast / 2 MiB) of them, plus the page tables' kernel root chunk, allocated at GPU VA space registration ` +
        `before the budget was taken (uvm_mmu.c:1161). The model's budget is its own footprint × the measured fraction. Reproduced = sim time / the 100 % sim time; measured = main-kernel ` +
        `GPU time ratio (fdtd: first kernel only). Tolerance: within a factor of 2 (the capping method and inputs are not comparable beyond ` +
        `magnitude), and the slowdown must grow with the level.`,
    );
  },
};

function dataRow(app: string, level: number, s: import('../sim/run-types').RunSummary, slowdown: number, published: number | null, baseHash: string, budgetBytes: number): Record<string, Cell> {
  return {
    app, level, system: s.system, budgetBytes, userRootChunks: s.capacityBytes / ROOT_CHUNK_BYTES - PAGE_TABLE_ROOT_CHUNKS, capacityBytes: s.capacityBytes, slowdown, publishedSlowdown: published, deviceFaults: s.deviceFaults,
    faultBatches: s.extra.faultBatches ?? null, faultRegions: s.extra.faultRegions ?? null, pmaCalls: s.extra.pmaCalls ?? null, migrationsH2D: s.migrationsH2D, evictions: s.evictions, bytesH2D: s.bytesH2D, bytesD2H: s.bytesD2H, simTimeNs: s.simTimeNs, timeFaultNs: s.timeFaultNs, timeTransferNs: s.timeTransferNs,
    specHash: s.specHash, baselineSpecHash: baseHash,
  };
}

function realGaps(data: ReadonlyArray<Record<string, Cell>>, ref: ReadonlyArray<RealOversubRow>): Array<readonly [(m: readonly ComparedRow[]) => boolean, string]> {
  const mb = (x: number): string => (x >= 1e9 ? `${(x / 1e9).toFixed(2)} GB` : `${Math.round(x / 1e6)} MB`);
  const at = (a: string, level: number): Record<string, Cell> | undefined => data.find((x) => x.app === a && x.level === level);
  const sizes = APPS.map((a) => `${a} ${mb(Number(at(a, 1)?.budgetBytes ?? NaN))} vs ${mb(MEASURED_FOOTPRINT_BYTES[a])}`);
  const userChunks = (a: string): string => [1, 1.25, 1.5].map((l) => String(at(a, l)?.userRootChunks ?? '?')).join(' / ');
  // traffic of the 100 % run, model vs measured: H2D / D2H bytes
  const traffic = APPS.map((a) => {
    const d = at(a, 1);
    const r = ref.find((x) => x.app === a && x.oversub_pct === 100);
    if (!d || !r?.h2d_bytes) return null;
    const rh = r.h2d_bytes;
    return `${a} ${mb(Number(d.bytesH2D))} vs ${mb(rh)} (${(rh / MEASURED_FOOTPRINT_BYTES[a]).toFixed(1)}× its footprint)`;
  }).filter((x): x is string => x !== null);
  const faults = APPS.map((a) => {
    const d0 = at(a, 1);
    const d1 = at(a, 1.25);
    const r0 = ref.find((r) => r.app === a && r.oversub_pct === 100)?.fault_groups;
    const r1 = ref.find((r) => r.app === a && r.oversub_pct === 125)?.fault_groups;
    if (!d0 || !d1 || !r0 || !r1) return null;
    return `${a} ${(Number(d1.deviceFaults) / Math.max(1, Number(d0.deviceFaults))).toFixed(1)}× vs ${(r1 / r0).toFixed(1)}×`;
  }).filter((x) => x !== null);
  // apps whose 125 % and 150 % runs take the same time: both budgets hold the same number of 2 MiB root chunks
  const chunks = (a: string, l: number): number => Math.floor(Number(at(a, l)?.capacityBytes ?? NaN) / (2 * 2 ** 20));
  const sameChunks = APPS.filter((a) => {
    const t = [1.25, 1.5].map((l) => Number(at(a, l)?.simTimeNs ?? NaN));
    return t[0] === t[1] && chunks(a, 1.25) === chunks(a, 1.5);
  });
  const tieList = sameChunks.map((a) => `${a} budgets ${mb(Number(at(a, 1.25)?.budgetBytes))} and ${mb(Number(at(a, 1.5)?.budgetBytes))}: ${chunks(a, 1.25) - PAGE_TABLE_ROOT_CHUNKS} user root chunks`);
  const cleanBase = APPS.filter((a) => Number(at(a, 1)?.evictions ?? 0) === 0);
  const hot = [1, 1.25, 1.5].map((l) => mb(Number(at('hotspot', l)?.bytesH2D ?? NaN)));
  // apps whose 150 % run is faster than their 125 % run (published: slower), the two levels' device memory differing
  const reversed = APPS.filter((a) => !sameChunks.includes(a) && Number(at(a, 1.5)?.slowdown ?? NaN) < Number(at(a, 1.25)?.slowdown ?? NaN));
  return [
    [
      () => sameChunks.length > 0,
      `Measured (tie): the 125 % and 150 % runs of ${sameChunks.join(', ')} take the same time: after the measured setup's ballast (rounded up to ` +
        `whole 2 MiB frames by RM) both labels leave uvm the same whole 2 MiB root chunks (${tieList.join('; ')}; measuredSetupCapacityBytes). ` +
        'The measured runs differ (hotspot 1.46 vs 1.56×, 56 vs 63 MB host→device) although, by the same count, the real driver had the same ' +
        'root chunks at both labels (the count is exact for these logs: nw\'s 150 % run needs every one of the 5,504 whole free frames it allows); ' +
        'the artifact has one run per label, so how much of the 7 % is run-to-run variation is not known.',
    ],
    [
      (m) => m.some((r) => (r.ratio ?? 1) > 1),
      `Measured (slowdowns too large): every 100 % run evicts as the measured ones do because the ballast, rounded up to whole 2 MiB frames, leaves ` +
        `uvm fewer whole root chunks than the footprint needs (user root chunks at 100 / 125 / 150 %: ${APPS.map((a) => `${a} ${userChunks(a)}`).join(', ')}; ` +
        `model 100 % runs without eviction: ${cleanBase.length ? cleanBase.join(', ') : 'none'}). Host→device bytes at 100 %, model vs ` +
        `measured: ${traffic.join('; ')}. Growth of faults from 100 % to 125 %, model device faults vs measured fault groups: ${faults.join(', ')}.`,
    ],
    [
      () => reversed.length > 0,
      `Measured (150 % faster than 125 %): ${reversed.map((a) => {
        const [x, y] = [at(a, 1.25)!, at(a, 1.5)!];
        const n = (d: Record<string, Cell>, k: string): number => Number(d[k] ?? NaN);
        return `${a} ${n(x, 'slowdown').toFixed(3)}× vs ${n(y, 'slowdown').toFixed(3)}×: ${n(x, 'deviceFaults')} vs ${n(y, 'deviceFaults')} faulted pages in ` +
          `${n(x, 'faultRegions')} vs ${n(y, 'faultRegions')} regions, ${n(x, 'evictions')} vs ${n(y, 'evictions')} evictions, ${n(x, 'pmaCalls')} vs ` +
          `${n(y, 'pmaCalls')} PMA root-chunk calls, fault time ${(n(x, 'timeFaultNs') / 1e6).toFixed(2)} vs ${(n(y, 'timeFaultNs') / 1e6).toFixed(2)} ms`;
      }).join('; ')}. The 150 % run has more faults and evictions but makes fewer PMA calls (device.fault.pmaAllocNs each: the GPU memory ` +
        'manager calls PMA whenever it holds no free root chunk for a fault and no eviction passes one to it, uvm_pmm_gpu.c:1966-1997, :2402-2475), ' +
        'and since a contiguous faulted page costs perFaultNs alone (uvm 10) one call outweighs the extra faults; the measured runs grow 1.01 → 1.49×, ' +
        'which the model\'s 125 % (too slow) and 150 % (too fast) both miss within the factor-2 tolerance.',
    ],
    [
      () => Number(at('hotspot', 1.25)?.slowdown ?? NaN) < 1.05,
      `Measured (hotspot ranking): hotspot moves ${hot.join(' / ')} host→device at 100 / 125 / 150 % (measured 44 / 56 / 63 MB) with ` +
        `${userChunks('hotspot')} user root chunks: its three 4 MiB grids are swept cyclically, so least-recently-migrated-into ` +
        'eviction misses every block with 5 and with 3 user root chunks alike (46 MB: each launch re-migrates each grid it touches once), and ' +
        'the slowdown stays ~1 where the real run grows to 1.46–1.56×. The real 125 / 150 % runs move more than that bound (56 / 63 MB): they ' +
        're-migrate pages within a launch, which the model\'s wave-ordered sweep does not do with 3 root chunks (not identified: which warps\' ' +
        'faults reach an evicted block before its launch is done with it).',
    ],
    [
      (m) => m.some((r) => (r.ratio ?? 1) < 1),
      `Measured (slowdowns too small; bfs — nw 150 % is not analysed here): host→device at 100 %, model vs measured, ${traffic.find((t) => t.startsWith('bfs')) ?? 'bfs ?'}; the model moves it in ` +
        `${bfsGrain(at('bfs', 1))}, the real run in 317,270 migrations of 20.6 KB on average in 5,305 fault groups: fine-grained thrashing inside each of its 11 kernels, which grows to ` +
        '27.7 GB at 125 % and 89.1 GB at 150 %. The model now shares root chunks among short VA blocks as the driver does (bfs\'s masks, ' +
        'visited and cost arrays and the edge array\'s tail: 64 KiB sub-chunks of shared 2 MiB root chunks, evicted together by evict_root_chunk, ' +
        `uvm_pmm_gpu.c:1291; shared-roots.ts), and it has the measured setup's ${userChunks('bfs')} user root chunks at 100 / 125 / 150 %. ` +
        'The generated bfs still re-migrates whole 64 KiB–2 MiB regions a few times per kernel rather than ~5 pages at a time; not measured here: ' +
        'whether the trace (frontier-driven random accesses of many warps at once) or the driver\'s thrashing throttling makes the real grain. Footprints ' +
        `(managed budget at 100 %, model vs measured): ${sizes.join(', ')}.`,
    ],
  ];
}

/** "N migrations of K KB on average in B fault batches" of a data row (the model's transfer grain). */
function bfsGrain(d: Record<string, Cell> | undefined): string {
  if (!d) return '?';
  const m = Number(d.migrationsH2D);
  return `${m.toLocaleString('en-US')} migrations of ${(Number(d.bytesH2D) / Math.max(1, m) / 1000).toFixed(1)} KB on average in ${Number(d.faultBatches).toLocaleString('en-US')} fault batches`;
}
