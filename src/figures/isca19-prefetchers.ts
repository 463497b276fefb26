import { formatRatio } from '../analysis/format';
import { publishedVsReproducedBars } from './charts';
import { comparedRow, orderingCheck, standardFindings } from './compare';
import { ARTIFACT_NO_OVERSUB, ISCA_BENCHMARKS, ISCA_CONFIGS, ISCA_PROFILE, ISCA_SCALE, ISCA_SOURCE, iscaItem, iscaRun, publishedRows, UVMSMART_PARAMS, type IscaBenchmark } from './isca19';
import type { ComparedRow, FigureDef, FigureResult, OrderingCheck } from './types';
import type { Cell } from '../analysis/table-input';

const ID = 'isca19-prefetchers';
/** Tolerance of the slowdown ratios (issue 8 default band). */
export const ISCA_PREFETCH_TOLERANCE = 0.25;
const CONFIGS = ['no-oversub-on-demand', 'no-oversub-random-4k', 'no-oversub-sl-64k'] as const;
const BASELINE = 'no-oversub-tbn';
/** UVMSmart's far-fault latency (page_fault_latency 66,645 cycles at 1481 MHz = device.fault.serviceNs of gtx1080ti-pcie3). */
const FAR_FAULT_NS = 45_000;

/**
 * ISCA'19 prefetcher comparison without oversubscription: the slowdown of on-demand paging, random-4K and
 * SL-64K prefetching against TBN, per benchmark (published gap on-demand/TBN: 30–43×), from `uvm` runs in
 * the UVMSmart variant on the generated Rodinia traces.
 */
export const isca19Prefetchers: FigureDef = {
  id: ID,
  title: "ISCA'19 (UVMSmart): prefetchers without oversubscription",
  summary: 'slowdown of on-demand, random-4K and SL-64K prefetching against TBN per Rodinia benchmark (uvm, UVMSmart variant, gtx1080ti-pcie3)',
  async compute(ctx): Promise<FigureResult> {
    const published = publishedRows(ctx, [BASELINE, ...CONFIGS]);
    const rows: ComparedRow[] = [];
    const orderings: OrderingCheck[] = [];
    const data: Record<string, Cell>[] = [];
    for (const bench of ISCA_BENCHMARKS) {
      const base = await iscaRun(ctx, bench, ISCA_CONFIGS[BASELINE]!);
      const baseNs = base.kernelNs;
      const pubMap = new Map<string, number>();
      const repMap = new Map<string, number>();
      for (const config of [BASELINE, ...CONFIGS]) {
        const cfg = ISCA_CONFIGS[config]!;
        const { result, kernelNs } = await iscaRun(ctx, bench, cfg);
        const s = result.summary;
        const slowdown = kernelNs / baseNs;
        const pub = published.find((p) => p.config === config && p.benchmark === bench);
        data.push({
          benchmark: bench, config, label: cfg.label, system: s.system, simTimeNs: s.simTimeNs, kernelTimeNs: kernelNs, slowdown, deviceFaults: s.deviceFaults,
          bytesH2D: s.bytesH2D, timeComputeNs: s.timeComputeNs, timeFaultNs: s.timeFaultNs, timeTransferNs: s.timeTransferNs,
          publishedSlowdown: pub?.slowdown ?? null, specHash: s.specHash,
        });
        repMap.set(cfg.label, slowdown);
        if (pub) pubMap.set(cfg.label, pub.slowdown);
        if (config === BASELINE || !pub) continue;
        rows.push(comparedRow({
          figure: ID, group: bench, series: cfg.label, metric: 'slowdown vs TBN', unit: '×',
          published: pub.slowdown, reproduced: slowdown, tolerance: ISCA_PREFETCH_TOLERANCE,
          specHash: s.specHash, baselineSpecHash: base.result.summary.specHash, kind: pub.kind, source: ISCA_SOURCE,
        }));
      }
      orderings.push(orderingCheck(ID, bench, 'slowdown vs TBN', pubMap, repMap));
    }
    return {
      id: ID,
      title: this.title,
      rows,
      orderings,
      charts: [{ name: 'bars', spec: publishedVsReproducedBars(rows, { title: "ISCA'19 prefetchers without oversubscription: slowdown vs TBN", log: true }) }],
      data,
      findings: prefetchFindings(rows, orderings, data),
      method:
        `Each Rodinia benchmark (generated trace, rodinia scale ${JSON.stringify(ctx.pick(ISCA_SCALE))}) runs under ` +
        `\`${iscaItem({ label: '', params: 'prefetch=<p>', level: null })}\` on ${ISCA_PROFILE} with link.model=atan ` +
        `(UVMSmart's timing: ${UVMSMART_PARAMS}, atan transfer curve) at the profile's capacity (no oversubscription). ` +
        `Reproduced = kernel time (sim time minus the trace's host phases, as UVMSmart reports kernel + far-fault time) / the same ` +
        `benchmark's TBN kernel time; published = the artifact's runtime ratio. ` +
        `Tolerance ±${ISCA_PREFETCH_TOLERANCE * 100} %; the ranking of the four prefetchers must match.`,
    };
  },
};

function prefetchFindings(rows: readonly ComparedRow[], orderings: readonly OrderingCheck[], data: ReadonlyArray<Record<string, Cell>>): string[] {
  const od = rows.filter((r) => r.series === 'on-demand');
  const range = (xs: number[]): string => `${formatRatio(Math.min(...xs))}–${formatRatio(Math.max(...xs))}`;
  const head = od.length ? [`On-demand paging is ${range(od.map((r) => r.reproduced))} slower than TBN here; the artifact reports ${range(od.map((r) => r.published))}.`] : [];
  const run = (bench: string, config: string) => data.find((x) => x.benchmark === bench && x.config === config);
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  /** Far faults of the TBN run per page the on-demand run faulted, and TBN kernel time outside far faults per such page. */
  const anatomy = (bench: string): string => {
    const t = run(bench, BASELINE);
    const o = run(bench, 'no-oversub-on-demand');
    const a = ARTIFACT_NO_OVERSUB[bench as IscaBenchmark];
    if (!t || !o || !a) return bench;
    const pages = Number(o.deviceFaults);
    const rest = (Number(t.kernelTimeNs) - Number(t.deviceFaults) * FAR_FAULT_NS) / 1000 / pages;
    return (
      `${bench}: TBN far faults ${pct(Number(t.deviceFaults) / pages)} of the pages (artifact ${pct(a.tbnFaults / a.onDemandFaults)}), ` +
      `TBN time outside far faults ${rest.toFixed(2)} µs per page (artifact ${(a.tbnKernelUs / a.onDemandFaults).toFixed(2)}), ` +
      `TBN pages copied in ${(Number(t.bytesH2D) / 4096 / pages).toFixed(2)} per touched page (artifact ${(a.tbnPagesIn / a.onDemandFaults).toFixed(2)}; ` +
      'padding included: UVMSmart copies every page it validates over PCIe)'
    );
  };
  const gaps: Array<readonly [(m: readonly ComparedRow[]) => boolean, string]> = [
    [
      (m) => m.some((r) => r.series !== 'SL-64K'),
      'Measured against the artifact logs (HWPrefetchers/<OnDemand|TBN>/<bench>.log: Page_tot_fault, Tot_kernel_exec_time) — the slowdown is ' +
        '≈ (pages × 45 µs + on-demand transfers) / (TBN far faults × 45 µs + TBN time outside far faults): ' +
        `${[...new Set(m0(rows).map((r) => r.group))].map(anatomy).join('; ')}. ` +
        'A TBN far-fault share above the artifact\'s makes the slowdown too low; TBN time outside far faults below it (transfers or compute ' +
        'cheaper than GPGPU-Sim\'s, which splits each TBN transfer at every faulted page) makes it too high.',
    ],
  ];
  return [...head, ...standardFindings(rows, orderings, gaps)];
}

/** The missed rows (compared rows outside their tolerance). */
function m0(rows: readonly ComparedRow[]): readonly ComparedRow[] {
  return rows.filter((r) => !r.pass && !r.calibration);
}
