/**
 * hmm-svm keeps state for every 2 MiB granule of a managed allocation from the moment it is made, and refuses an
 * allocation that would take the live managed memory past what it tracks (hmm-svm/ranges.ts MAX_TRACKED_UNITS): an
 * `alloc-error` event, one `systems.alloc-too-large` warning, accesses to it unmapped, its free silent — not minutes
 * and 15 GB of units on a 256 TiB size. uvm creates a VA block on first use, as the driver does, so a huge allocation
 * costs it only the blocks the trace touches; past `MAX_TRACKED_BLOCKS` touched windows at once (uvm/blocks.ts) a
 * touch is a `fault-error` (systems.too-many-blocks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRuns, type TraceScan } from '../../src/run/run';
import { simulate } from '../../src/sim/engine';
import { systemPreset } from '../../src/systems/index';
import { simulateUvm } from './uvm/uvm-spy';
import { MAX_TRACKED_UNITS } from '../../src/systems/hmm-svm/ranges';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { GiB, MiB } from '../../src/units';

const HUGE = 0x100000000000; // 16 TiB, 2 MiB-aligned
const SMALL = 0x7f0000000000;

function events(hugeBytes: number): TraceEvent[] {
  return [
    { tNs: 0, op: 'alloc', agent: 'cpu', va: HUGE, bytes: hugeBytes, flags: ['managed'] },
    { tNs: 1, op: 'alloc', agent: 'cpu', va: SMALL, bytes: 64 * MiB, flags: ['managed'] },
    { tNs: 2, op: 'access', agent: 'dev0', va: HUGE, bytes: 4096, access: 'r' },
    { tNs: 3, op: 'access', agent: 'dev0', va: SMALL, bytes: 4096, access: 'r' },
    { tNs: 4, op: 'free', agent: 'cpu', va: HUGE },
    { tNs: 5, op: 'free', agent: 'cpu', va: SMALL },
  ];
}

async function run(system: string, hugeBytes: number) {
  const ev = events(hugeBytes);
  const t = memoryTrace(`too-large-${system}`, eventsToBatches(ev));
  const scan: TraceScan = { name: t.name, digest: 'too-large', footprintBytes: 64 * MiB, events: ev.length, maxAgent: 1 };
  const [r] = planRuns({ system, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': 1 * GiB }, debug: true }, scan);
  return simulate(r!, systemPreset(r!.preset)!.def, t);
}

for (const [system, limitBytes] of [['hmm-svm', MAX_TRACKED_UNITS * 2 * MiB]] as const) {
  test(`${system}: a managed allocation past the ${limitBytes / 2 ** 40} TiB it tracks is refused as an alloc-error; the rest of the trace runs`, async () => {
    const r = await run(system, 2 ** 48); // 256 TiB
    assert.equal(r.summary.status, 'error');
    const errs = r.resultEvents.filter((e) => e.kind === 'alloc-error');
    assert.deepEqual(errs.map((e) => [e.va, e.reason]), [[HUGE, 'larger than the model tracks']]);
    assert.equal(r.summary.warnings['systems.alloc-too-large'], 1);
    assert.equal(r.summary.warnings['systems.bad-free'], undefined, 'its free is silent');
    assert.equal(r.summary.warnings['systems.unmapped-access'], 1, 'an access to it is unmapped');
    assert.equal(r.summary.deviceFaults, 1, 'the small allocation works');
  });
}

/** Run `ev` through a uvm item with 1 GiB of device memory, keeping its state (its block limit lowered to `maxSlots`). */
const runUvm = (system: string, ev: TraceEvent[], maxSlots?: number) =>
  simulateUvm(system, ev, {
    footprintBytes: 64 * MiB,
    set: { 'device.memory.capacityBytes': 1 * GiB },
    onModel: (m) => void (maxSlots !== undefined && (m.s.blocks.maxSlots = maxSlots)),
  });

for (const system of ['uvm', 'uvm:eviction=lru-4k']) {
  test(`${system}: a 64 TiB managed allocation works; only the VA blocks the trace touches exist`, async () => {
    let blocksWhileLive = -1;
    const ev = events(2 ** 46); // 16–80 TiB, below SMALL
    const { res, state } = await runUvm(system, ev);
    const s = res.summary;
    assert.equal(s.status, 'ok');
    assert.equal(s.errorEvents, 0);
    assert.deepEqual(s.warnings, {});
    assert.equal(s.deviceFaults, 2, 'one fault in each allocation');
    assert.equal(state.blocks.count, 0, 'both frees released their blocks');
    // while both are live: one block each (the allocations' first windows), not 2^27 + 32
    const { state: live } = await runUvm(system, ev.slice(0, 4));
    blocksWhileLive = live.blocks.count;
    assert.equal(blocksWhileLive, 2);
  });
}

test('uvm: a touch that needs one more VA block than the model tracks is a fault-error; blocks freed make room again', async () => {
  const ev: TraceEvent[] = [{ tNs: 0, op: 'alloc', agent: 'cpu', va: HUGE, bytes: 64 * MiB, flags: ['managed'] }];
  // windows 0, 1, 2 with a limit of 2 blocks: the third touch fails; after the free, window 2 works
  for (let k = 0; k < 3; k++) ev.push({ tNs: 1 + k, op: 'access', agent: 'dev0', va: HUGE + k * 2 * MiB, bytes: 4096, access: 'r' });
  ev.push({ tNs: 10, op: 'free', agent: 'cpu', va: HUGE });
  ev.push({ tNs: 11, op: 'alloc', agent: 'cpu', va: HUGE, bytes: 64 * MiB, flags: ['managed'] });
  ev.push({ tNs: 12, op: 'access', agent: 'cpu', va: HUGE + 2 * 2 * MiB, bytes: 4096, access: 'w' });
  const { res, state } = await runUvm('uvm', ev, 2);
  const s = res.summary;
  assert.equal(s.deviceFaults, 2);
  assert.deepEqual(res.resultEvents.map((e) => [e.kind, e.va, e.reason]), [['fault-error', HUGE + 4 * MiB, 'past the VA blocks the model tracks']]);
  assert.equal(s.warnings['systems.too-many-blocks'], 1);
  assert.equal(s.cpuFaults, 1, 'after the free the CPU write creates window 2');
  assert.equal(state.blocks.count, 1);
});
