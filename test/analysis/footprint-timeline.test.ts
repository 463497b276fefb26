import { test } from 'node:test';
import assert from 'node:assert/strict';
import { footprintTimeline } from '../../src/analysis/footprint-timeline';
import { eventsToBatches, type EventBatch } from '../../src/trace/batch';
import { StringTable } from '../../src/trace/strings';
import { memoryTrace } from '../../src/trace/trace';
import { footprintOf } from '../../src/trace/footprint';
import { MiB } from '../../src/units';
import type { TraceEvent } from '../../src/trace/event';

const events: TraceEvent[] = [
  { op: 'marker', tNs: 5, label: 'start' },
  { op: 'alloc', tNs: 10, va: 0, bytes: 3 * MiB, flags: ['managed'] }, // 4 MiB
  { op: 'access', tNs: 15, agent: 'dev0', va: 0, bytes: 4096, access: 'r' },
  { op: 'alloc', tNs: 20, va: 64 * MiB, bytes: MiB, flags: ['device'] }, // 6 MiB
  { op: 'alloc', tNs: 25, va: 128 * MiB, bytes: MiB, flags: ['host'] }, // not counted
  { op: 'free', tNs: 30, va: 0 }, // 2 MiB
  { op: 'free', tNs: 40, va: 64 * MiB }, // 0
  { op: 'marker', tNs: 50, label: 'end' },
];

test('live bytes start at 0 at the first event, change at every alloc/free of device-accessible memory, end at the last event', async () => {
  const tl = await footprintTimeline(memoryTrace('t', eventsToBatches(events)));
  assert.deepEqual(tl.points.map((p) => [p.tNs, p.liveBytes / MiB]), [[5, 0], [10, 4], [20, 6], [30, 2], [40, 0], [50, 0]]);
  assert.deepEqual([tl.peakBytes, tl.firstNs, tl.lastNs, tl.events, tl.changes, tl.reduced], [6 * MiB, 5, 50, 8, 4, false]);
});

test('a reduced timeline keeps the peak exactly as bucket maxima, and matches footprintOf on a long trace across batches', async () => {
  // 1,000 allocations of 2 MiB, each freed before the next except every 100th, which stays: a saw-tooth growth
  const ev: TraceEvent[] = [];
  for (let k = 0; k < 1000; k++) {
    const va = k * 4 * MiB;
    ev.push({ op: 'alloc', tNs: 2 * k, va, bytes: 2 * MiB, flags: ['managed'] });
    if (k % 100 !== 99) ev.push({ op: 'free', tNs: 2 * k + 1, va });
  }
  const batches: EventBatch[] = eventsToBatches(ev, new StringTable(), 97);
  const tl = await footprintTimeline(batches, { maxPoints: 50 });
  assert.equal(tl.reduced, true);
  assert.ok(tl.points.length <= 50, `${tl.points.length} points`);
  assert.equal(tl.changes, 1990);
  assert.equal(tl.peakBytes, footprintOf(batches));
  assert.equal(Math.max(...tl.points.map((p) => p.liveBytes)), tl.peakBytes, 'the peak survives the reduction');
  assert.equal(tl.points.at(-1)!.liveBytes, 10 * 2 * MiB, 'ten allocations stay live at the end');
  for (let i = 1; i < tl.points.length; i++) assert.ok(tl.points[i]!.tNs >= tl.points[i - 1]!.tNs, 'time-ordered');
});

test('an empty trace gives no points', async () => {
  const tl = await footprintTimeline([]);
  assert.deepEqual([tl.points.length, tl.peakBytes, tl.events], [0, 0, 0]);
});
