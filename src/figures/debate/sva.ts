import type { Cell } from '../../analysis/table-input';
import { groupedBars } from '../charts';
import { cpuChurnTrace } from './traces';
import { DEBATE_PROFILE, debateRow, type ClaimDef } from './types';

const CHURN: Readonly<Record<'quick' | 'default' | 'full', { readonly periods: number; readonly periodUs: number }>> = { quick: { periods: 50, periodUs: 100 }, default: { periods: 200, periodUs: 100 }, full: { periods: 2000, periodUs: 100 } };

/**
 * Binding a device to the whole CPU address space (SVA: one mm-wide notifier, `hmm-svm:scope=mm`) vs to
 * selected ranges (GMEM's MAP_PEER_SHARED; KFD's SVM ranges, `hmm-svm`): while a device kernel works on one
 * buffer, the CPU maps, protects and unmaps memory the device never touches. Measured: device invalidations
 * caused by that CPU-only memory and their share of the run.
 */
export const svaVsRanges: ClaimDef = {
  id: 'sva-vs-peer-shared',
  title: 'Whole address space vs selected ranges',
  async compute(ctx, claim) {
    const { periods, periodUs } = ctx.pick(CHURN);
    const t = await ctx.custom(`cpu-churn-${periods}-${periodUs}`, async () => cpuChurnTrace(periods, periodUs));
    const cpuEvents = 2 * periods; // an mprotect and a munmap of CPU-only memory per period
    const ranges = (await ctx.run(t, { system: 'hmm-svm', profile: DEBATE_PROFILE })).summary;
    const mm = (await ctx.run(t, { system: 'hmm-svm:scope=mm', profile: DEBATE_PROFILE })).summary;
    const gm = (await ctx.run(t, { system: 'gmem-linux', profile: DEBATE_PROFILE })).summary;
    const data: Record<string, Cell>[] = [
      ['selected ranges (hmm-svm)', ranges],
      ['whole address space (hmm-svm:scope=mm, SVA)', mm],
      ['MAP_PEER_SHARED ranges (gmem-linux)', gm],
    ].map(([binding, s]) => {
      const x = s as typeof ranges;
      return {
        binding: binding as string, system: x.system, cpuOnlyEvents: cpuEvents, tlbInvalidations: x.tlbInvalidations, notifierCallbacks: x.extra.notifierCallbacks ?? null,
        mmCallbacks: x.extra.mmCallbacks ?? null, timeInvalidateNs: x.timeInvalidateNs, invalidateShare: x.timeInvalidateNs / x.simTimeNs, simTimeNs: x.simTimeNs, specHash: x.specHash,
      };
    });
    const extraInv = mm.tlbInvalidations - ranges.tlbInvalidations;
    const costUs = (mm.timeInvalidateNs - ranges.timeInvalidateNs) / Math.max(1, extraInv) / 1000;
    const rate = cpuEvents / ((periods * periodUs) / 1e6);
    const share = (mm.simTimeNs - ranges.simTimeNs) / ranges.simTimeNs;
    return {
      row: debateRow(claim, {
        experiment:
          `a device kernel on a 16 MiB managed buffer every ${periodUs} µs while the CPU mmaps, mprotects and munmaps a 1 MiB host buffer it alone uses ` +
          `(${cpuEvents} CPU-side invalidations, ${Math.round(rate).toLocaleString('en-US')}/s), ${periods} periods, ${DEBATE_PROFILE}: hmm-svm bound to its ` +
          'ranges vs bound to the whole mm (scope=mm, added for this claim), and gmem-linux.',
        assumptions: 'an mm-wide notifier callback (host.notifierNs, 2 µs, P) plus one device TLB/ATC invalidation (5 µs, P) per CPU-side invalidation outside the device ranges; SVA\'s benefit (device access to any CPU memory without mapping it) is not exercised by this trace.',
        result:
          `Bound to the whole address space the device takes ${extraInv} extra invalidations (${(extraInv / cpuEvents).toFixed(2)} per CPU-only event, ${costUs.toFixed(1)} µs each), ` +
          `${(share * 100).toFixed(1)} % more run time; bound to selected ranges it takes ${ranges.tlbInvalidations} (hmm-svm) and ${gm.tlbInvalidations} (gmem) for that memory.`,
        verdict: extraInv > 0 ? 'depends' : 'contradicted',
        dependsOn:
          `how often the process unmaps or protects memory the device never uses: here ${Math.round(rate).toLocaleString('en-US')} events/s cost the SVA binding ` +
          `${(share * 100).toFixed(1)} % (${costUs.toFixed(1)} µs each), against the per-range setup (an mmap(MAP_PEER_SHARED) or SVM registration per buffer) that selected ranges need`,
        specHashes: [ranges.specHash, mm.specHash, gm.specHash],
      }),
      data,
      charts: [{
        name: 'invalidations',
        spec: groupedBars(data.map((d) => ({ binding: d.binding, v: d.tlbInvalidations })), {
          x: 'binding', y: 'v', color: 'binding', title: `Device invalidations for ${cpuEvents} CPU-side events on CPU-only memory`, xTitle: 'binding', yTitle: 'device TLB invalidations', log: false, width: 300,
        }),
      }],
    };
  },
};
