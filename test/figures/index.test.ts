import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReference } from '../../src/analysis/reference';
import { resolvePlatform } from '../../src/profiles/resolve';
import { capacityForLevel, comparedRow, computeFigures, FIGURE_IDS, meets, type FiguresOutcome } from '../../src/figures/index';
import { FROZEN_COMPARED, FROZEN_ORDERINGS, isFrozenCompared } from '../../src/figures/frozen';
import { passRateText } from '../../src/figures/write';
import { GmemlabError } from '../../src/log/diagnostic';

/**
 * computeFigures at quick scale (the smallest inputs; ~5 s CPU), computed once: the contracts every figure
 * meets, the acceptance counts of issue 8, and cross-checks of reproduced numbers against the runs behind them.
 */
let out: FiguresOutcome;
before(async () => {
  out = await computeFigures({ scale: 'quick' });
});

const HASH = /^[0-9a-f]{64}$/;

test('capacityForLevel puts the footprint at the level, rounded down to whole 4 KiB pages', () => {
  assert.equal(capacityForLevel(1024 * 1024, 1.25), 204 * 4096); // 256 pages / 1.25 = 204.8
  assert.equal(capacityForLevel(1024 * 1024, 1), 1024 * 1024);
  assert.equal(capacityForLevel(4096 * 110, 1.1), 100 * 4096);
});

test('every registered figure is computed, in registry order, with a chart, its runs as data and a method', () => {
  assert.deepEqual(out.figures.map((f) => f.id), FIGURE_IDS);
  for (const f of out.figures) {
    assert.ok(f.charts.length >= 1, `${f.id}: a chart`);
    assert.ok(f.data.length >= 1, `${f.id}: data rows`);
    for (const d of f.data) assert.match(String(d.specHash), HASH, `${f.id}: every data row carries its specHash`);
    assert.ok(f.method.length > 40 && f.findings.length >= 1, f.id);
  }
  assert.ok(out.runs > 20, 'real simulation runs behind the figures');
});

test('acceptance: at least 20 compared numbers across at least 5 figures, and rankings are checked', () => {
  assert.ok(out.total >= 20, `${out.total} compared numbers`);
  assert.ok(new Set(out.summary.map((r) => r.figure)).size >= 5);
  assert.ok(out.orderings.length >= 5);
  assert.equal(out.passed, out.summary.filter((r) => r.pass && !r.calibration && isFrozenCompared(r)).length);
  assert.equal(out.passRate, out.passed / out.total);
});

const FROZEN = JSON.parse(readFileSync(join(__dirname, '__golden__', 'frozen-denominators.json'), 'utf8')) as { compared: string[][]; orderings: string[][] };

test('the denominators are frozen: the 117 compared numbers and 32 rankings of commit 822a33d stay; anything else is added, apart', () => {
  assert.equal(FROZEN.compared.length, 117);
  assert.equal(FROZEN.orderings.length, 32);
  // the source list the scoring uses is the golden of 822a33d
  assert.deepEqual(FROZEN_COMPARED.map((k) => [...k]), FROZEN.compared);
  assert.deepEqual(FROZEN_ORDERINGS.map((k) => [...k]), FROZEN.orderings);
  const key = (x: readonly string[]): string => x.join(' / ');
  const have = new Set(out.summary.map((r) => key([r.figure, r.group, r.series])));
  assert.deepEqual(FROZEN.compared.map(key).filter((k) => !have.has(k)), [], 'every frozen compared number is still computed');
  assert.deepEqual(out.missingFrozen, []);
  const haveO = new Set(out.orderings.map((o) => key([o.figure, o.group, o.metric])));
  assert.deepEqual(FROZEN.orderings.map(key).filter((k) => !haveO.has(k)), [], 'every frozen ranking is still computed');
  assert.equal(out.rankings, 32);
  // added numbers and rankings are exactly the rest, reported apart and never in the rate
  const frozenSet = new Set(FROZEN.compared.map(key));
  assert.deepEqual(out.added.map((r) => key([r.figure, r.group, r.series])), out.summary.map((r) => key([r.figure, r.group, r.series])).filter((k) => !frozenSet.has(k)));
  assert.equal(out.total + out.calibrations, 117);
});

test('an added compared number is reported apart: it changes neither the pass rate nor its denominator', () => {
  const extra = comparedRow({ figure: 'gmem-iommu', group: 'vs a new baseline', series: 'receive throughput', metric: 'm', unit: '×', published: 1.54, reproduced: 9, tolerance: 0.25, specHash: 'h', kind: 'claim', source: 's' });
  assert.equal(isFrozenCompared(extra), false);
  assert.equal(isFrozenCompared(out.summary.find((r) => r.figure === 'openeuler-oversub')!), true);
  const text = passRateText({ ...out, added: [...out.added, extra] });
  assert.match(text, new RegExp(`^${out.passed} of ${out.total} compared numbers`));
  assert.match(text, new RegExp(`added \\(not in the rate\\): \\d+ of ${out.added.length + 1} numbers`));
});

test('calibration rows — published numbers a profile value was fitted on — are named with that value and leave the pass rate', () => {
  const calib = out.summary.filter((r) => r.calibration);
  // the 9 affine points the gtx1080ti-pcie3 link was fitted on, and the SC'21 no-prefetch per-page cost titanv was read off
  assert.deepEqual(calib.map((r) => `${r.figure}/${r.group}/${r.series}`), [
    ...['4', '8', '16', '32', '64', '128', '256', '512', '1024'].map((k) => `gtx1080ti-transfer/affine model/${k} KiB`),
    'sc21-uvm-costs/per-page-cost-no-prefetch/no prefetch',
  ]);
  for (const r of calib.filter((x) => x.figure === 'gtx1080ti-transfer')) assert.match(r.calibration, /link\.latencyNs \+ link\.h2dBytesPerNs/);
  // the value named is a real profile field whose own source says it is a calibration on this figure
  const field = /^titanv-pcie3 device\.(fault\.\w+)/.exec(calib[9]!.calibration)?.[1];
  assert.ok(field, calib[9]!.calibration);
  assert.match(resolvePlatform('titanv-pcie3').device.sources[field!]!.ref, /calibrat/i);
  assert.equal(out.total, 117 - 10 - out.missingFrozen.length, 'every non-calibration frozen row stays in the denominator');
  assert.deepEqual([out.calibrations, out.calibrationsPassed], [10, calib.filter((r) => r.pass).length]);
  // the SC'21 prefetching batch rate, the first-touch floor and every oversubscription result are reproductions
  for (const r of out.summary.filter((x) => /oversub/.test(x.figure) || ['prefetch-batch-rate', 'first-touch-floor'].includes(x.group))) assert.equal(r.calibration, '', `${r.figure} ${r.group}`);
});

test('openEuler "> 1.6× above 2×" is checked as a magnitude (reproduced ≥ 1.6), and the stated growth as a trend', () => {
  const f = out.figures.find((x) => x.id === 'openeuler-oversub')!;
  assert.equal(f.rows.length, 2);
  for (const r of f.rows) {
    assert.deepEqual([r.criterion, r.published, r.tolerance], ['atLeast', 1.6, 0]);
    assert.equal(r.pass, r.reproduced >= 1.6);
  }
  assert.equal(f.orderings.length, 1);
  assert.match(f.orderings[0]!.publishedOrder, /^3× > 2\.5× > 2× > 1\.5× > 1×$/);
});

test('every compared row: ratio = reproduced / published, pass = its criterion, a run specHash, a sourced published value', () => {
  for (const r of out.summary) {
    const where = `${r.figure} ${r.group} ${r.series}`;
    if (r.published !== 0) assert.ok(Math.abs(r.ratio! - r.reproduced / r.published) <= 1e-3 * Math.abs(r.ratio!) + 1e-9, where);
    assert.equal(r.pass, meets(r.criterion, r.published, r.reproduced, r.tolerance), where);
    assert.match(r.specHash, HASH, where);
    assert.ok(r.source.length > 0 && ['sim', 'meas', 'fig', 'claim'].includes(r.kind), where);
    assert.ok(r.criterion === 'atLeast' ? r.tolerance >= 0 : r.tolerance > 0, where);
  }
  for (const o of out.orderings) assert.equal(o.pass, o.agreeing === o.pairs);
});

test('ISCA\'19 prefetchers: each slowdown is the config run over the same benchmark\'s TBN run, against the published slowdown', () => {
  const f = out.figures.find((x) => x.id === 'isca19-prefetchers')!;
  const ref = loadReference('isca19-uvmsmart-runtimes').rows;
  assert.ok(f.rows.length >= 8);
  for (const r of f.rows) {
    const run = f.data.find((d) => d.benchmark === r.group && d.specHash === r.specHash)!;
    const base = f.data.find((d) => d.benchmark === r.group && d.specHash === r.baselineSpecHash)!;
    assert.ok(run && base, `${r.group} ${r.series}: both runs in the data`);
    // kernel time (sim time minus host phases): UVMSmart's Tot_kernel_exec_time_and_fault_time (src/figures/isca19.ts)
    assert.ok(Math.abs(r.reproduced / ((run.kernelTimeNs as number) / (base.kernelTimeNs as number)) - 1) < 1e-5);
    assert.ok((run.kernelTimeNs as number) < (run.simTimeNs as number));
    const pub = ref.find((x) => x.benchmark === r.group && x.config === run.config)!;
    assert.equal(r.published, pub.slowdown);
  }
  // the published on-demand/TBN gap is 30–43×: every benchmark ranks on-demand slowest
  for (const o of f.orderings) assert.match(o.publishedOrder, /^on-demand > /);
});

test('transfer figure (closed form): the affine model of gtx1080ti-pcie3 is 1.35 µs + bytes / 12.2 GB/s', () => {
  const f = out.figures.find((x) => x.id === 'gtx1080ti-transfer')!;
  const at = (size: string) => f.rows.find((r) => r.group === 'affine model' && r.series === size)!;
  assert.equal(at('4 KiB').published, 1.18);
  assert.ok(Math.abs(at('4 KiB').reproduced - (1350 + 4096 / 12.2) / 1000) < 1e-4); // 1.68574 µs: a miss (ratio 1.43)
  assert.equal(at('4 KiB').pass, false);
  assert.ok(Math.abs(at('1024 KiB').reproduced - (1350 + 1048576 / 12.2) / 1000) < 1e-3); // 87.30 µs vs 87.01 measured
  assert.equal(at('1024 KiB').pass, true);
  assert.equal(f.rows.length, 18, 'nine sizes × two models');
});

test('IOMMU figure: the throughput lead is gmem-async receive Gbps over the baseline mode\'s', () => {
  const f = out.figures.find((x) => x.id === 'gmem-iommu')!;
  for (const r of f.rows.filter((x) => x.series === 'receive throughput')) {
    const a = f.data.find((d) => d.specHash === r.specHash)!;
    const b = f.data.find((d) => d.specHash === r.baselineSpecHash)!;
    assert.equal(a.mode, 'gmem-async');
    assert.ok(Math.abs(r.reproduced / ((a.rxGbps as number) / (b.rxGbps as number)) - 1) < 1e-5);
    assert.equal(r.published, 1.54);
  }
});

test('the same scale gives the same numbers and specHashes (deterministic figures)', async () => {
  const again = await computeFigures({ scale: 'quick', only: ['gmem-iommu', 'gtx1080ti-transfer'] });
  const mine = out.summary.filter((r) => r.figure === 'gmem-iommu' || r.figure === 'gtx1080ti-transfer');
  assert.deepEqual(again.summary, mine.sort((a, b) => (a.figure === 'gmem-iommu' ? 0 : 1) - (b.figure === 'gmem-iommu' ? 0 : 1)));
});

test('an unknown figure id is an error listing the known ids', async () => {
  await assert.rejects(computeFigures({ only: ['isca'] }), (e: unknown) => e instanceof GmemlabError && /unknown figure 'isca'.*isca19-prefetchers/.test(e.message));
});
