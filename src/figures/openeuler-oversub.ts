import { responseCurveChart } from '../analysis/charts/response-curve';
import type { Cell } from '../analysis/table-input';
import type { RunSummary } from '../sim/run-types';
import { ML_TRAIN_PARAMS } from './context';
import { comparedRow, orderingCheck, standardFindings } from './compare';
import type { ComparedRow, FigureDef, FigureResult } from './types';

/** The claim is a lower bound ("more than 60 %"): a level above 2× passes at uvm / gmem ≥ 1.6 exactly (criterion `atLeast`). */
export const OPENEULER_TOLERANCE = 0;
const PROFILE = 'ascend910b';
const SYSTEMS = ['gmem-linux', 'uvm'] as const;
/** Oversubscription levels of the curve; the claim is about levels above 2×. */
export const OPENEULER_LEVELS = [1, 1.5, 2, 2.5, 3] as const;

/**
 * openEuler's claim (23.09 GMEM documentation): in large-model training GMEM beats NVIDIA UVM, the lead grows
 * with memory use and exceeds 60 % when oversubscribed more than 2× (Ascend 910 vs A100 with the same HBM
 * size). Checked as stated: the lead at each level above 2× against the bound 1.6 (`atLeast`), and the growth as
 * a trend over the levels (the ranking) — `gmem-linux` vs `uvm` on the same ascend910b platform and the same
 * generated ml-train trace at 1–3× oversubscription. gmem-linux evicts in the NVIDIA driver's order (its
 * default `victim=driver`), the same order the uvm model follows, so the comparison does not compare two
 * victim policies we chose.
 */
export const openEulerOversub: FigureDef = {
  id: 'openeuler-oversub',
  title: 'openEuler: GMEM vs UVM in oversubscribed training',
  summary: 'uvm / gmem-linux sim time on ml-train at 1–3× oversubscription (claim: > 1.6× above 2×, lead growing with memory use)',
  async compute(ctx): Promise<FigureResult> {
    const id = this.id;
    const claim = ctx.reference('gmem-claims').rows.find((c) => c.claim === 'openeuler-oversub-lead');
    if (!claim) throw new Error('gmem-claims lacks openeuler-oversub-lead');
    const params = ctx.pick(ML_TRAIN_PARAMS);
    const trace = await ctx.workload('ml-train', params, 0);
    const data: Record<string, Cell>[] = [];
    const curve: Record<string, Cell>[] = [];
    const rows: ComparedRow[] = [];
    const speedups = new Map<string, number>();
    const pairs = new Map<number, readonly [RunSummary, RunSummary]>();
    for (const level of OPENEULER_LEVELS) {
      const gm = (await ctx.run(trace, { system: SYSTEMS[0], profile: PROFILE, oversub: level })).summary;
      const uv = (await ctx.run(trace, { system: SYSTEMS[1], profile: PROFILE, oversub: level })).summary;
      const speedup = uv.simTimeNs / gm.simTimeNs;
      speedups.set(`${level}×`, speedup);
      pairs.set(level, [gm, uv]);
      for (const s of [gm, uv]) {
        data.push({
          system: s.system, oversub: level, capacityBytes: s.capacityBytes, simTimeNs: s.simTimeNs, deviceFaults: s.deviceFaults, evictions: s.evictions,
          bytesH2D: s.bytesH2D, bytesD2H: s.bytesD2H, timeFaultNs: s.timeFaultNs, timeTransferNs: s.timeTransferNs, timeEvictNs: s.timeEvictNs,
          throttles: s.extra.throttles ?? null, thrashingDetections: s.extra.thrashingDetections ?? null, oomEvents: s.oomEvents, specHash: s.specHash,
        });
      }
      curve.push({ series: 'uvm / gmem-linux (reproduced)', oversub: level, speedup });
      if (level > 2) {
        rows.push(comparedRow({
          figure: id, group: 'ml-train', series: `${level}× oversubscribed`, metric: 'uvm time / gmem-linux time', unit: '×',
          published: claim.value, reproduced: speedup, tolerance: OPENEULER_TOLERANCE, criterion: 'atLeast',
          specHash: gm.specHash, baselineSpecHash: uv.specHash, kind: claim.kind, source: claim.source,
        }));
      }
    }
    for (const level of OPENEULER_LEVELS) curve.push({ series: 'claimed lower bound above 2×', oversub: level, speedup: level > 2 ? claim.value : null });
    // the claim orders the levels (the lead grows with memory use) without numbers: ranks stand for it
    const claimed = new Map(OPENEULER_LEVELS.map((l, i) => [`${l}×`, i + 1] as [string, number]));
    const orderings = [orderingCheck(id, 'ml-train', 'GMEM lead by oversubscription (claim: grows with memory use)', claimed, speedups, 0.01)];
    const f = (m: Map<string, number>, l: number): string => (m.get(`${l}×`) ?? NaN).toFixed(1);
    const first = OPENEULER_LEVELS[0];
    const last = OPENEULER_LEVELS[OPENEULER_LEVELS.length - 1]!;
    // where each system's time goes at a level (measured, not asserted): ms by cause
    const ms = (x: number): string => (x / 1e6).toFixed(1);
    const split = (l: number): string => {
      const [gm, uv] = pairs.get(l)!;
      const one = (s: RunSummary): string => `${s.system} ${ms(s.simTimeNs)} ms (fault ${ms(s.timeFaultNs)}, transfer ${ms(s.timeTransferNs)}, evict ${ms(s.timeEvictNs)}; ${s.evictions} evictions)`;
      return `at ${l}×: ${one(uv)} vs ${one(gm)}`;
    };
    const gaps: Array<readonly [(m: readonly ComparedRow[]) => boolean, string]> = [
      [
        () => !orderings[0]!.pass,
        `Trend: the claim says the lead grows with oversubscription; the model's lead goes ${OPENEULER_LEVELS.map((l) => `${f(speedups, l)}× at ${l}×`).join(', ')}. ` +
          `Measured split ${split(first)}; ${split(last)}. Both systems evict 2 MiB chunks in the same (driver) order, so what oversubscription adds ` +
          `is similar eviction traffic for both; a lead that grows needs UVM to degrade faster under memory pressure on this workload than the models show ` +
          `(the hardware behind the claim — Ascend 910 vs A100 — differs anyway). ${uvmDegrade(pairs, first, last)}`,
      ],
      [
        (m) => m.length > 0,
        `Magnitude: the lead above 2× (${OPENEULER_LEVELS.filter((l) => l > 2).map((l) => `${f(speedups, l)}× at ${l}×`).join(', ')}) is below the claimed "more than 1.6×"; ` +
          `measured ${split(last)}.`,
      ],
    ];
    return {
      id,
      title: this.title,
      rows,
      orderings,
      charts: [{
        name: 'curve',
        spec: responseCurveChart(curve.filter((c) => c.speedup !== null), {
          x: 'oversub', y: 'speedup', color: 'series', xPercent: true, logY: 'auto', yRule: 1,
          title: 'openEuler claim: GMEM lead over UVM vs oversubscription (ml-train, ascend910b)', xTitle: 'footprint / device memory (%)', yTitle: 'uvm time / gmem-linux time (×)', width: 380, height: 240,
        }),
      }],
      data,
      findings: standardFindings(rows, orderings, gaps),
      method:
        `gmem-linux and uvm (both with their defaults) on the generated ml-train trace (${JSON.stringify(params)}; a transformer training loop over ` +
        `managed weights, gradients, Adam state and activations) on ${PROFILE} with --oversub ${OPENEULER_LEVELS.join(', ')}. Reproduced = uvm sim time / ` +
        `gmem-linux sim time. As the claim states it: a level above 2× passes when uvm / gmem-linux ≥ 1.6 (criterion atLeast; the claim compares an ` +
        `Ascend 910 with an A100, the model uses one platform for both); the ranking checks the stated trend, that the lead grows with ` +
        `oversubscription. gmem-linux evicts in the device driver's order (victim=driver, driver=nvidia-uvm: least-recently-migrated-into 2 MiB ` +
        `chunk, as uvm), since GMEM's core selects no victims.`,
    };
  },
};

/**
 * Why uvm does not degrade faster here (measured): its thrashing response never engages, as in the driver — eviction-driven
 * migrations are skipped (uvm_perf_thrashing.c:1276-1279, 595.45.04) and a block's per-page tracking starts only when a
 * processor other than the last one migrates into it within the lapse (:1336-1343); in ml-train the CPU touches only the input
 * batch, once per training step (far more than a lapse apart), so every other migration goes to the same processor — and
 * uvm's fault service costs the same per faulted page at every level.
 */
function uvmDegrade(pairs: ReadonlyMap<number, readonly [RunSummary, RunSummary]>, first: number, last: number): string {
  const [g0, u0] = pairs.get(first)!;
  const [g1, u1] = pairs.get(last)!;
  const det = [u0, u1].map((u) => u.extra.thrashingDetections ?? 0);
  const perFaultUs = (u: RunSummary): string => (u.timeFaultNs / Math.max(1, u.deviceFaults) / 1e3).toFixed(2);
  return (
    `uvm's thrashing detection finds ${det[0]} thrashing pages at ${first}× and ${det[1]} at ${last}× (no throttling, no pinning), as the driver would: it ` +
    'skips eviction-driven migrations (uvm_perf_thrashing.c:1276-1279) and tracks a block\'s pages only when a processor other than the last one ' +
    'migrates into it within the lapse (:1336-1343), and here the CPU touches only the input batch, once per training step (far more than a ' +
    'lapse apart). uvm\'s fault time per faulted page stays ' +
    `${perFaultUs(u0)} → ${perFaultUs(u1)} µs while its faulted pages grow ${(u1.deviceFaults / u0.deviceFaults).toFixed(2)}× from ${first}× to ${last}× and ` +
    `gmem-linux's time grows ${(g1.simTimeNs / g0.simTimeNs).toFixed(2)}× (uvm's ${(u1.simTimeNs / u0.simTimeNs).toFixed(2)}×): oversubscription adds eviction ` +
    'and re-migration to both, on top of uvm\'s larger fixed fault cost, so the ratio falls. That fixed cost is the fault front\'s (docs/systems.md ' +
    '"Fault front"): a 1 MiB row of ml-train faults its first 195 pages in address order in one 256-entry batch before the density tree, at 76 % ' +
    'of the 1 MiB region, prefetches the other 61, so uvm faults ~76 % of the pages it makes resident, at every level.'
  );
}
