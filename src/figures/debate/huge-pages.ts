import type { Cell } from '../../analysis/table-input';
import { KiB, MiB } from '../../units';
import { groupedBars } from '../charts';
import { capacityForLevel } from '../context';
import { debateTraces, inputSizes } from './inputs';
import { DEBATE_PROFILE, debateRow, type ClaimDef } from './types';

const UNITS = [4 * KiB, 64 * KiB, 2 * MiB] as const;
const unitName = (u: number): string => (u >= MiB ? `${u / MiB} MiB` : `${u / KiB} KiB`);

/**
 * "Huge pages are a must for devices": the same GMEM model with 4 KiB, 64 KiB and 2 MiB migration units on a
 * dense streaming kernel (pathfinder), an irregular access stream (uniform random pages) and a training loop (ml-train), paper-sized
 * outside the quick test scale (inputs.ts), with and without
 * oversubscription. Supported if 2 MiB is never beaten by more than 5 %.
 */
export const hugePages: ClaimDef = {
  id: 'huge-pages-must',
  title: 'Huge pages for devices',
  async compute(ctx, claim) {
    const { ml, dense, irregular } = await debateTraces(ctx);
    const inputs = [dense, irregular, ml];
    const data: Record<string, Cell>[] = [];
    const hashes: string[] = [];
    const lost: string[] = [];
    const won: string[] = [];
    for (const input of inputs) {
      const t = input.trace;
      // 0.5 = a device twice the data footprint (everything fits; a small device keeps 4 KiB frame tables small)
      for (const level of [0.5, 1.5]) {
        const times = new Map<number, number>();
        for (const u of UNITS) {
          const set: Record<string, number> = { 'device.memory.capacityBytes': capacityForLevel(t.pageFootprintBytes, level) };
          const s = (await ctx.run(t, { system: `gmem-linux:unitBytes=${u}`, profile: DEBATE_PROFILE, set })).summary;
          hashes.push(s.specHash);
          times.set(u, s.simTimeNs);
          data.push({
            workload: input.name, oversub: level, unit: unitName(u), simTimeNs: s.simTimeNs, deviceFaults: s.deviceFaults, bytesH2D: s.bytesH2D,
            bytesD2H: s.bytesD2H, migrationsH2D: s.migrationsH2D, linkGBps: s.timeTransferNs > 0 ? (s.bytesH2D + s.bytesD2H) / s.timeTransferNs : null,
            evictions: s.evictions, oomEvents: s.oomEvents, specHash: s.specHash,
          });
        }
        const huge = times.get(2 * MiB)!;
        const bestSmall = Math.min(times.get(4 * KiB)!, times.get(64 * KiB)!);
        const label = `${input.name}${level > 1 ? ` at ${level * 100} %` : ''}`;
        if (bestSmall < huge * 0.95) lost.push(`${label} (${(huge / bestSmall).toFixed(2)}× slower with 2 MiB)`);
        else won.push(`${label} (${(bestSmall / huge).toFixed(1)}× faster with 2 MiB)`);
      }
    }
    const verdict = lost.length === 0 ? 'supported' : won.length === 0 ? 'contradicted' : 'depends';
    return {
      row: debateRow(claim, {
        experiment:
          `gmem-linux with unitBytes 4 KiB / 64 KiB / 2 MiB on ${inputs.map((i) => i.describe).join(', ')} (${inputSizes(inputs)}), ` +
          `on a device twice the data footprint and at 150 % of it (${DEBATE_PROFILE}).`,
        assumptions: 'one fault service (40 µs, P) per unit fault and one transfer per unit (affine PCIe 4 link); no prefetch hints; generated traces.',
        result: `2 MiB units are best in ${won.length} of ${won.length + lost.length} cases${won.length ? `: ${won.join('; ')}` : ''}${lost.length ? `; smaller units win on ${lost.join('; ')}` : ''}.`,
        verdict,
        dependsOn: verdict === 'depends' ? `access density and pressure: huge pages lose on ${lost.join(', ')}` : '',
        specHashes: hashes,
      }),
      data,
      charts: [{
        name: 'units',
        spec: groupedBars(data.map((d) => ({ case: `${d.workload} ${Number(d.oversub) > 1 ? '150 %' : 'fits'}`, unit: d.unit, ms: Number(d.simTimeNs) / 1e6 })), {
          x: 'case', y: 'ms', color: 'unit', title: 'GMEM migration unit: simulated time', xTitle: 'workload, oversubscription', yTitle: 'simulated time (ms)', log: true, width: 420,
        }),
      }],
    };
  },
};
