import type { RealOversubRow } from '../analysis/reference';
import type { Cell } from '../analysis/table-input';
import { orderingCheck } from './compare';
import { capacityForLevel } from './context';
import { OversubAssembly } from './oversub-assembly';
import type { ComparedRow, FigureDef, FigureResult } from './types';

/**
 * "Direction and magnitude": the real runs label their levels 100/125/150 without showing how memory was
 * capped, and the apps' inputs are far larger than the generated traces (bfs migrates 6.25 GB at 100 %), so a
 * reproduced slowdown counts when it is within a factor of 2 of the measured one (criterion `factor`,
 * tolerance 1) and the slowdown grows with the level (ranking).
 */
export const REAL_OVERSUB_TOLERANCE = 1;
const PROFILE = 'gtx1080ti-pcie3';
/** The driver as it runs on real hardware: uvm's defaults (driver eviction order, TBN density prefetcher, batch fault costs; docs/systems.md). */
const SYSTEM = 'uvm';
const APPS = ['bfs', 'nw', 'hotspot', 'fdtd', 'backprop'] as const;
const LEVELS = [1.25, 1.5] as const;
const SCALE: Readonly<Record<'quick' | 'default' | 'full', Readonly<Record<(typeof APPS)[number], number>>>> = {
  quick: { bfs: 0.25, nw: 0.5, hotspot: 0.5, fdtd: 0.5, backprop: 0.25 },
  default: { bfs: 2, nw: 2, hotspot: 1.4, fdtd: 1.7, backprop: 1.5 },
  full: { bfs: 16, nw: 4, hotspot: 4, fdtd: 4, backprop: 3 },
};

/**
 * The real GTX 1080 Ti oversubscription blow-up (nvprof, Ganguly et al. artifact): main-kernel time at the
 * authors' 125 % and 150 % labels relative to 100 %, against `uvm` (driver defaults) on the generated Rodinia
 * traces with the device capacity at data footprint / level.
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
      const base = await ctx.run(trace, { system: SYSTEM, profile: PROFILE });
      const trend = { pub: new Map<string, number>([['100 %', 1]]), rep: new Map<string, number>([['100 %', 1]]) };
      fig.curve.push({ app, source: 'published (solid)', level: 1, slowdown: 1 }, { app, source: 'reproduced (dashed)', level: 1, slowdown: 1 });
      fig.data.push(dataRow(app, 1, base.summary, 1, 1));
      for (const level of LEVELS) {
        const r = await ctx.run(trace, { system: SYSTEM, profile: PROFILE, set: { 'device.memory.capacityBytes': capacityForLevel(trace.pageFootprintBytes, level) } });
        const slowdown = r.summary.simTimeNs / base.summary.simTimeNs;
        const pub = ref.find((x) => x.app === app && x.oversub_pct === Math.round(level * 100));
        fig.data.push(dataRow(app, level, r.summary, slowdown, pub?.slowdown ?? null, base.summary.specHash));
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
      `Each app's generated Rodinia trace (scale ${JSON.stringify(scale)}) runs under uvm with the driver defaults (least-recently-migrated-into ` +
        `eviction of 2 MiB root chunks, the TBN density prefetcher, batch fault costs; docs/systems.md) on ${PROFILE} (affine link: real hardware). 100 % = the profile's ` +
        `capacity; 125/150 % = data footprint (4 KiB pages) / 1.25 and / 1.5. Reproduced = sim time / the 100 % sim time; measured = main-kernel ` +
        `GPU time ratio (fdtd: first kernel only). Tolerance: within a factor of 2 (the capping method and inputs are not comparable beyond ` +
        `magnitude), and the slowdown must grow with the level.`,
    );
  },
};

function dataRow(app: string, level: number, s: import('../sim/run-types').RunSummary, slowdown: number, published: number | null, baseHash = ''): Record<string, Cell> {
  return {
    app, level, system: s.system, capacityBytes: s.capacityBytes, slowdown, publishedSlowdown: published, deviceFaults: s.deviceFaults,
    evictions: s.evictions, bytesH2D: s.bytesH2D, bytesD2H: s.bytesD2H, simTimeNs: s.simTimeNs, timeFaultNs: s.timeFaultNs, timeTransferNs: s.timeTransferNs,
    specHash: s.specHash, baselineSpecHash: baseHash,
  };
}

function realGaps(data: ReadonlyArray<Record<string, Cell>>, ref: ReadonlyArray<RealOversubRow>): Array<readonly [(m: readonly ComparedRow[]) => boolean, string]> {
  const mib = (x: number): string => `${Math.round(x / 2 ** 20)} MiB`;
  const sizes = APPS.map((a) => {
    const measured = ref.find((r) => r.app === a && r.oversub_pct === 100)?.h2d_bytes;
    const d = data.find((x) => x.app === a && x.level === 1);
    return `${a} ${d ? mib(Number(d.bytesH2D)) : '?'} vs ${measured ? mib(measured) : '?'}`;
  });
  const faults = APPS.map((a) => {
    const d0 = data.find((x) => x.app === a && x.level === 1);
    const d1 = data.find((x) => x.app === a && x.level === 1.25);
    const r0 = ref.find((r) => r.app === a && r.oversub_pct === 100)?.fault_groups;
    const r1 = ref.find((r) => r.app === a && r.oversub_pct === 125)?.fault_groups;
    if (!d0 || !d1 || !r0 || !r1) return null;
    return `${a} ${(Number(d1.deviceFaults) / Math.max(1, Number(d0.deviceFaults))).toFixed(1)}× vs ${(r1 / r0).toFixed(1)}×`;
  }).filter((x) => x !== null);
  // the model's migration rate under pressure: bytes moved host→device per ns of fault service and transfer, at 125 %
  const rates = APPS.map((a) => {
    const d = data.find((x) => x.app === a && x.level === 1.25);
    if (!d) return null;
    const ns = Number(d.timeFaultNs) + Number(d.timeTransferNs);
    return `${a} ${ns > 0 ? (Number(d.bytesH2D) / ns).toFixed(2) : '?'} GB/s`;
  }).filter((x) => x !== null);
  return [
    [
      (m) => m.some((r) => (r.ratio ?? 1) > 1),
      `Measured (slowdowns too large): at 125 % the model moves data host→device at ${rates.join(', ')} of fault service plus transfer time; ` +
        'the real runs re-migrate at near link speed (bfs at 125 %: 27.7 GB H2D in 3.91 s, 7.1 GB/s) with few extra fault groups. ' +
        `Growth of faults from 100 % to 125 %, model device faults vs measured fault groups: ${faults.join(', ')}. ` +
        `Inputs also differ: data migrated at 100 %, generated vs measured: ${sizes.join(', ')}. With a few chunks per array, chunk granularity dominates.`,
    ],
    [
      (m) => m.some((r) => (r.ratio ?? 1) < 1),
      'Likely gap (bfs at 150 % too small): the real bfs (6.25 GB per run) thrashes across a graph far larger than the device, while the generated ' +
        'graph re-uses little beyond its per-level arrays, so there is less to re-fault.',
    ],
  ];
}
