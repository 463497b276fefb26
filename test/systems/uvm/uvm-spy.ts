/**
 * Test helper: simulate a trace through a uvm system item in debug mode and keep the model's state, for tests that
 * read it (block counts, debug checks) or change it (a lower block limit, damage before `finish`).
 */
import { planRuns, type TraceScan } from '../../../src/run/run';
import { simulate } from '../../../src/sim/engine';
import type { RunResult } from '../../../src/sim/run-types';
import type { SystemDef, SystemModel } from '../../../src/sim/system';
import { systemPreset } from '../../../src/systems/index';
import type { UvmState } from '../../../src/systems/uvm/state';
import type { FieldValue } from '../../../src/profiles/resolve';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';

export type UvmModelUnderTest = SystemModel & { s: UvmState };

/**
 * Run `events` through `system` (a uvm item) on a100-pcie4 with `set`, in debug mode (every row checked);
 * `onModel` sees the model as it is created. `footprintBytes` is the scan's footprint (it sets the `--oversub`-free
 * capacity only through `set`).
 */
export async function simulateUvm(
  system: string,
  events: readonly TraceEvent[],
  opts: { footprintBytes: number; set?: Record<string, FieldValue>; onModel?: (m: UvmModelUnderTest) => void },
): Promise<{ res: RunResult; state: UvmState }> {
  const t = memoryTrace(`uvm-spy-${system}`, eventsToBatches([...events]));
  const scan: TraceScan = { name: t.name, digest: 'uvm-spy', footprintBytes: opts.footprintBytes, events: events.length, maxAgent: 1 };
  const [r] = planRuns({ system, profile: 'a100-pcie4', ...(opts.set ? { set: opts.set } : {}), debug: true }, scan);
  const def = systemPreset(r!.preset)!.def;
  let state: UvmState | undefined;
  const spy: SystemDef<any> = {
    ...def,
    create(params, env) {
      const m = def.create(params, env) as UvmModelUnderTest;
      state = m.s;
      opts.onModel?.(m);
      return m;
    },
  };
  const res = await simulate(r!, spy, t);
  return { res, state: state! };
}
