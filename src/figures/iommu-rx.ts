import type { Cell } from '../analysis/table-input';
import { groupedBars } from './charts';
import { comparedRow, standardFindings } from './compare';
import type { ComparedRow, FigureDef, FigureResult } from './types';

const pct = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100))} %`;

/** Tolerance of the IOMMU ratios (issue 8 default band). */
export const IOMMU_TOLERANCE = 0.25;
const MODES = ['batched', 'strict', 'deferred', 'gmem-async'] as const;
const PACKETS: Readonly<Record<'quick' | 'default' | 'full', number>> = { quick: 2000, default: 10_000, full: 100_000 };

/**
 * GMEM's IOMMU claim (arXiv 2310.12554 abstract): network receive with GMEM's batched asynchronous unmap gets
 * +54 % throughput with 32 % less CPU than the state of the art. `iommu-dma` in `gmem-async` mode against
 * the paper's baseline, FreeBSD DMAR busdma with queued invalidation (`batched`: sys/x86/iommu/intel_ctx.c
 * dmar_domain_unload — one range descriptor per unload, wait descriptors not waited for, entries freed
 * asynchronously), on the generated nic-rx trace. Linux `strict` and `deferred` (the x86 default) are compared
 * beside it: the vs-strict and vs-deferred rows are the figure's frozen rows (issue 14: the denominator of the pass rate
 * does not change), the vs-batched rows are added rows, printed apart from the pass rate (src/figures/frozen.ts).
 */
export const gmemIommu: FigureDef = {
  id: 'gmem-iommu',
  title: 'GMEM IOMMU case: NIC receive throughput and CPU time',
  summary: "gmem-async vs batched (the paper's FreeBSD baseline), strict and deferred IOMMU unmapping on nic-rx: throughput ratio (claim 1.54) and CPU-time ratio (claim 0.68)",
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
    for (const base of ['batched', 'strict', 'deferred'] as const) {
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
          (m) => m.some((r) => r.group === 'vs batched'),
          `Against the paper's baseline (FreeBSD DMAR queued invalidation: per unmap one range descriptor and one wait descriptor, ` +
            `never waited for) gmem-async gives ${pct(gm.extra.rxGbps! / res.get('batched')!.extra.rxGbps! - 1)} throughput and ` +
            `${pct(gm.extra.cpuNsPerPacket! / res.get('batched')!.extra.cpuNsPerPacket! - 1)} CPU per packet (added rows, not in the pass rate). Beside it (the frozen rows): vs Linux ` +
            `strict ${pct(gm.extra.rxGbps! / res.get('strict')!.extra.rxGbps! - 1)} / ${pct(gm.extra.cpuNsPerPacket! / res.get('strict')!.extra.cpuNsPerPacket! - 1)}, ` +
            `vs deferred ${pct(gm.extra.rxGbps! / res.get('deferred')!.extra.rxGbps! - 1)} / ${pct(gm.extra.cpuNsPerPacket! / res.get('deferred')!.extra.cpuNsPerPacket! - 1)} ` +
            `(throughput / CPU). The batched baseline's per-packet invalidation work is two descriptor writes (qiDescriptorNs, a placeholder), ` +
            `strict's a waited invalidation (device.tlb.invalidateNs, a placeholder): the gaps scale with them. This run uses one core and ` +
            `closed-form throughput; iommu-dma's cores (IOVA allocator contention) and ats options are off here.`,
        ],
        [
          (m) => m.some((r) => r.group === 'vs deferred'),
          deferredGap(res.get('deferred')!, gm),
        ],
      ]),
      method:
        `iommu-dma in modes ${MODES.join(', ')} (batched = the paper's FreeBSD baseline, added rows; strict and deferred = the frozen rows) on the generated nic-rx trace (${packets.toLocaleString('en-US')} × 1500 B packets at the 10 GbE ` +
        'line rate, 1024-slot ring, 600 ns of stack work per packet) on the nic-iommu platform (IOTLB costs are placeholders, P). ' +
        'Throughput = extra.rxGbps (min of the offered rate and what one core sustains at extra.cpuNsPerPacket); CPU = extra.cpuNsPerPacket. ' +
        `The paper's NIC, link and CPU are unknown. Tolerance ±${IOMMU_TOLERANCE * 100} %.`,
    };
  },
};

/**
 * Why gmem-async does not beat Linux deferred, from the two runs: both clear the PTEs, queue the entry
 * (queueEntryNs), free the IOVA and flush the domain's IOTLB once per batch; they differ in the batch size
 * (the flush queue holds flushQueueEntries − 1 = 255, GMEM drains above 1024 pages) and in when the PTEs are cleared.
 */
function deferredGap(def: import('../sim/run-types').RunSummary, gm: import('../sim/run-types').RunSummary): string {
  const x = def.extra;
  const y = gm.extra;
  const per = (s: import('../sim/run-types').RunSummary): string => `${((s.extra.domainFlushes ?? 0) / Math.max(1, s.extra.packets ?? 0) * 1000).toFixed(1)}`;
  return (
    `Measured (vs deferred: no gain): Linux's flush queue (dma-iommu.c queue_iova / fq_flush_iotlb) already does what GMEM's async unmap does — ` +
    `the unmap only clears the PTEs and queues the IOVA, and one domain-wide IOTLB flush retires a whole ring of ${255} entries. Per packet, ` +
    `deferred spends ${Math.round(x.iommuNsPerPacket ?? 0)} ns of IOMMU work and gmem-async ${Math.round(y.iommuNsPerPacket ?? 0)} ns ` +
    `(domain flushes per 1,000 packets: ${per(def)} vs ${per(gm)}); both pay the same PTE, IOVA and queueing costs (queueEntryNs, a placeholder, ` +
    `for queue_iova's barrier and ring lock as for GMEM's request allocation and enqueue lock). The paper's +54 % / −32 % is measured against ` +
    `FreeBSD's DMAR busdma (the vs-batched rows), not against Linux deferred. Not modelled, and in deferred's favour: Linux allocates ` +
    `one-page IOVAs from per-CPU rcache magazines (iova.c iova_rcache_get/insert) where GMEM searches and updates its rb-tree (gmem_uvas.c gmem_rb_find_space, gmem_rb_remove under GMEM_UVAS_LOCK); ` +
    `the profile charges both device.map.iovaAllocNs (placeholder).`
  );
}
