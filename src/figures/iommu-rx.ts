import type { Cell } from '../analysis/table-input';
import { groupedBars } from './charts';
import { comparedRow, standardFindings } from './compare';
import type { ComparedRow, FigureDef, FigureResult } from './types';

/** Tolerance of the IOMMU ratios (issue 8 default band). */
export const IOMMU_TOLERANCE = 0.25;
const MODES = ['strict', 'deferred', 'gmem-async'] as const;
const PACKETS: Readonly<Record<'quick' | 'default' | 'full', number>> = { quick: 2000, default: 10_000, full: 100_000 };

/**
 * GMEM's IOMMU claim (arXiv 2310.12554 abstract): network receive with GMEM's batched asynchronous unmap gets
 * +54 % throughput with 32 % less CPU than the state of the art. `iommu-dma` in `gmem-async` mode against
 * `strict` and `deferred` (Linux's default) on the generated nic-rx trace; the paper's baseline (FreeBSD DMAR
 * busdma) has an unknown invalidation policy, so both Linux policies are shown as candidates.
 */
export const gmemIommu: FigureDef = {
  id: 'gmem-iommu',
  title: 'GMEM IOMMU case: NIC receive throughput and CPU time',
  summary: 'gmem-async vs strict and deferred IOMMU unmapping on nic-rx: throughput ratio (claim 1.54) and CPU-time ratio (claim 0.68)',
  async compute(ctx): Promise<FigureResult> {
    const id = this.id;
    const claims = ctx.reference('gmem-claims').rows;
    const thr = claims.find((c) => c.claim === 'iommu-rx-throughput');
    const cpu = claims.find((c) => c.claim === 'iommu-rx-cpu');
    if (!thr || !cpu) throw new Error('gmem-claims lacks the iommu-rx rows');
    const packets = ctx.pick(PACKETS);
    const trace = await ctx.workload('nic-rx', { packets }, 0);
    const res = new Map<string, import('../sim/run-types').RunSummary>();
    for (const mode of MODES) res.set(mode, (await ctx.run(trace, { system: `iommu-dma:mode=${mode}` })).summary);
    const gm = res.get('gmem-async')!;
    const data: Record<string, Cell>[] = MODES.map((m) => {
      const s = res.get(m)!;
      return {
        mode: m, rxGbps: s.extra.rxGbps ?? null, offeredGbps: s.extra.offeredGbps ?? null, cpuNsPerPacket: s.extra.cpuNsPerPacket ?? null,
        iommuNsPerPacket: s.extra.iommuNsPerPacket ?? null, tlbInvalidations: s.tlbInvalidations, domainFlushes: s.extra.domainFlushes ?? null, specHash: s.specHash,
      };
    });
    const rows: ComparedRow[] = [];
    for (const base of ['strict', 'deferred'] as const) {
      const b = res.get(base)!;
      rows.push(comparedRow({
        figure: id, group: `vs ${base}`, series: 'receive throughput', metric: 'gmem-async / baseline', unit: '×',
        published: thr.value, reproduced: gm.extra.rxGbps! / b.extra.rxGbps!, tolerance: IOMMU_TOLERANCE,
        specHash: gm.specHash, baselineSpecHash: b.specHash, kind: thr.kind, source: thr.source,
      }));
      rows.push(comparedRow({
        figure: id, group: `vs ${base}`, series: 'CPU time per packet', metric: 'gmem-async / baseline', unit: '×',
        published: cpu.value, reproduced: gm.extra.cpuNsPerPacket! / b.extra.cpuNsPerPacket!, tolerance: IOMMU_TOLERANCE,
        specHash: gm.specHash, baselineSpecHash: b.specHash, kind: cpu.kind, source: cpu.source,
      }));
    }
    const long = data.flatMap((d) => [
      { mode: d.mode, metric: 'receive throughput (Gb/s)', value: d.rxGbps },
      { mode: d.mode, metric: 'CPU ns per packet', value: d.cpuNsPerPacket },
    ]);
    return {
      id,
      title: this.title,
      rows,
      orderings: [],
      charts: [{ name: 'bars', spec: groupedBars(long, { x: 'mode', y: 'value', color: 'mode', column: 'metric', title: 'NIC receive through the IOMMU: throughput and CPU per packet', xTitle: 'unmap policy', yTitle: 'value', log: false }) }],
      data,
      findings: standardFindings(rows, [], [
        [
          (m) => m.some((r) => r.group === 'vs deferred'),
          `Against Linux's deferred mode the claim does not reproduce: deferred already batches IOTLB invalidations (one domain flush per ` +
            `256 unmaps or 10 ms) much as gmem-async does (per 1024 pages or 1 s), so both reach the offered rate and their CPU cost differs by ` +
            `${Math.abs(Number(gm.extra.cpuNsPerPacket) - Number(res.get('deferred')!.extra.cpuNsPerPacket)).toFixed(0)} ns per packet. ` +
            `Against strict (synchronous per-page invalidation) the model gives +${Math.round((gm.extra.rxGbps! / res.get('strict')!.extra.rxGbps! - 1) * 100)} % ` +
            `throughput and ${Math.round((1 - gm.extra.cpuNsPerPacket! / res.get('strict')!.extra.cpuNsPerPacket!) * 100)} % less CPU, near the claim: ` +
            `the paper's baseline (FreeBSD DMAR busdma) behaves like strict. IOTLB costs are placeholders (P), and the claimed numbers depend on ` +
            `the NIC's rate: at 10 GbE deferred and gmem-async are both capped by the line.`,
        ],
      ]),
      method:
        `iommu-dma in modes ${MODES.join(', ')} on the generated nic-rx trace (${packets.toLocaleString('en-US')} × 1500 B packets at the 10 GbE ` +
        'line rate, 1024-slot ring, 600 ns of stack work per packet) on the nic-iommu platform (IOTLB costs are placeholders, P). ' +
        'Throughput = extra.rxGbps (min of the offered rate and what one core sustains at extra.cpuNsPerPacket); CPU = extra.cpuNsPerPacket. ' +
        `The paper's NIC, link, CPU and baseline policy are unknown, so each Linux policy is a candidate baseline. Tolerance ±${IOMMU_TOLERANCE * 100} %.`,
    };
  },
};
