/**
 * gmem's debug checks (src/systems/gmem/invariants.ts): a full check after every row while it visits at most
 * INVARIANT_VISITS_PER_ROW slots of the logical table; on a large table (4 KiB units over gigabytes: recorded
 * PyTorch snapshots and Nsight exports through gmem-paper), once the rows since the last check have earned its
 * cost; and always after `finish` (the engine's last call), so a run never ends unchecked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRuns, type TraceScan } from '../../../src/run/run';
import { simulate } from '../../../src/sim/engine';
import type { SystemDef, SystemModel } from '../../../src/sim/system';
import { INVARIANT_VISITS_PER_ROW } from '../../../src/sim/invariant-budget';
import type { GmemState } from '../../../src/systems/gmem/state';
import { systemPreset } from '../../../src/systems/index';
import { eventsToBatches } from '../../../src/trace/batch';
import type { TraceEvent } from '../../../src/trace/event';
import { memoryTrace } from '../../../src/trace/trace';
import { GiB, MiB } from '../../../src/units';
import { corruptBeforeFinish } from '../harness';

const BASE = 0x7f0000000000;
const DEV_BUF = 0x7e0000000000;

/**
 * A managed allocation of 16 MiB and `rows` one-page device reads spread over it; with `deviceBytes`, a `device`
 * allocation of that size first (resident from its alloc: one logical-table slot per 4 KiB unit under gmem-paper).
 */
function trace(rows: number, deviceBytes = 0): TraceEvent[] {
  const ev: TraceEvent[] = [];
  if (deviceBytes > 0) ev.push({ tNs: 0, op: 'alloc', agent: 'dev0', va: DEV_BUF, bytes: deviceBytes, flags: ['device'] });
  ev.push({ tNs: 1, op: 'alloc', agent: 'cpu', va: BASE, bytes: 16 * MiB, flags: ['managed'] });
  const pages = (16 * MiB) / 4096;
  for (let i = 1; i <= rows; i++) ev.push({ tNs: 10 * i, op: 'access', agent: 'dev0', va: BASE + ((i * 31) % pages) * 4096, bytes: 4096, access: 'r' });
  return ev;
}

/** Run gmem-paper on a100-pcie4 in debug mode; `corrupt` may damage the state just before `finish`. */
async function run(events: TraceEvent[], corrupt?: (g: GmemState) => void): Promise<GmemState> {
  const t = memoryTrace('gmem-budget', eventsToBatches([...events]));
  const scan: TraceScan = { name: t.name, digest: 'gmem-budget', footprintBytes: 2 * GiB, events: events.length, maxAgent: 1 };
  const [r] = planRuns({ system: 'gmem-paper', profile: 'a100-pcie4', debug: true }, scan);
  const def = systemPreset(r!.preset)!.def;
  let state: GmemState | undefined;
  const spy: SystemDef<any> = {
    ...def,
    create(params, env) {
      const m = def.create(params, env) as SystemModel & { g: GmemState };
      state = m.g;
      return corruptBeforeFinish(m, m.g, corrupt);
    },
  };
  await simulate(r!, spy, t);
  return state!;
}

test('a small logical table is checked after every row and at the end', async () => {
  const g = await run(trace(300));
  assert.ok(g.t.highWater + 1 <= INVARIANT_VISITS_PER_ROW, '300 slots at most');
  assert.equal(g.invariants.fullChecks, 302, 'alloc row + 300 access rows + the check after finish');
});

test('a large logical table is checked once the rows have earned it, and always after finish', async () => {
  // a 1 GiB device buffer at 4 KiB units: 262,144 slots (+ the reads' units and one device): a full check costs
  // about 4 rows' budget, so after the device alloc (checked: nothing earned yet is 1 row < 4, so not checked) the
  // 301 rows after it are checked every 5th row or so — far fewer than one per row
  const g = await run(trace(300, GiB));
  assert.ok(g.t.highWater >= GiB / 4096);
  const cost = g.t.highWater + 1;
  const perCheck = Math.ceil(cost / INVARIANT_VISITS_PER_ROW);
  assert.ok(perCheck >= 4 && perCheck <= 5);
  assert.ok(g.invariants.fullChecks < 302 / 3, `${g.invariants.fullChecks} full checks for 302 rows`);
  assert.ok(g.invariants.fullChecks >= Math.floor(302 / perCheck) - 2, `${g.invariants.fullChecks} full checks for 302 rows`);
  // the check after finish is full even when the rows have not earned it: damage found there
  await assert.rejects(
    run(trace(300, GiB), (st) => {
      st.resident[0]! += 1;
    }),
    /resident/,
  );
});
