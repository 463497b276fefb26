import type { Cell } from '../../analysis/table-input';
import { groupedBars } from '../charts';
import { invalidationEvents, invalidationTrace } from './traces';
import { DEBATE_PROFILE, debateRow, type ClaimDef } from './types';

const BUFFERS = { quick: 4, default: 16, full: 64 } as const;

/**
 * Mirroring via MMU notifiers costs a callback per CPU-side invalidation (and keeps developers hunting the
 * interactions). Proxy measured: notifier callbacks, device unmaps and TLB invalidations per CPU-side event
 * (mprotect, fork, munmap of device-touched memory) under hmm-svm, against GMEM's direct calls (gmem-linux:
 * the core MM calls the device's peer_unmap / TLB hooks itself, no notifier).
 */
export const notifierCallbacks: ClaimDef = {
  id: 'notifier-bugs',
  title: 'Notifier callbacks per invalidation',
  async compute(ctx, claim) {
    const buffers = ctx.pick(BUFFERS);
    const t = await ctx.custom(`invalidations-${buffers}`, async () => invalidationTrace(buffers));
    const events = invalidationEvents(buffers);
    const hmm = (await ctx.run(t, { system: 'hmm-svm', profile: DEBATE_PROFILE })).summary;
    const gm = (await ctx.run(t, { system: 'gmem-linux', profile: DEBATE_PROFILE })).summary;
    const data: Record<string, Cell>[] = [hmm, gm].map((s) => ({
      system: s.system, cpuSideEvents: events, notifierCallbacks: s.extra.notifierCallbacks ?? 0, deviceUnmaps: s.unmapOps, tlbInvalidations: s.tlbInvalidations,
      invalidateUsPerEvent: s.timeInvalidateNs / events / 1000, mapUsPerEvent: s.timeMapNs / events / 1000, specHash: s.specHash,
    }));
    const callbacks = hmm.extra.notifierCallbacks ?? 0;
    return {
      row: debateRow(claim, {
        experiment: `${buffers} device-touched 2 MiB managed buffers, then an mprotect of each, a fork and a munmap of each (${events} CPU-side events) under hmm-svm and gmem-linux on ${DEBATE_PROFILE}.`,
        assumptions: 'host.notifierNs = 2 µs and device TLB invalidation = 5 µs are placeholders (P); one SVM range per buffer (the driver splits larger ones).',
        result:
          `hmm-svm makes ${callbacks} notifier callbacks for ${events} CPU-side events (${(callbacks / events).toFixed(2)} per event) and ${hmm.tlbInvalidations} device ` +
          `TLB invalidations; GMEM handles the same events with direct calls: 0 callbacks, ${gm.tlbInvalidations} TLB invalidations. Invalidation time per event: ` +
          `${(hmm.timeInvalidateNs / events / 1000).toFixed(1)} µs (hmm-svm) vs ${(gm.timeInvalidateNs / events / 1000).toFixed(1)} µs (gmem). The bug-hunting ` +
          'half of the claim is qualitative and not tested.',
        verdict: callbacks >= events ? 'supported' : 'contradicted',
        specHashes: [hmm.specHash, gm.specHash],
      }),
      data,
      charts: [{
        name: 'callbacks',
        spec: groupedBars(
          data.flatMap((d) => [
            { system: d.system, counter: 'notifier callbacks', n: d.notifierCallbacks },
            { system: d.system, counter: 'device TLB invalidations', n: d.tlbInvalidations },
          ]),
          { x: 'system', y: 'n', color: 'counter', title: `Callbacks and invalidations for ${events} CPU-side events`, xTitle: 'system', yTitle: 'count', log: false, width: 240 },
        ),
      }],
    };
  },
};
