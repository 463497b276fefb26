import type { Cell } from '../../analysis/table-input';
import { Op } from '../../trace/event';
import { collectBatches } from '../../trace/trace';
import { groupedBars } from '../charts';
import { DEBATE_PROFILE, debateRow, type ClaimDef } from './types';

const SECONDS = { quick: 0.25, default: 1, full: 2 } as const;

/**
 * Games issue thousands of GPU mapping operations per second into large VA reservations, with attributes a
 * device-independent mmap cannot express. Tested on the generated game-remap trace (sparse textures streamed
 * into a 64 GiB reservation) replayed natively (gpuvm-sparse, VM_BIND) and as a program on GMEM would have to
 * (gmem-linux: mmap(MAP_FIXED | MAP_PEER_SHARED) per bind, copies instead of aliasing, flags dropped).
 */
export const gamesMapping: ClaimDef = {
  id: 'games-mapping-ops',
  title: 'Game mapping rates and PTE flags',
  async compute(ctx, claim) {
    const seconds = ctx.pick(SECONDS);
    const t = await ctx.workload('game-remap', { seconds }, 0);
    let maps = 0;
    let unmaps = 0;
    let lastNs = 0;
    for (const b of (await collectBatches(t.trace)).batches) {
      for (let i = 0; i < b.length; i++) {
        if (b.op[i] === Op.map) maps++;
        else if (b.op[i] === Op.unmap) unmaps++;
      }
      if (b.length) lastNs = Math.max(lastNs, b.tNs[b.length - 1]!);
    }
    const reserveBytes = Number(t.trace.read().meta['param.reserveBytes'] ?? 0);
    const opsPerS = (maps + unmaps) / (lastNs / 1e9);
    const gv = (await ctx.run(t, { system: 'gpuvm-sparse', profile: DEBATE_PROFILE })).summary;
    const gm = (await ctx.run(t, { system: 'gmem-linux', profile: DEBATE_PROFILE })).summary;
    const perOp = (s: typeof gv): number => s.timeMapNs / (maps + unmaps);
    const inexpressible = gm.extra.inexpressibleBinds ?? 0;
    const data: Record<string, Cell>[] = [gv, gm].map((s) => ({
      system: s.system, maps, unmaps, opsPerS, reserveBytes, perOpNs: perOp(s), mapShare: s.timeMapNs / s.simTimeNs, timeMapNs: s.timeMapNs,
      simTimeNs: s.simTimeNs, inexpressibleBinds: s.extra.inexpressibleBinds ?? null, flaggedBinds: s.extra.flaggedBinds ?? null,
      aliasCopyBytes: s.extra.aliasCopyBytes ?? null, errorEvents: s.errorEvents, specHash: s.specHash,
    }));
    const supported = opsPerS >= 1000 && inexpressible > 0;
    const gib = reserveBytes / 2 ** 30;
    return {
      row: debateRow(claim, {
        experiment:
          `game-remap (${seconds} s at 60 fps: sparse textures streamed into a ${gib} GiB reservation) replayed under gpuvm-sparse (VM_BIND) and ` +
          `gmem-linux (mmap per bind) on ${DEBATE_PROFILE}; ops/s from the trace, per-op cost = map time / (maps + unmaps), inexpressible = binds ` +
          'with NULL, compressed, read-only, aliased or non-4K/2M page-size attributes.',
        assumptions:
          'generated game model (not a recorded game); bind/unbind costs measured on an Apple GPU (AsahiLinux), mmap/munmap/VMA-split costs are ' +
          'placeholders (P); GMEM must copy aliased resources instead of binding them.',
        result:
          `${Math.round(opsPerS).toLocaleString('en-US')} map/unmap operations per second into a ${gib} GiB reservation; ${inexpressible.toLocaleString('en-US')} of ` +
          `${maps.toLocaleString('en-US')} binds (${Math.round((inexpressible / Math.max(1, maps)) * 100)} %) carry attributes GMEM's mmap cannot express; ` +
          `per operation ${(perOp(gv) / 1000).toFixed(2)} µs natively vs ${(perOp(gm) / 1000).toFixed(2)} µs through GMEM ` +
          `(${((gm.timeMapNs / gm.simTimeNs) * 100).toFixed(1)} % vs ${((gv.timeMapNs / gv.simTimeNs) * 100).toFixed(1)} % of the run).`,
        verdict: supported ? 'supported' : opsPerS < 1000 ? 'depends' : 'contradicted',
        dependsOn: opsPerS < 1000 ? `the game's streaming rate (${Math.round(opsPerS)} ops/s here)` : '',
        specHashes: [gv.specHash, gm.specHash],
      }),
      data,
      charts: [{
        name: 'per-op',
        spec: groupedBars(data.map((d) => ({ system: d.system, metric: 'µs per map/unmap', v: Number(d.perOpNs) / 1000 })), {
          x: 'system', y: 'v', color: 'system', title: 'game-remap: cost per mapping operation', xTitle: 'system', yTitle: 'µs per map/unmap', log: false, width: 200,
        }),
      }],
    };
  },
};
