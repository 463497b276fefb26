import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReference } from '../../src/analysis/reference';
import { capacityForLevel, computeFigures, FIGURE_IDS, meets, type FiguresOutcome } from '../../src/figures/index';
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
  assert.equal(out.passed, out.summary.filter((r) => r.pass).length);
  assert.equal(out.passRate, out.passed / out.total);
});

test('every compared row: ratio = reproduced / published, pass = its criterion, a run specHash, a sourced published value', () => {
  for (const r of out.summary) {
    const where = `${r.figure} ${r.group} ${r.series}`;
    if (r.published !== 0) assert.ok(Math.abs(r.ratio! - r.reproduced / r.published) <= 1e-3 * Math.abs(r.ratio!) + 1e-9, where);
    assert.equal(r.pass, meets(r.criterion, r.published, r.reproduced, r.tolerance), where);
    assert.match(r.specHash, HASH, where);
    assert.ok(r.source.length > 0 && ['sim', 'meas', 'fig', 'claim'].includes(r.kind), where);
    assert.ok(r.tolerance > 0, where);
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
    assert.ok(Math.abs(r.reproduced / ((run.simTimeNs as number) / (base.simTimeNs as number)) - 1) < 1e-5);
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
