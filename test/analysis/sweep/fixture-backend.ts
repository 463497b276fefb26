/**
 * A deterministic stand-in simulator for the sweep MECHANICS tests (scheduling, ordering, resume, abort):
 * each task burns a fixed amount of CPU (`spinMs`) and returns a summary derived only from its point.
 * Real-simulation sweep tests live in sweep-sim.test.ts.
 */
import { join } from 'node:path';
import { hashOf } from '../../../src/io/hash';
import type { RunResult } from '../../../src/sim/run-types';
import type { PreparedRun, SweepBackend } from '../../../src/analysis/sweep/backend';
import type { SweepPoint } from '../../../src/analysis/sweep/expand';
import type { TaskContext } from '../../../src/analysis/sweep/pool';
import { result } from '../fixtures';

export interface FixtureTask {
  readonly point: Omit<SweepPoint, 'source'>;
  readonly spinMs: number;
  /** Throw an internal error when the system item equals this. */
  readonly failOn?: string;
}

export function fixtureBackend(spinMs = 0, failOn?: string): SweepBackend {
  return {
    module: join(__dirname, 'fixture-backend.ts'),
    runTask,
    async prepare(points): Promise<PreparedRun[]> {
      return points.map((p) => {
        const { source: _s, index: _i, ...rest } = p;
        return { index: p.index, specHash: hashOf(rest), task: { point: { ...rest, index: p.index }, spinMs, failOn } satisfies FixtureTask };
      });
    },
  };
}

export async function runTask(task: FixtureTask, ctx: TaskContext): Promise<RunResult> {
  const p = task.point;
  if (task.failOn === p.system) throw new Error(`fixture failure on ${p.system}`);
  const end = Date.now() + task.spinMs;
  let n = 0;
  while (Date.now() < end) {
    for (let k = 0; k < 1e5; k++) n = (n * 31 + k) >>> 0;
    ctx.onProgress(n & 0xffff);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await new Promise((r) => setImmediate(r));
  }
  const { source: _s, index: _i, ...rest } = p as SweepPoint;
  const h = parseInt(hashOf(rest).slice(0, 8), 16);
  const r = result({
    system: p.system,
    profile: p.profile ?? 'a100-pcie4',
    oversub: p.oversub,
    seed: p.seed,
    params: { ...p.set },
    trace: p.trace,
    times: { compute: 1e6, fault: (h % 1000) * 1e3, transfer: (p.oversub ?? 1) * 1e6 },
    counters: { deviceFaults: h % 997 },
  });
  return { ...r, summary: { ...r.summary, specHash: hashOf(rest) } };
}
