import { BENCH_TRACE_CHECK } from './page-mix';
import type { BenchContext, BenchRow } from './types';
import { planRuns, type TraceScan } from '../run/run';
import { simulate } from '../sim/engine';
import { systemPreset } from '../systems/index';
import { pageMix, pageMixTrace } from '../workloads/page-mix/index';
import { resolveWorkloadParams } from '../workloads/params';

/**
 * Streaming (issue 15): a page-mix trace of 1e8 events (docs/bench-trace.md's stream, generated batch by batch into
 * one reused buffer, never held in memory; `--quick`: 1e6) simulated through `system` at 50 % of the first 2e7
 * events' distinct pages. Rows: events per CPU-second (generation included) and the peak RSS of the benchmark's own
 * process (one benchmark per process, src/bench/child.ts; goal ≤ 512 MiB). `group` names the rows.
 */
export async function streamRows(system: string, group: string, ctx: BenchContext): Promise<BenchRow[]> {
  const events = ctx.quick ? 1_000_000 : 100_000_000;
  const p = resolveWorkloadParams(pageMix, { events });
  const frames = BENCH_TRACE_CHECK.framesAt[1];
  const scan: TraceScan = { name: 'page-mix', digest: 'bench', footprintBytes: p.vaPages * 4096, events: 0, maxAgent: 1 };
  const [run] = planRuns({ system, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': frames * 4096 }, debug: false }, scan);
  ctx.log(`${events} events through ${system}`);
  const c0 = process.cpuUsage();
  const r = await simulate(run!, systemPreset(run!.preset)!.def, pageMixTrace(p, 0, { reuseBatches: true }), {
    onProgress: (n) => {
      if (n % 10_000_000 < 65_536) ctx.log(`${(n / 1e6).toFixed(0)} M events, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
    },
  });
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  return [
    { group, metric: `${system} (generation included)`, value: events / cpuS, unit: 'events/CPU-s', note: `${r.summary.events} events, ${r.summary.deviceFaults} device faults, ${frames} frames` },
    { group, metric: 'peak RSS', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB', goal: '<= 512', note: `${events.toExponential(0)} events streamed through ${system}` },
  ];
}
