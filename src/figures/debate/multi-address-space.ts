import type { Cell } from '../../analysis/table-input';
import type { RunSummary } from '../../sim/run-types';
import { Op } from '../../trace/event';
import { collectBatches } from '../../trace/trace';
import { groupedBars } from '../charts';
import type { FigureTrace } from '../context';
import { mergeGuests } from './traces';
import { DEBATE_PROFILE, debateRow, type ClaimDef } from './types';

const GUESTS = { quick: 2, default: 4, full: 8 } as const;
const SECONDS = { quick: 0.1, default: 0.25, full: 1 } as const;
/** A 47-bit user address space (x86-64 4-level paging): what every guest's device VA must fit in under GMEM. */
const CPU_VA_BYTES = 2 ** 47;

/**
 * Many independent device address spaces inside one CPU process (virtualization / native context: a VMM hosts
 * the GPU address spaces of K guests). The event vocabulary has one address space per trace, so the case is
 * modelled as (a) each guest replayed on its own (per-context VMs, gpuvm-sparse: what drm_gpuvm gives each
 * context), against (b) all guests merged into the VMM's one address space at the VAs they chose (GMEM binds
 * the device address space to the process's) and (c) merged after the VMM relocated each guest into a
 * disjoint slice (GMEM works, but the device VAs are no longer the ones the guest wrote into its command
 * buffers).
 */
export const multiAddressSpace: ClaimDef = {
  id: 'multi-address-space',
  title: 'Many device address spaces in one process',
  async compute(ctx, claim) {
    const k = ctx.pick(GUESTS);
    const seconds = ctx.pick(SECONDS);
    const guests: FigureTrace[] = [];
    for (let g = 0; g < k; g++) guests.push(await ctx.workload('game-remap', { seconds }, g));
    let binds = 0;
    let reserves = 0;
    let reserveBytes = 0;
    let lo = Infinity;
    let hi = 0;
    for (const b of (await collectBatches(guests[0]!.trace)).batches) {
      for (let i = 0; i < b.length; i++) {
        if (b.op[i] === Op.map) binds++;
        else if (b.op[i] === Op.reserve) (reserves++, (reserveBytes += b.bytes[i]!));
        const va = b.va[i]!;
        if (!Number.isNaN(va)) {
          lo = Math.min(lo, va);
          hi = Math.max(hi, va + (Number.isNaN(b.bytes[i]!) ? 0 : b.bytes[i]!));
        }
      }
    }
    // a VMM relocating guests gives each a disjoint, power-of-two aligned slice of its address space
    const RELOCATE_BYTES = 2 ** Math.ceil(Math.log2(Math.max(1, hi - lo)));
    const data: Record<string, Cell>[] = [];
    const hashes: string[] = [];
    const row = (layout: string, s: RunSummary, guest: number | null): void => {
      hashes.push(s.specHash);
      data.push({ layout, guest, system: s.system, errorEvents: s.errorEvents, mapOps: s.mapOps, timeMapNs: s.timeMapNs, simTimeNs: s.simTimeNs, inexpressibleBinds: s.extra.inexpressibleBinds ?? null, vmaCount: s.extra.vmaCount ?? null, specHash: s.specHash });
    };
    let ownErrors = 0;
    for (let g = 0; g < k; g++) {
      const s = (await ctx.run(guests[g]!, { system: 'gpuvm-sparse', profile: DEBATE_PROFILE })).summary;
      ownErrors += s.errorEvents;
      row('per-context VM (gpuvm-sparse)', s, g);
    }
    const shared = await ctx.custom(`guests-${k}-${seconds}-shared`, async () => mergeGuests(guests.map((g) => g.trace), 0, `vmm-${k}-guests-shared`));
    const relocated = await ctx.custom(`guests-${k}-${seconds}-relocated`, async () => mergeGuests(guests.map((g) => g.trace), RELOCATE_BYTES, `vmm-${k}-guests-relocated`));
    const gs = (await ctx.run(shared, { system: 'gmem-linux', profile: DEBATE_PROFILE })).summary;
    const gr = (await ctx.run(relocated, { system: 'gmem-linux', profile: DEBATE_PROFILE })).summary;
    row('one address space, guests at their own VAs (gmem-linux)', gs, null);
    row('one address space, guests relocated (gmem-linux)', gr, null);
    const relocatedBinds = (k - 1) * binds;
    const maxGuests = Math.floor(CPU_VA_BYTES / RELOCATE_BYTES);
    const maxByReservation = reserveBytes > 0 ? Math.floor(CPU_VA_BYTES / reserveBytes) : Infinity;
    const supported = ownErrors === 0 && (gs.errorEvents > 0 || gr.errorEvents > 0 || relocatedBinds > 0);
    return {
      row: debateRow(claim, {
        experiment:
          `${k} guests each running game-remap (${seconds} s, seeds 0…${k - 1}; ${reserves} reservation of ${reserveBytes / 2 ** 30} GiB and ${binds.toLocaleString('en-US')} binds each): ` +
          `each guest in its own VM (gpuvm-sparse) vs all guests in the VMM's one address space under gmem-linux, at their own VAs and relocated by ${RELOCATE_BYTES / 2 ** 40} TiB per guest (the span of one guest's layout, rounded up to a power of two; ${DEBATE_PROFILE}).`,
        assumptions:
          'the trace vocabulary has one address space per trace, so a guest context is modelled by replaying its trace alone; a 47-bit (128 TiB) user address space; ' +
          'guests choose identical GPU VA layouts, as instances of one driver do.',
        result:
          `Per-context VMs replay every guest unchanged (${ownErrors} errors). In one address space at their own VAs the guests collide: ${gs.errorEvents.toLocaleString('en-US')} ` +
          `reservations and binds cannot be placed. Relocated, they run (${gr.errorEvents} errors) but ${relocatedBinds.toLocaleString('en-US')} of ${(k * binds).toLocaleString('en-US')} binds ` +
          `sit at device VAs other than the ones their guest chose, and the VMM's address space holds at most ${Math.min(maxGuests, maxByReservation).toLocaleString('en-US')} such guests.`,
        verdict: supported ? 'supported' : 'contradicted',
        specHashes: hashes,
      }),
      data,
      charts: [{
        name: 'errors',
        spec: groupedBars(
          [
            { layout: 'per-context VMs', v: ownErrors },
            { layout: 'one AS, own VAs', v: gs.errorEvents },
            { layout: 'one AS, relocated', v: gr.errorEvents },
          ],
          { x: 'layout', y: 'v', color: 'layout', title: `${k} guests: reservations and binds that cannot be placed`, xTitle: 'address-space layout', yTitle: 'error events', log: false, width: 280 },
        ),
      }],
    };
  },
};
