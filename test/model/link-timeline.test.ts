import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkTimeline } from '../../src/model/link-timeline';
import { transferNs } from '../../src/model/link';
import type { LinkProfile } from '../../src/profiles/types';
import { MiB } from '../../src/units';

const link: LinkProfile = {
  id: 't', summary: '', peakBytesPerNs: 16, h2dBytesPerNs: 10, d2hBytesPerNs: 5, latencyNs: 1000, remoteLatencyNs: 1000,
  model: 'affine', atanA: 12, atanB: 0.07292, sources: {},
};

test('transfers in one direction queue behind each other; the other direction is independent', () => {
  const l = new LinkTimeline(link);
  const d = transferNs(link, MiB, 'h2d');
  assert.equal(l.book(0, MiB, 'h2d'), d);
  assert.equal(l.book(10, MiB, 'h2d'), 2 * d, 'second H2D starts when the first ends');
  assert.ok(Math.abs(l.book(5 * d, MiB, 'h2d') - 6 * d) < 1e-6, 'an idle link starts at once');
  assert.equal(l.book(0, MiB, 'd2h'), transferNs(link, MiB, 'd2h'), 'D2H does not wait for H2D');
  assert.ok(Math.abs(l.h2dBusyNs - 3 * d) < 1e-6);
});
