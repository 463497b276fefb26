import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsToBatches } from '../../src/trace/batch';
import { FootprintTracker, footprintOf } from '../../src/trace/footprint';
import { MiB } from '../../src/units';

test('footprint is the peak of live device-accessible bytes, each allocation rounded up to 2 MiB', () => {
  const f = footprintOf(
    eventsToBatches([
      { op: 'alloc', tNs: 0, va: 0, bytes: 3 * MiB, flags: ['managed'] }, // 4 MiB
      { op: 'alloc', tNs: 1, va: 16 * MiB, bytes: 1, flags: ['device'] }, // 2 MiB → live 6
      { op: 'alloc', tNs: 2, va: 32 * MiB, bytes: 100 * MiB, flags: ['host'] }, // not device-accessible
      { op: 'free', tNs: 3, va: 0 }, // live 2
      { op: 'alloc', tNs: 4, va: 64 * MiB, bytes: 2 * MiB, flags: ['peer_shared'] }, // live 4
      { op: 'free', tNs: 5, va: 999 }, // unknown: ignored
    ]),
  );
  assert.equal(f, 6 * MiB);
});

test('row() applies one row and reports whether live bytes changed; update() gives the same footprint', () => {
  const [b] = eventsToBatches([
    { op: 'alloc', tNs: 0, va: 0, bytes: 3 * MiB, flags: ['managed'] }, // +4 MiB
    { op: 'access', tNs: 1, agent: 'dev0', va: 0, bytes: 4096, access: 'r' }, // nothing
    { op: 'alloc', tNs: 2, va: 32 * MiB, bytes: MiB, flags: ['host'] }, // not device-accessible
    { op: 'free', tNs: 3, va: 32 * MiB }, // free of something not counted
    { op: 'free', tNs: 4, va: 0 }, // −4 MiB
  ]);
  const t = new FootprintTracker();
  const changed = [0, 1, 2, 3, 4].map((i) => [t.row(b!, i), t.liveBytes / MiB]);
  assert.deepEqual(changed, [[true, 4], [false, 4], [false, 4], [false, 4], [true, 0]]);
  assert.equal(t.peakBytes, 4 * MiB);
  const u = new FootprintTracker();
  u.update(b!);
  assert.deepEqual([u.liveBytes, u.peakBytes], [0, 4 * MiB]);
});
