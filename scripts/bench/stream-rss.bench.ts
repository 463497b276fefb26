/**
 * Streaming (issue 15): a 1e8-event page-mix trace (docs/bench-trace.md's stream, generated batch by batch
 * into one reused buffer, never held in memory) simulated through gmem-paper configured as a plain LRU — the
 * system with the most per-unit state (4 KiB units) — at 50 % of the first 2e7 events' distinct pages.
 * Reports events/s and the peak RSS of this benchmark's own process (goal ≤ 512 MiB). `--quick`: 1e6 events.
 */
import type { Benchmark, BenchRow } from '../../src/bench/types';
import { BENCH_TRACE_CHECK } from '../../src/bench/page-mix';
import { planRuns, type TraceScan } from '../../src/run/run';
import { simulate } from '../../src/sim/engine';
import { systemPreset } from '../../src/systems/index';
import { pageMix, pageMixTrace } from '../../src/workloads/page-mix/index';
import { resolveWorkloadParams } from '../../src/workloads/params';

const SYSTEM = 'gmem-paper:victim=lru:accessBitsRefresh=true:chargePageTables=false';

const bench: Benchmark = {
  name: 'stream-rss',
  summary: 'a 1e8-event page-mix trace streamed through gmem-paper (plain LRU, 4 KiB units): events/s and peak RSS (goal <= 512 MiB)',
  async run(ctx) {
    const events = ctx.quick ? 1_000_000 : 100_000_000;
    const p = resolveWorkloadParams(pageMix, { events });
    const frames = BENCH_TRACE_CHECK.framesAt[1];
    const scan: TraceScan = { name: 'page-mix', digest: 'bench', footprintBytes: p.vaPages * 4096, events: 0, maxAgent: 1 };
    const [run] = planRuns({ system: SYSTEM, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': frames * 4096 }, debug: false }, scan);
    ctx.log(`${events} events through ${SYSTEM}`);
    const c0 = process.cpuUsage();
    const r = await simulate(run!, systemPreset(run!.preset)!.def, pageMixTrace(p, 0, { reuseBatches: true }), {
      onProgress: (n) => {
        if (n % 10_000_000 < 65_536) ctx.log(`${(n / 1e6).toFixed(0)} M events, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
      },
    });
    const c = process.cpuUsage(c0);
    const cpuS = (c.user + c.system) / 1e6;
    const rows: BenchRow[] = [
      { group: 'stream-rss', metric: `${SYSTEM} (generation included)`, value: events / cpuS, unit: 'events/CPU-s', note: `${r.summary.events} events, ${r.summary.deviceFaults} device faults, ${frames} frames` },
      { group: 'stream-rss', metric: 'peak RSS', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB', goal: '<= 512', note: `${events.toExponential(0)} events streamed` },
    ];
    return rows;
  },
};

export default bench;
