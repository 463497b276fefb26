import { responseCurveChart } from '../../analysis/charts/response-curve';
import type { Cell } from '../../analysis/table-input';
import type { RunSpec } from '../../run/run-spec';
import type { RunSummary } from '../../sim/run-types';
import { capacityForLevel, type FigureContext, type FigureTrace } from '../context';
import { debateTraces, inputSizes, type DebateInput } from './inputs';
import { DEBATE_PROFILE, debateRow, type ClaimDef } from './types';

/** The managers compared: GMEM's core-MM policy and two driver-managed ones. */
const SYSTEMS = ['gmem-linux', 'uvm', 'hmm-svm'] as const;

interface Case {
  readonly workload: string;
  readonly level: number;
  readonly spec: (system: string) => RunSpec;
}

async function cases(ctx: FigureContext): Promise<{ inputs: DebateInput[]; cases: Array<{ trace: FigureTrace; c: Case }> }> {
  const out: Array<{ trace: FigureTrace; c: Case }> = [];
  const { ml, dense, irregular } = await debateTraces(ctx);
  for (const level of [1.5, 2, 3]) out.push({ trace: ml.trace, c: { workload: ml.name, level, spec: (system) => ({ system, profile: DEBATE_PROFILE, oversub: level }) } });
  for (const t of [dense, irregular]) {
    for (const level of [1.25, 1.5]) {
      const cap = capacityForLevel(t.trace.pageFootprintBytes, level);
      out.push({ trace: t.trace, c: { workload: t.name, level, spec: (system) => ({ system, profile: DEBATE_PROFILE, set: { 'device.memory.capacityBytes': cap } }) } });
    }
  }
  return { inputs: [ml, dense, irregular], cases: out };
}

/**
 * Zhu: device memory oversubscription belongs in core MM (GMEM) rather than in each driver. Tested as: does
 * GMEM's core-MM policy (gmem-linux: 2 MiB units, victims in the device driver's order, host DRAM as backing) serve oversubscribed
 * workloads at least as well as the driver-managed ones (NVIDIA UVM, HMM/KFD SVM) on the same traces?
 */
export const coreMmOversub: ClaimDef = {
  id: 'core-mm-oversub',
  title: 'Oversubscription in core MM',
  async compute(ctx, claim) {
    const data: Record<string, Cell>[] = [];
    const hashes: string[] = [];
    const wins: string[] = [];
    const losses: string[] = [];
    const curve: Record<string, Cell>[] = [];
    const plan = await cases(ctx);
    for (const { trace, c } of plan.cases) {
      const res = new Map<string, RunSummary>();
      for (const sys of SYSTEMS) {
        const s = (await ctx.run(trace, c.spec(sys))).summary;
        res.set(sys, s);
        hashes.push(s.specHash);
        data.push({
          workload: c.workload, level: c.level, system: sys, simTimeNs: s.simTimeNs, capacityBytes: s.capacityBytes, deviceFaults: s.deviceFaults,
          evictions: s.evictions, bytesH2D: s.bytesH2D, bytesD2H: s.bytesD2H, oomEvents: s.oomEvents, specHash: s.specHash,
        });
      }
      const gm = res.get('gmem-linux')!;
      const best = Math.min(res.get('uvm')!.simTimeNs, res.get('hmm-svm')!.simTimeNs);
      const lead = best / gm.simTimeNs;
      curve.push({ workload: c.workload, level: c.level, lead });
      const label = `${c.workload} at ${Math.round(c.level * 100)} % (${gm.oomEvents > 0 ? `GMEM out of memory: ${gm.oomEvents} oom events` : `${lead.toFixed(2)}×`})`;
      if (gm.oomEvents > 0 || lead < 0.95) losses.push(label);
      else if (lead > 1.05) wins.push(label);
    }
    const verdict = losses.length === 0 && wins.length > 0 ? 'supported' : wins.length === 0 ? 'contradicted' : 'depends';
    return {
      row: debateRow(claim, {
        experiment:
          `gmem-linux vs uvm and hmm-svm (defaults) on ${plan.inputs[0]!.describe} at 1.5/2/3× oversubscription and on ` +
          `${plan.inputs.slice(1).map((i) => i.describe).join(' and ')} at 125/150 % of their data footprint (${inputSizes(plan.inputs)}), ` +
          `${DEBATE_PROFILE}; lead = the faster driver-managed time / GMEM's time.`,
        assumptions:
          `${DEBATE_PROFILE} profile (fault service and other costs partly placeholders, P); uvm follows the NVIDIA driver's batch servicing ` +
          '(docs/systems.md); gmem-linux evicts in the same driver order (victim=driver: GMEM\'s core selects no victims) and migrates 2 MiB units, ' +
          'so at capacities of a few 2 MiB units it can run out of device memory where 4 KiB-granular systems do not (every device here holds ' +
          'hundreds of them outside the quick test scale); generated traces.',
        result: `GMEM faster by > 5 % in ${wins.length} of ${data.length / SYSTEMS.length} cases` +
          (wins.length ? `: ${wins.join('; ')}` : '') + (losses.length ? `. Slower or failing: ${losses.join('; ')}` : '') + '.',
        verdict,
        dependsOn: verdict === 'depends' ? `the workload's access pattern under pressure: GMEM loses on ${losses.join(', ')}` : '',
        specHashes: hashes,
      }),
      data,
      charts: [{
        name: 'lead',
        spec: responseCurveChart(curve, {
          x: 'level', y: 'lead', color: 'workload', xPercent: true, yRule: 1, logY: 'auto',
          title: 'Core-MM oversubscription: best driver-managed time / gmem-linux time', xTitle: 'footprint / device memory (%)', yTitle: 'GMEM lead (×)', width: 360, height: 220,
        }),
      }],
    };
  },
};
