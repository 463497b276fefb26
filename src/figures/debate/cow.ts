import type { Cell } from '../../analysis/table-input';
import { MiB } from '../../units';
import { groupedBars } from '../charts';
import { cowTrace } from './traces';
import { DEBATE_PROFILE, debateRow, type ClaimDef } from './types';

const SYSTEMS = ['hmm-svm', 'gmem-linux:unitBytes=4096', 'gmem-linux'] as const;
const SIZE: Readonly<Record<'quick' | 'default' | 'full', { readonly buffer: number; readonly pages: number }>> = { quick: { buffer: 4 * MiB, pages: 64 }, default: { buffer: 16 * MiB, pages: 256 }, full: { buffer: 256 * MiB, pages: 4096 } };

/**
 * König: after fork, copy-on-write makes the device pay a full CPU round trip for each initial write to a
 * 4 KiB page. A CPU-written managed buffer, fork, then one device write to each of N distinct pages; the same
 * trace without the fork is the control. Round trips are counted by each model (hmm-svm `cowBreaks`, gmem
 * `cowDeviceRoundTrips`); their cost is the time over the control run.
 */
export const cowRoundTrip: ClaimDef = {
  id: 'cow-round-trip',
  title: 'Copy-on-write round trips',
  async compute(ctx, claim) {
    const { buffer, pages } = ctx.pick(SIZE);
    const fork = await ctx.custom(`cow-fork-${buffer}-${pages}`, async () => cowTrace(buffer, pages, true));
    const ctl = await ctx.custom(`cow-nofork-${buffer}-${pages}`, async () => cowTrace(buffer, pages, false));
    const data: Record<string, Cell>[] = [];
    const hashes: string[] = [];
    const per = new Map<string, { trips: number; usPerPage: number }>();
    for (const sys of SYSTEMS) {
      // a device twice the buffer: everything fits (and 4 KiB frame tables stay small)
      const set = { 'device.memory.capacityBytes': 2 * buffer };
      const f = (await ctx.run(fork, { system: sys, profile: DEBATE_PROFILE, set })).summary;
      const c = (await ctx.run(ctl, { system: sys, profile: DEBATE_PROFILE, set })).summary;
      hashes.push(f.specHash, c.specHash);
      const trips = (f.extra.cowBreaks ?? 0) + (f.extra.cowDeviceRoundTrips ?? 0);
      const usPerPage = (f.simTimeNs - c.simTimeNs) / pages / 1000;
      per.set(sys, { trips, usPerPage });
      data.push({
        system: sys, writtenPages: pages, roundTrips: trips, roundTripsPerPage: trips / pages, extraUsPerWrittenPage: usPerPage,
        simTimeNs: f.simTimeNs, controlSimTimeNs: c.simTimeNs, bytesH2D: f.bytesH2D, specHash: f.specHash, controlSpecHash: c.specHash,
      });
    }
    const hmm = per.get('hmm-svm')!;
    const g4 = per.get('gmem-linux:unitBytes=4096')!;
    const g2 = per.get('gmem-linux')!;
    const pagePerTrip = (x: { trips: number }): string => (x.trips ? (pages / x.trips).toFixed(0) : '∞');
    const pageGranular = hmm.trips === pages && g4.trips === pages;
    return {
      row: debateRow(claim, {
        experiment:
          `a ${buffer / MiB} MiB managed buffer written by the CPU, fork, then one device write to each of ${pages} distinct 4 KiB pages; the same ` +
          `trace without fork as control; hmm-svm, gmem-linux with 4 KiB units and gmem-linux with 2 MiB units on ${DEBATE_PROFILE} with ${2 * buffer / MiB} MiB of device memory.`,
        assumptions: 'the child never runs (its pages stay shared); CPU fault, notifier and fault-service costs are placeholders (P).',
        result:
          `hmm-svm: ${hmm.trips} round trips for ${pages} written pages (${hmm.usPerPage.toFixed(1)} µs extra per page); GMEM at 4 KiB: ${g4.trips} ` +
          `(${g4.usPerPage.toFixed(1)} µs per page); GMEM at 2 MiB: ${g2.trips} (one per ${pagePerTrip(g2)} pages, ${g2.usPerPage.toFixed(1)} µs per written page, ` +
          'the whole 2 MiB unit copied).',
        verdict: pageGranular ? (g2.trips === pages ? 'supported' : 'depends') : 'contradicted',
        dependsOn: pageGranular && g2.trips !== pages ? 'the unit of COW sharing: one CPU round trip per initial 4 KiB write for 4 KiB pages (HMM mirroring, GMEM with 4 KiB units), one per 2 MiB unit when the unit is a huge page' : '',
        specHashes: hashes,
      }),
      data,
      charts: [{
        name: 'round-trips',
        spec: groupedBars(data.map((d) => ({ system: d.system, v: Number(d.roundTripsPerPage) })), {
          x: 'system', y: 'v', color: 'system', title: 'CPU round trips per initial device write after fork', xTitle: 'system', yTitle: 'round trips per written 4 KiB page', log: false, width: 260,
        }),
      }],
    };
  },
};
