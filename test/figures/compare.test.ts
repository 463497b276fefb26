import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparedRow, meets, orderingCheck, standardFindings, toleranceText } from '../../src/figures/compare';

const base = { figure: 'f', group: 'g', metric: 'm', unit: '×', specHash: 'h', kind: 'sim', source: 's' } as const;

test('within: |reproduced/published − 1| ≤ tolerance, inclusive at the edge, never for published 0', () => {
  assert.equal(meets('within', 4, 5, 0.25), true); // ratio 1.25
  assert.equal(meets('within', 4, 3, 0.25), true); // ratio 0.75
  assert.equal(meets('within', 4, 5.01, 0.25), false);
  assert.equal(meets('within', 4, 2.99, 0.25), false);
  assert.equal(meets('within', 0, 0, 0.25), false);
  assert.equal(meets('within', 4, Number.NaN, 0.25), false);
});

test('factor: max(ratio, 1/ratio) ≤ 1 + tolerance, symmetric in over- and underestimation', () => {
  assert.equal(meets('factor', 4.45, 8.9, 1), true); // exactly ×2
  assert.equal(meets('factor', 4.45, 2.225, 1), true); // exactly ÷2
  assert.equal(meets('factor', 4.45, 2.2, 1), false);
  assert.equal(meets('factor', 4.45, 9, 1), false);
  assert.equal(meets('factor', 4.45, 0, 1), false);
});

test('direction: same side of 1 as the published value, with an effect larger than the tolerance', () => {
  assert.equal(meets('direction', 1.6, 12.7, 0.05), true);
  assert.equal(meets('direction', 1.6, 1.04, 0.05), false); // too small to count as an effect
  assert.equal(meets('direction', 1.6, 0.7, 0.05), false); // wrong side
  assert.equal(meets('direction', 0.68, 0.5, 0.05), true); // "32 % less CPU" reproduced as 50 % less
});

test('comparedRow computes ratio = reproduced / published (4 significant digits) and pass from the criterion', () => {
  const r = comparedRow({ ...base, series: 'a', published: 43.35, reproduced: 25.001, tolerance: 0.25 });
  assert.equal(r.ratio, 0.5767); // 25.001 / 43.35 = 0.576724…
  assert.equal(r.criterion, 'within');
  assert.equal(r.pass, false);
  assert.equal(r.baselineSpecHash, '');
  const z = comparedRow({ ...base, series: 'b', published: 0, reproduced: 1, tolerance: 0.25 });
  assert.equal(z.ratio, null);
  assert.equal(z.pass, false);
  const f = comparedRow({ ...base, series: 'c', published: 4.45, reproduced: 1.11119, tolerance: 1, criterion: 'factor', baselineSpecHash: 'b' });
  assert.equal(f.ratio, 0.2497);
  assert.equal(f.pass, false);
  assert.equal(f.baselineSpecHash, 'b');
});

test('atLeast: a stated lower bound (">1.6×") is met only at or above it, however far the direction is right', () => {
  assert.equal(meets('atLeast', 1.6, 1.6, 0), true);
  assert.equal(meets('atLeast', 1.6, 12.7, 0), true);
  assert.equal(meets('atLeast', 1.6, 1.06, 0), false); // a 1.06× lead passed the old direction-only check at 5 %
  assert.equal(meets('direction', 1.6, 1.06, 0.05), true);
  assert.equal(meets('atLeast', 1.6, 1.45, 0.1), true); // 1.6 × 0.9 = 1.44
  assert.equal(toleranceText('atLeast', 0), '≥ published');
});

test('calibration rows are named with the value they fixed, reported in the findings and not counted', () => {
  const rows = [
    comparedRow({ ...base, series: 'a', published: 2, reproduced: 2.1, tolerance: 0.25, calibration: 'link.latencyNs (fit)' }),
    comparedRow({ ...base, series: 'b', published: 2, reproduced: 9, tolerance: 0.25 }),
    comparedRow({ ...base, series: 'c', published: 2, reproduced: 2, tolerance: 0.25 }),
  ];
  assert.deepEqual(rows.map((r) => r.calibration), ['link.latencyNs (fit)', '', '']);
  const f = standardFindings(rows, []);
  assert.equal(f[0], '1 of 2 compared numbers meet their tolerance (plus 1 calibration rows, 1 within: not counted).');
  assert.equal(f[1], 'Calibration: g a fixed link.latencyNs (fit); reported, not scored.');
  assert.match(f[2]!, /^MISS, reproduced too high: g b /);
});

test('toleranceText states the band in the words of the tables', () => {
  assert.equal(toleranceText('within', 0.25), '±25 %');
  assert.equal(toleranceText('factor', 1), '×/÷ 2');
  assert.equal(toleranceText('direction', 0.05), 'direction (effect > 5 %)');
});

test('orderingCheck: every non-tied published pair must keep its order; published ties are not ranked', () => {
  const pub = new Map([['on-demand', 43], ['random-4K', 20], ['SL-64K', 3], ['TBN', 1]]);
  const same = orderingCheck('f', 'g', 'slowdown', pub, new Map([['on-demand', 25], ['random-4K', 9], ['SL-64K', 2], ['TBN', 1]]));
  assert.deepEqual([same.pairs, same.agreeing, same.pass], [6, 6, true]);
  assert.equal(same.publishedOrder, 'on-demand > random-4K > SL-64K > TBN');
  const swapped = orderingCheck('f', 'g', 'slowdown', pub, new Map([['on-demand', 25], ['random-4K', 1.5], ['SL-64K', 2], ['TBN', 1]]));
  // random-4K now below SL-64K: that pair and random-4K/TBN stay ordered (1.5 > 1), only one pair disagrees
  assert.deepEqual([swapped.pairs, swapped.agreeing, swapped.pass], [6, 5, false]);
  assert.equal(swapped.reproducedOrder, 'on-demand > SL-64K > random-4K > TBN');
  // 2.56 vs 2.6 differ by 1.5 %: a tie within the 5 % band, so only the pairs against 1.0 are ranked
  const tie = orderingCheck('f', 'g', 'm', new Map([['a', 2.56], ['b', 2.6], ['c', 1]]), new Map([['a', 3], ['b', 2], ['c', 1]]));
  assert.deepEqual([tie.pairs, tie.agreeing, tie.pass], [2, 2, true]);
  assert.equal(tie.publishedOrder, 'b ≈ a > c');
  // a reproduced tie on a ranked pair is not the published order
  const flat = orderingCheck('f', 'g', 'm', new Map([['a', 2], ['b', 1]]), new Map([['a', 1], ['b', 1]]));
  assert.equal(flat.pass, false);
  // names missing from the reproduction are not ranked
  assert.equal(orderingCheck('f', 'g', 'm', new Map([['a', 2], ['b', 1]]), new Map([['a', 1]])).pairs, 0);
});

test('standardFindings counts passes, lists misses by side with their ratio, and adds a gap text only when it explains a miss', () => {
  const ok = comparedRow({ ...base, series: 'ok', published: 2, reproduced: 2.1, tolerance: 0.25 });
  const low = comparedRow({ ...base, series: 'low', published: 2, reproduced: 1, tolerance: 0.25 });
  const gap = [[(m: readonly { series: string }[]) => m.some((r) => r.series === 'low'), 'Likely gap: X.'] as const];
  assert.deepEqual(standardFindings([ok], [], gap), ['1 of 1 compared numbers meet their tolerance.']);
  const f = standardFindings([ok, low], [], gap);
  assert.equal(f[0], '1 of 2 compared numbers meet their tolerance.');
  assert.equal(f[1], 'MISS, reproduced too low: g low (1 vs 2, ratio 0.5).');
  assert.equal(f[2], 'Likely gap: X.');
});
