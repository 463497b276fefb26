import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsToBatches } from '../../src/trace/batch';
import { footprintOf } from '../../src/trace/footprint';
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
