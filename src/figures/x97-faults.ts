import type { Cell } from '../analysis/table-input';
import { x97Case, X97_MODES } from './x97-case';
import { groupedBars } from './charts';
import type { FigureDef, FigureResult } from './types';

const PARAMS: Readonly<Record<'quick' | 'default' | 'full', Readonly<Record<'x97-vecadd' | 'x97-bp', Readonly<Record<string, number>>>>>> = {
  quick: { 'x97-vecadd': { length: 1 << 20 }, 'x97-bp': { samples: 1024 } },
  default: { 'x97-vecadd': {}, 'x97-bp': {} },
  full: { 'x97-vecadd': { length: 13_107_200 }, 'x97-bp': { samples: 16_384 } },
};

/**
 * GMEM's simulated device x97 (the authors' FreeBSD emulator): device-fault counts per MMU mode (SHARE,
 * COHERENT_EXCLUSIVE, REPLICATE) on vector add and the binarised back-prop MLP, from `gmem-paper` on
 * `x97-sim` (`x97Case`). No counts are published (the emulator only prints them), so this figure has no
 * compared number: it shows what the model predicts for the paper's own device.
 */
export const x97Faults: FigureDef = {
  id: 'gmem-x97',
  title: 'GMEM x97 simulated device: device faults per MMU mode',
  summary: 'device faults, migrations and evictions per MMU mode on x97 vector add and back-prop (gmem-paper on x97-sim); no published counts',
  async compute(ctx): Promise<FigureResult> {
    const params = ctx.pick(PARAMS);
    const vec = await ctx.workload('x97-vecadd', params['x97-vecadd'], 0);
    const bp = await ctx.workload('x97-bp', params['x97-bp'], 0);
    const { rows: counts, results } = await x97Case({ 'x97-vecadd': vec.trace, 'x97-bp': bp.trace }, 0, ctx.debug);
    ctx.runCount += results.length;
    const data: Record<string, Cell>[] = counts.map((c, i) => ({ ...c, footprintBytes: results[i]!.summary.footprintBytes, capacityBytes: results[i]!.summary.capacityBytes, specHash: results[i]!.summary.specHash }));
    const long = counts.flatMap((c) => [
      { workload: c.workload, mode: c.mode, counter: 'device faults', n: c.deviceFaults },
      { workload: c.workload, mode: c.mode, counter: 'migrations H2D', n: c.migrationsH2D },
      { workload: c.workload, mode: c.mode, counter: 'evictions', n: c.evictions },
    ]);
    const findings: string[] = ['No published counts exist (the x97 emulator prints them; the paper gives none): nothing is compared.'];
    for (const w of ['x97-vecadd', 'x97-bp']) {
      const by = new Map(counts.filter((c) => c.workload === w).map((c) => [c.mode, c]));
      const ex = by.get('exclusive')!;
      const sh = by.get('share')!;
      findings.push(
        `${w}: exclusive mode takes ${ex.deviceFaults.toLocaleString('en-US')} device faults (${ex.migrationsH2D.toLocaleString('en-US')} H2D migrations, ` +
          `${ex.evictions.toLocaleString('en-US')} evictions); share and replicate take ${sh.deviceFaults.toLocaleString('en-US')} (first touches only) ` +
          `and serve the rest remotely (${sh.remoteAccesses.toLocaleString('en-US')} remote accesses).`,
      );
    }
    return {
      id: this.id,
      title: this.title,
      rows: [],
      orderings: [],
      charts: [{
        name: 'bars',
        spec: groupedBars(long, { x: 'mode', y: 'n', color: 'counter', column: 'workload', title: 'x97: device faults, migrations and evictions per MMU mode', xTitle: 'MMU mode', yTitle: 'count', log: 'auto' }),
      }],
      data,
      findings,
      method:
        `x97Case(): gmem-paper (4 KiB units, FIFO, page tables wired) on x97-sim (26,214 × 4 KiB frames) in modes ${X97_MODES.join(', ')}, on the ` +
        `generated x97-vecadd (${JSON.stringify(params['x97-vecadd'])}) and x97-bp (${JSON.stringify(params['x97-bp'])}) traces (defaults: 3 × 40 MiB ` +
        'uint64 arrays, 1.17× the device; MLP 32-32-32, 4,096 samples, 3 steps). Counts only: x97 has no timing.',
    };
  },
};
