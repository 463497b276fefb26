/**
 * A row touching more bytes than the platform's device and host memory together cannot be served by any system
 * (every touched page lives on a device or in host memory): the engine reports it as one `oom` result event with
 * one `systems.row-exceeds-memory` warning, the same for every system, and does not pass it to the model — whose
 * per-unit work on such a row never finished (a 2^48-byte prefetch or access: minutes to hours, found by hand
 * after `npm run fuzz` found the same size on other paths). A row of exactly that size is the model's as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRuns, type TraceScan } from '../../src/run/run';
import { maxRowBytes, simulate } from '../../src/sim/engine';
import { listSystemPresets, systemPreset } from '../../src/systems/index';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { GiB, MiB } from '../../src/units';

const VA = 0x100000000;
const DEVICE = 1 * GiB;
const HOST = 3 * GiB;

function events(op: 'access' | 'prefetch' | 'copy', bytes: number): TraceEvent[] {
  const row: TraceEvent =
    op === 'access'
      ? { tNs: 1, op, agent: 'dev0', va: VA, bytes, access: 'r' }
      : op === 'prefetch'
        ? { tNs: 1, op, agent: 'cpu', va: VA, bytes, target: 'dev0' }
        : { tNs: 1, op, agent: 'cpu', va: VA, bytes, target: 'dev0' };
  return [
    { tNs: 0, op: 'alloc', agent: 'cpu', va: VA, bytes: 8 * GiB, flags: ['peer_shared', 'managed'] },
    row,
    { tNs: 2, op: 'access', agent: 'dev0', va: VA, bytes: 4096, access: 'r' },
    { tNs: 3, op: 'free', agent: 'cpu', va: VA },
  ];
}

async function run(system: string, ev: TraceEvent[]) {
  const t = memoryTrace(`row-${system}`, eventsToBatches(ev));
  const scan: TraceScan = { name: t.name, digest: 'row-exceeds', footprintBytes: 64 * MiB, events: ev.length, maxAgent: 1 };
  const [r] = planRuns({ system, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': DEVICE, 'host.dramBytes': HOST }, debug: true }, scan);
  assert.equal(maxRowBytes(r!.platform), DEVICE + HOST, 'one device plus the host');
  return simulate(r!, systemPreset(r!.preset)!.def, t);
}

for (const preset of listSystemPresets()) {
  test(`${preset.name}: an access, prefetch or copy row larger than device + host memory is one oom, never replayed`, async () => {
    for (const op of ['access', 'prefetch', 'copy'] as const) {
      const ev = events(op, DEVICE + HOST + 4096);
      const r = await run(preset.name, ev);
      const without = await run(preset.name, ev.filter((e) => e.tNs !== 1));
      assert.equal(r.summary.status, 'oom', `${op}: status`);
      assert.equal(r.summary.warnings['systems.row-exceeds-memory'], 1, `${op}: one warning`);
      const ours = r.resultEvents.filter((e) => e.kind === 'oom' && /platform's device and host memory/.test(e.reason));
      assert.deepEqual(ours.map((e) => [e.va, e.agent]), [[VA, 1]], `${op}: one oom event, for dev0's memory`);
      // the model never saw the row: everything it counts is what it counts with the row removed
      for (const k of ['deviceFaults', 'cpuFaults', 'evictions', 'bytesH2D', 'bytesD2H', 'errorEvents'] as const) {
        assert.equal(r.summary[k], without.summary[k], `${op}: ${k}`);
      }
      assert.equal(r.summary.oomEvents, without.summary.oomEvents + 1, `${op}: oomEvents`);
    }
  });
}

test('a row of exactly device + host memory is passed to the model (no engine oom)', async () => {
  const r = await run('gmem-linux', events('access', DEVICE + HOST));
  assert.equal(r.summary.warnings['systems.row-exceeds-memory'], undefined);
  assert.ok(r.summary.deviceFaults > 0);
});
