import type { Benchmark, BenchRow } from '../../src/bench/types';
import { debateVerdicts } from '../../src/figures/debate/index';
import { computeFigures } from '../../src/figures/index';

/**
 * Cost of the two figure notebooks' computations (notebooks/paper-figures.ipynb, notebooks/the-debate.ipynb,
 * `gmemlab figures`): CPU seconds of computeFigures() and debateVerdicts() at default scale (quick scale with
 * `--quick`), against the 30 s CPU budget a notebook has in `npm test`. CPU time, not wall time: the machine
 * is shared. Per-run CPU cost is reported so a slower model shows up even when the run count changes.
 */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const bench: Benchmark = {
  name: 'figures',
  summary: 'CPU cost of computeFigures() and debateVerdicts() (the figure notebooks), vs the 30 s per-notebook budget',
  async run(ctx) {
    const scale = ctx.quick ? 'quick' : 'default';
    const rows: BenchRow[] = [];
    const group = `figures (${scale} scale)`;
    let c0 = cpuSeconds();
    const figs = await computeFigures({ scale });
    const figCpu = cpuSeconds() - c0;
    ctx.log(`computeFigures: ${figs.runs} runs, ${figCpu.toFixed(1)} s CPU`);
    c0 = cpuSeconds();
    const debate = await debateVerdicts({ scale });
    const debCpu = cpuSeconds() - c0;
    ctx.log(`debateVerdicts: ${debate.runs} runs, ${debCpu.toFixed(1)} s CPU`);
    const budget = 30;
    rows.push(
      { group, metric: 'notebook CPU budget', value: budget, unit: 's', note: 'baseline: < 30 s CPU per notebook (docs/figures.md "Cost")' },
      { group, metric: 'computeFigures CPU', value: figCpu, unit: 's', baseline: 'notebook CPU budget', baselineValue: budget, goal: '< 0.5 of the budget', note: `lower is better; ${figs.runs} runs` },
      { group, metric: 'debateVerdicts CPU', value: debCpu, unit: 's', baseline: 'notebook CPU budget', baselineValue: budget, goal: '< 0.5 of the budget', note: `lower is better; ${debate.runs} runs` },
      { group, metric: 'CPU per figure run', value: (figCpu * 1000) / Math.max(1, figs.runs), unit: 'ms' },
      { group, metric: 'CPU per debate run', value: (debCpu * 1000) / Math.max(1, debate.runs), unit: 'ms' },
    );
    return rows;
  },
};
export default bench;
