import { test } from 'node:test';
import assert from 'node:assert/strict';
import { falloffTable } from '../../src/analysis/falloff';

// Hand-made oversubscription curves (slowdown per ratio), deliberately out of order.
const curves = [
  { system: 'uvm', profile: 'a', oversub: 1.5, slowdown: 1.5 },
  { system: 'uvm', profile: 'a', oversub: 0.5, slowdown: 1 },
  { system: 'uvm', profile: 'a', oversub: 2, slowdown: 3 },
  { system: 'uvm', profile: 'a', oversub: 3, slowdown: 5 },
  { system: 'gmem-linux', profile: 'a', oversub: 0.5, slowdown: 1 },
  { system: 'gmem-linux', profile: 'a', oversub: 3, slowdown: 1.9 },
  { system: 'copy', profile: 'a', oversub: 0.5, slowdown: 2.5 },
  { system: 'copy', profile: 'a', oversub: 1, slowdown: null },
];

test('the first swept ratio above the threshold, the interpolated crossing, and the last point, per curve', () => {
  const uvm = falloffTable(curves).objects()[0] as Record<string, number>;
  // sorted: (0.5, 1), (1.5, 1.5), (2, 3), (3, 5): first above 2× at 2; the segment 1.5 → 2 rises from 1.5 to 3,
  // so it crosses 2× at 1.5 + 0.5 × (2 − 1.5) / (3 − 1.5) = 1.5 + 1/6
  const { crossingX, ...rest } = uvm;
  assert.deepEqual(rest, { system: 'uvm', profile: 'a', points: 4, firstX: 2, yAtFirst: 3, maxX: 3, yAtMaxX: 5, firstFailedX: null });
  assert.ok(Math.abs(crossingX! - (1.5 + 1 / 6)) < 1e-12, String(crossingX));
});

test('a curve that never exceeds the threshold has null firstX and crossing; one already above at its first point crosses there', () => {
  const rows = falloffTable(curves).objects() as Record<string, unknown>[];
  assert.deepEqual(rows[1], { system: 'gmem-linux', profile: 'a', points: 2, firstX: null, yAtFirst: null, crossingX: null, maxX: 3, yAtMaxX: 1.9, firstFailedX: null });
  assert.deepEqual(rows[2], { system: 'copy', profile: 'a', points: 1, firstX: 0.5, yAtFirst: 2.5, crossingX: 0.5, maxX: 0.5, yAtMaxX: 2.5, firstFailedX: null });
});

test('the threshold, columns and grouping are options; a repeated x in a group is an error asking for a facet', () => {
  const t = falloffTable(curves.filter((r) => r.system === 'uvm'), { threshold: 4, by: ['system'] }).objects()[0] as Record<string, unknown>;
  assert.equal(t.firstX, 3);
  assert.equal(t.crossingX, 2.5); // 3 at 2, 5 at 3: 4 is half way
  const custom = falloffTable([{ k: 'x', f: 1, y: 0 }, { k: 'x', f: 2, y: 10 }], { x: 'f', y: 'y', threshold: 5, by: ['k'] }).objects()[0] as Record<string, unknown>;
  assert.equal(custom.crossingX, 1.5);
  assert.throws(() => falloffTable(curves, { by: ['profile'] }), /two rows at oversub = 0\.5 in group profile=a/);
});

test('a curve whose runs hit OOM names the first failed ratio: "never above 2×" stops there', () => {
  const rows = [
    { system: 'gmem-linux', oversub: 0.5, slowdown: 1, status: 'ok' },
    { system: 'gmem-linux', oversub: 1, slowdown: 1.2, status: 'ok' },
    { system: 'gmem-linux', oversub: 2, slowdown: null, status: 'oom' },
    { system: 'gmem-linux', oversub: 1.5, slowdown: null, oomEvents: 7 },
  ];
  const f = falloffTable(rows).objects()[0] as Record<string, unknown>;
  assert.equal(f.firstX, null);
  assert.equal(f.maxX, 1);
  assert.equal(f.points, 2);
  assert.equal(f.firstFailedX, 1.5);
});
