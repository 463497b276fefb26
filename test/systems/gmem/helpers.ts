import { unitCosts, type UnitCosts } from '../../../src/model/cost';
import { compare } from '../../../src/run/run';
import type { RunSpec } from '../../../src/run/run-spec';
import type { RunResult } from '../../../src/sim/run-types';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';
import { MiB } from '../../../src/units';

/** Base address of test allocations (2 MiB aligned). */
export const BASE = 256 * MiB;

/** Simulate hand-written events (debug invariants on) and return the single result plus its cost table. */
export async function sim(events: TraceEvent[], spec: RunSpec): Promise<RunResult & { c: UnitCosts }> {
  const [r] = await compare(memoryTrace('hand', eventsToBatches(events)), { debug: true, ...spec });
  const res = r!;
  return Object.assign(res, { c: unitCosts(res.run.platform, res.run.params.unitBytes as number) });
}

/** Σ of the time breakdown. */
export function breakdownSum(r: RunResult): number {
  const s = r.summary;
  return s.timeComputeNs + s.timeFaultNs + s.timeTransferNs + s.timeEvictNs + s.timeInvalidateNs + s.timeMapNs + s.timeRemoteNs + s.timeOtherNs;
}

/** `gmem-linux` on a100-pcie4 with a device of `units` 2 MiB frames. */
export function linux(units: number, extra: Record<string, string | number | boolean> = {}): RunSpec {
  return { system: 'gmem-linux', profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': units * 2 * MiB, ...extra } };
}
