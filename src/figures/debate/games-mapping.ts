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
    // every driver side by side (src/systems/gpuvm-sparse/drivers.ts); per call = mapping work all in / calls: map + invalidation
    // time on the clock, plus the sparse-binding queue's work minus its exposed stall (already in timeMapNs; bind-queue.ts)
    const drivers = ['xe', 'amdgpu', 'nouveau', 'asahi'] as const;
    const gvs = [];
    for (const d of drivers) gvs.push((await ctx.run(t, { system: `gpuvm-sparse:driver=${d}`, profile: DEBATE_PROFILE })).summary);
    const gv = gvs[0]!;
    const gm = (await ctx.run(t, { system: 'gmem-linux', profile: DEBATE_PROFILE })).summary;
    const workNs = (s: typeof gv): number => s.timeMapNs + s.timeInvalidateNs + (s.extra.bindQueueNs ?? 0) - (s.extra.bindExposedNs ?? 0);
    const perOp = (s: typeof gv): number => workNs(s) / (maps + unmaps);
    const inexpressible = gm.extra.inexpressibleBinds ?? 0;
    const data: Record<string, Cell>[] = [...gvs, gm].map((s, k) => ({
      system: k < drivers.length ? `gpuvm-sparse:driver=${drivers[k]}` : s.system, maps, unmaps, opsPerS, reserveBytes, perOpNs: perOp(s),
      mapShare: workNs(s) / s.simTimeNs, timeMapNs: s.timeMapNs, timeInvalidateNs: s.timeInvalidateNs,
      hiddenBindNs: s.extra.bindHiddenNs ?? 0, exposedBindNs: workNs(s) - (s.extra.bindHiddenNs ?? 0),
      simTimeNs: s.simTimeNs, inexpressibleBinds: s.extra.inexpressibleBinds ?? null, flaggedBinds: s.extra.flaggedBinds ?? null,
      aliasCopyBytes: s.extra.aliasCopyBytes ?? null, errorEvents: s.errorEvents, specHash: s.specHash,
    }));
    const supported = opsPerS >= 1000 && inexpressible > 0;
    const gib = reserveBytes / 2 ** 30;
    return {
      row: debateRow(claim, {
        experiment:
          `game-remap (${seconds} s at 60 fps: sparse textures streamed into a ${gib} GiB reservation; one Vulkan bind per tile swap, one ` +
          `unbind per streamed-out image) replayed under gpuvm-sparse for each driver (xe, amdgpu, nouveau, asahi) and gmem-linux (mmap(MAP_FIXED) ` +
          `per bind) on ${DEBATE_PROFILE}; calls/s from the trace, per-call cost = (map + TLB invalidation work, wherever it ran: gpuvm-sparse ` +
          `runs the frame's binds on the sparse-binding queue beside rendering) / (maps + unmaps), inexpressible = ` +
          'binds that are NULL, compressed or alias a bound range of their backing object (src/systems/shared/bind-attributes.ts).',
        assumptions:
          'generated game model (not a recorded game); only the Asahi bind/unbind costs are measured (Apple GPU, composite); PTE-write, ioctl, ' +
          'TLB-invalidation, per-op and page-table costs of the other drivers and the mmap/munmap/VMA-split costs are placeholders (P), so the ' +
          'cost ranking between systems is not established; GMEM must copy aliased resources instead of binding them.',
        result:
          `${Math.round(opsPerS).toLocaleString('en-US')} map/unmap operations per second into a ${gib} GiB reservation; ${inexpressible.toLocaleString('en-US')} of ` +
          `${maps.toLocaleString('en-US')} binds (${Math.round((inexpressible / Math.max(1, maps)) * 100)} %) carry attributes GMEM's mmap cannot express; ` +
          `per call ${gvs.map((s, k) => `${(perOp(s) / 1000).toFixed(2)} µs on ${drivers[k]}`).join(', ')} vs ${(perOp(gm) / 1000).toFixed(2)} µs ` +
          `through GMEM (placeholder costs); of the gpuvm-sparse bind work ${gvs.map((s) => `${Math.round((100 * (s.extra.bindHiddenNs ?? 0)) / Math.max(1, workNs(s)))} %`).join(' / ')} ` +
          `(${drivers.join(' / ')}) ran hidden beside rendering on the sparse-binding queue.`,
        verdict: supported ? 'supported' : opsPerS < 1000 ? 'depends' : 'contradicted',
        dependsOn: opsPerS < 1000 ? `the game's streaming rate (${Math.round(opsPerS)} ops/s here)` : '',
        specHashes: [...gvs.map((s) => s.specHash), gm.specHash],
      }),
      data,
      charts: [{
        name: 'per-op',
        spec: groupedBars(data.map((d) => ({ system: d.system, metric: 'µs per map/unmap', v: Number(d.perOpNs) / 1000 })), {
          x: 'system', y: 'v', color: 'system', title: 'game-remap: cost per mapping call', xTitle: 'system', yTitle: 'µs per map/unmap call', log: false, width: 260,
        }),
      }],
    };
  },
};
