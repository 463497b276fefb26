/**
 * hmm-svm's debug checks (src/systems/hmm-svm/ranges.ts checkRangeInvariants) run after every row; the check that a
 * unit's range is live and covers it was one interval query per live unit, so a recorded block trace replayed into
 * one 31.5 GiB managed allocation (16,128 units, 113,872 accesses; libCacheSim cloudPhysicsIO) spent 10× the run's
 * own time in them. Now the live ranges are listed once per check and each unit is checked in O(1); the check still
 * finds a unit whose range does not cover it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRuns, type TraceScan } from '../../../src/run/run';
import { simulate } from '../../../src/sim/engine';
import type { SystemDef, SystemModel } from '../../../src/sim/system';
import type { SvmState } from '../../../src/systems/hmm-svm/state';
import { systemPreset } from '../../../src/systems/index';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';
import { GiB, MiB } from '../../../src/units';
import { corruptBeforeFinish } from '../harness';

const BASE = 0x7f0000000000;

/** A managed allocation of `bytes` and `rows` one-page device reads spread over it. */
function trace(bytes: number, rows: number): TraceEvent[] {
  const ev: TraceEvent[] = [{ tNs: 0, op: 'alloc', agent: 'cpu', va: BASE, bytes, flags: ['managed'] }];
  const pages = bytes / 4096;
  for (let i = 1; i <= rows; i++) ev.push({ tNs: i * 10, op: 'access', agent: 'dev0', va: BASE + ((i * 7919) % pages) * 4096, bytes: 4096, access: 'r' });
  return ev;
}

/** Run hmm-svm in debug mode; counts the interval queries on the SVM ranges; `corrupt` runs before `finish`. */
async function run(events: TraceEvent[], corrupt?: (st: SvmState) => void): Promise<{ queries: number; st: SvmState }> {
  const t = memoryTrace('svm-cost', eventsToBatches([...events]));
  const scan: TraceScan = { name: t.name, digest: 'svm-cost', footprintBytes: 2 * GiB, events: events.length, maxAgent: 1 };
  const [r] = planRuns({ system: 'hmm-svm', profile: 'a100-pcie4', debug: true }, scan);
  const def = systemPreset(r!.preset)!.def;
  let st: SvmState | undefined;
  let queries = 0;
  const spy: SystemDef<any> = {
    ...def,
    create(params, env) {
      const m = def.create(params, env) as SystemModel & { st: SvmState };
      st = m.st;
      const overlapping = st.ranges.overlapping.bind(st.ranges);
      st.ranges.overlapping = (a: number, b: number) => {
        queries++;
        return overlapping(a, b);
      };
      return corruptBeforeFinish(m, m.st, corrupt);
    },
  };
  await simulate(r!, spy, t);
  return { queries, st: st! };
}

test('hmm-svm debug checks cost no interval query per unit and row', async () => {
  // 1 GiB: 512 units; 200 reads. Before: ≥ 512 queries per row checked (over 100,000); the model's own few per row
  const { queries, st } = await run(trace(GiB, 200));
  assert.equal(st.unitIds.used, 512);
  assert.ok(queries < 10 * 201, `${queries} interval queries for 201 rows`);
});

test('hmm-svm debug checks still find a unit whose range does not cover it', async () => {
  await assert.rejects(
    run(trace(16 * MiB, 20), (st) => {
      // the first live unit now names a range id no live range has (16 MiB is one SVM range on this device)
      for (let u = 0; u < st.uKey.length; u++) if (st.uKey[u] !== -1) {
        st.uRange[u] = st.uRange[u]! + 1;
        break;
      }
    }),
    /does not cover it/,
  );
});
