import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveBytesPerNs, transferNs } from '../../src/model/link';
import type { LinkProfile } from '../../src/profiles/types';
import { KiB, MiB } from '../../src/units';

const pcie3: LinkProfile = {
  id: 'test-pcie3', summary: '', peakBytesPerNs: 15.75, h2dBytesPerNs: 12.2, d2hBytesPerNs: 11.9, latencyNs: 1350,
  remoteLatencyNs: 1350, model: 'affine', atanA: 12, atanB: 0.07292, sources: {},
};

test('affine: fixed latency plus size over the direction rate', () => {
  assert.equal(transferNs(pcie3, 1 * MiB, 'h2d'), 1350 + MiB / 12.2);
  assert.equal(transferNs(pcie3, 1 * MiB, 'd2h'), 1350 + MiB / 11.9);
  assert.equal(transferNs(pcie3, 0, 'h2d'), 0);
});

test('atan: reproduces the UVMSmart speed table (4 KB 2.17, 64 KB 10.39, 2 MB 11.95 GB/s)', () => {
  const atan = { ...pcie3, model: 'atan' as const };
  assert.equal(effectiveBytesPerNs(atan, 4 * KiB, 'h2d').toFixed(2), '2.17');
  assert.equal(effectiveBytesPerNs(atan, 64 * KiB, 'h2d').toFixed(2), '10.39');
  assert.equal(effectiveBytesPerNs(atan, 2 * MiB, 'h2d').toFixed(2), '11.95');
});
