/**
 * Models that keep state for every block of a managed allocation from the moment it is made (uvm: VA blocks,
 * hmm-svm: 2 MiB granules) refuse an allocation that would take the live managed memory past what they track
 * (uvm/va-range.ts MAX_TRACKED_BLOCKS, hmm-svm/ranges.ts MAX_TRACKED_UNITS): an `alloc-error` event, one
 * `systems.alloc-too-large` warning, accesses to it unmapped, its free silent — not a crash inside a typed array
 * (uvm) or minutes and 15 GB of units (hmm-svm) on a 256 TiB size. Allocations below the limit are untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRuns, type TraceScan } from '../../src/run/run';
import { simulate } from '../../src/sim/engine';
import { systemPreset } from '../../src/systems/index';
import { MAX_TRACKED_BLOCKS } from '../../src/systems/uvm/va-range';
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

for (const [system, limitBytes] of [
  ['uvm', MAX_TRACKED_BLOCKS * 2 * MiB],
  ['uvm:eviction=lru-4k', MAX_TRACKED_BLOCKS * 2 * MiB],
  ['hmm-svm', MAX_TRACKED_UNITS * 2 * MiB],
] as const) {
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

test('live allocations count toward the limit (uvm: VA blocks)', async () => {
  // the 64 MiB allocation first (32 blocks), then one of limit − 31 blocks: one block past the limit, refused
  const ev: TraceEvent[] = [
    { tNs: 0, op: 'alloc', agent: 'cpu', va: SMALL, bytes: 64 * MiB, flags: ['managed'] },
    { tNs: 1, op: 'alloc', agent: 'cpu', va: HUGE, bytes: (MAX_TRACKED_BLOCKS - 31) * 2 * MiB, flags: ['managed'] },
  ];
  const t = memoryTrace('too-large-count', eventsToBatches(ev));
  const scan: TraceScan = { name: t.name, digest: 'too-large-count', footprintBytes: 64 * MiB, events: ev.length, maxAgent: 1 };
  const [r] = planRuns({ system: 'uvm', profile: 'a100-pcie4', debug: true }, scan);
  const res = await simulate(r!, systemPreset(r!.preset)!.def, t);
  assert.equal(res.summary.warnings['systems.alloc-too-large'], 1);
  assert.deepEqual(res.resultEvents.map((e) => e.va), [HUGE]);
});
