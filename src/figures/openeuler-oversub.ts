import { responseCurveChart } from '../analysis/charts/response-curve';
import type { Cell } from '../analysis/table-input';
import { comparedRow, orderingCheck, standardFindings } from './compare';
import type { ComparedRow, FigureDef, FigureResult } from './types';

/** A reproduced speed-up counts as the claimed direction when GMEM is more than 5 % faster. */
export const OPENEULER_TOLERANCE = 0.05;
const PROFILE = 'ascend910b';
const SYSTEMS = ['gmem-linux', 'uvm'] as const;
/** Oversubscription levels of the curve; the claim is about levels above 2×. */
export const OPENEULER_LEVELS = [1, 1.5, 2, 2.5, 3] as const;
const ML_PARAMS: Readonly<Record<'quick' | 'default' | 'full', Readonly<Record<string, number>>>> = { quick: { layers: 2, steps: 1 }, default: {}, full: { layers: 8, hidden: 1024 } };

/**
 * openEuler's claim (23.09 GMEM documentation): in large-model training GMEM beats NVIDIA UVM, the lead grows
 * with memory use and exceeds 60 % when oversubscribed more than 2× (Ascend 910 vs A100 with the same HBM
 * size). Direction only, since the hardware differs: `gmem-linux` vs `uvm` on the same ascend910b platform and
 * the same generated ml-train trace at 1–3× oversubscription.
 */
export const openEulerOversub: FigureDef = {
  id: 'openeuler-oversub',
  title: 'openEuler: GMEM vs UVM in oversubscribed training',
  summary: 'uvm / gmem-linux sim time on ml-train at 1–3× oversubscription (claim: > 1.6× above 2×, lead growing with memory use); direction only',
  async compute(ctx): Promise<FigureResult> {
    const id = this.id;
    const claim = ctx.reference('gmem-claims').rows.find((c) => c.claim === 'openeuler-oversub-lead');
    if (!claim) throw new Error('gmem-claims lacks openeuler-oversub-lead');
    const params = ctx.pick(ML_PARAMS);
    const trace = await ctx.workload('ml-train', params, 0);
    const data: Record<string, Cell>[] = [];
    const curve: Record<string, Cell>[] = [];
    const rows: ComparedRow[] = [];
    const speedups = new Map<string, number>();
    // sensitivity (not compared): uvm's per-page service cost at the SC'21 prefetching batch rate instead of
    // its no-prefetch figure reading (the gap the sc21-uvm-costs figure exposes)
    const rate = ctx.reference('sc21-uvm-readings').rows.find((r) => r.reading === 'prefetch-batch-rate');
    const perPageAtRate = rate ? Math.round(4096 / ((rate.low + rate.high) / 2)) : null;
    const sensitivity = new Map<string, number>();
    for (const level of OPENEULER_LEVELS) {
      const gm = (await ctx.run(trace, { system: SYSTEMS[0], profile: PROFILE, oversub: level })).summary;
      const uv = (await ctx.run(trace, { system: SYSTEMS[1], profile: PROFILE, oversub: level })).summary;
      const speedup = uv.simTimeNs / gm.simTimeNs;
      speedups.set(`${level}×`, speedup);
      for (const s of [gm, uv]) {
        data.push({
          system: s.system, oversub: level, perPageNs: null, capacityBytes: s.capacityBytes, simTimeNs: s.simTimeNs, deviceFaults: s.deviceFaults, evictions: s.evictions,
          bytesH2D: s.bytesH2D, bytesD2H: s.bytesD2H, timeFaultNs: s.timeFaultNs, timeTransferNs: s.timeTransferNs, timeEvictNs: s.timeEvictNs,
          throttles: s.extra.throttles ?? null, oomEvents: s.oomEvents, specHash: s.specHash,
        });
      }
      curve.push({ series: 'uvm / gmem-linux (reproduced)', oversub: level, speedup });
      if (perPageAtRate !== null) {
        const us = (await ctx.run(trace, { system: SYSTEMS[1], profile: PROFILE, oversub: level, set: { 'device.fault.perPageNs': perPageAtRate } })).summary;
        data.push({
          system: us.system, oversub: level, perPageNs: perPageAtRate, capacityBytes: us.capacityBytes, simTimeNs: us.simTimeNs, deviceFaults: us.deviceFaults,
          evictions: us.evictions, bytesH2D: us.bytesH2D, bytesD2H: us.bytesD2H, timeFaultNs: us.timeFaultNs, timeTransferNs: us.timeTransferNs,
          timeEvictNs: us.timeEvictNs, throttles: us.extra.throttles ?? null, oomEvents: us.oomEvents, specHash: us.specHash,
        });
        sensitivity.set(`${level}×`, us.simTimeNs / gm.simTimeNs);
        curve.push({ series: `sensitivity: uvm at ${perPageAtRate} ns/page`, oversub: level, speedup: us.simTimeNs / gm.simTimeNs });
      }
      if (level > 2) {
        rows.push(comparedRow({
          figure: id, group: 'ml-train', series: `${level}× oversubscribed`, metric: 'uvm time / gmem-linux time', unit: '×',
          published: claim.value, reproduced: speedup, tolerance: OPENEULER_TOLERANCE, criterion: 'direction',
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
    const gaps: Array<readonly [(m: readonly ComparedRow[]) => boolean, string]> = [
      [
        () => !orderings[0]!.pass,
        `Trend: the model's lead is largest without oversubscription (${f(speedups, first)}× at ${first}×, ${f(speedups, last)}× at ${last}×) — the ` +
          `claim says it grows. The lead comes from migration granularity and per-page service cost, present before any eviction: uvm pays ` +
          `perPageNs = 5 µs per 4 KiB page made resident (0.8 GB/s), gmem-linux one fault service per 2 MiB unit. With perPageNs at the SC'21 ` +
          `prefetching rate (${perPageAtRate} ns, sensitivity series) the lead drops to ${f(sensitivity, first)}× at ${first}× and ${f(sensitivity, last)}× at ` +
          `${last}×, still shrinking: oversubscription adds eviction traffic to both at the same 2 MiB granularity (chunk-age evicts root chunks), ` +
          `and uvm's thrashing mitigation did not trigger (throttles: ${data.filter((d) => d.system === 'uvm' && d.perPageNs === null).map((d) => d.throttles).join(', ')}). ` +
          `The claimed growth needs a mechanism by which UVM degrades faster under memory pressure on this workload (e.g. 4 KiB re-faulting after ` +
          `eviction, or the A100 driver's thrashing throttles) that neither the trace nor the models exhibit; the hardware behind the claim differs anyway.`,
      ],
      [
        (m) => m.length === 0 && speedups.get(`${last}×`)! > 3,
        `Magnitude: ${f(speedups, last)}× at ${last}× against "more than 1.6×" — direction only, by design (the claim compares an Ascend 910 with an A100).`,
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
        `gmem-linux sim time. Direction only (the claim compares an Ascend 910 with an A100): a level above 2× passes when GMEM is faster by more ` +
        `than ${OPENEULER_TOLERANCE * 100} %; the ranking checks that the lead grows with oversubscription, as claimed.`,
    };
  },
};
