import { GiB, MiB } from '../../units';
import type { WorkloadParamInput } from '../../workloads/params';
import { ML_TRAIN_PARAMS, type FigureContext, type FigureScale, type FigureTrace } from '../context';

/** One workload input of the debate's capacity experiments, as the claims' tables and texts name it. */
export interface DebateInput {
  /** Name in the result tables and verdict texts. */
  readonly name: string;
  /** What it is, for the experiment text. */
  readonly describe: string;
  readonly trace: FigureTrace;
}

/**
 * Uniform random 4 KiB device accesses over one managed allocation: the irregular extreme (a graph traversal's
 * neighbour reads without their locality). 1 Mi accesses over 1 GiB touch ~98 % of its 262,144 pages, each ~4 times.
 */
export const IRREGULAR_PARAMS: Readonly<Record<FigureScale, WorkloadParamInput>> = {
  quick: { events: 20_000, footprintBytes: 64 * MiB, pattern: 'random' },
  default: { events: 1 << 20, footprintBytes: GiB, pattern: 'random' },
  full: { events: 1 << 22, footprintBytes: 4 * GiB, pattern: 'random' },
};

/**
 * The inputs of the debate's capacity experiments (core-mm-oversub, huge-pages-must): a training loop, a dense
 * streaming kernel and an irregular access stream. Outside `quick` (tests) each is paper-sized — at least 1 GiB, so a
 * device at 150 % of it holds over 256 units of 2 MiB (docs/workloads.md "Sizes"): at MiB sizes a device of a few 2 MiB
 * units makes a 2 MiB-unit manager thrash where a 4 KiB one does not, which is a property of the toy input, not of the
 * designs compared. The dense kernel is Rodinia pathfinder's committed paper-sized instance (1.04 GiB: each launch
 * streams a 20-row band of the wall once and ping-pongs two result rows); `quick` uses the generators' small defaults.
 */
export async function debateTraces(ctx: FigureContext): Promise<{ ml: DebateInput; dense: DebateInput; irregular: DebateInput }> {
  const ml = await ctx.workload('ml-train', ctx.pick(ML_TRAIN_PARAMS), 0);
  const dense = ctx.scale === 'quick' ? await ctx.workload('rodinia-pathfinder', {}, 0) : await ctx.defaultInstance('rodinia-pathfinder');
  const random = ctx.pick(IRREGULAR_PARAMS);
  const irregular = await ctx.workload('synthetic-access', random, 0);
  return {
    ml: { name: 'ml-train', describe: 'ml-train (transformer training loop)', trace: ml },
    dense: { name: 'rodinia-pathfinder', describe: 'rodinia-pathfinder (dense streaming dynamic programming)', trace: dense },
    irregular: { name: 'random-access', describe: `random-access (synthetic-access: ${Number(random.events).toLocaleString('en-US')} uniform random 4 KiB device accesses)`, trace: irregular },
  };
}

/** Sizes of the inputs, for the experiment texts: "ml-train 2.18 GiB, …". */
export function inputSizes(inputs: readonly DebateInput[]): string {
  return inputs.map((i) => `${i.name} ${(i.trace.pageFootprintBytes / GiB).toFixed(2)} GiB`).join(', ');
}
