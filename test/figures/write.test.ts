import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Papa from 'papaparse';
import { comparedRow, orderingCheck } from '../../src/figures/compare';
import { passRateText, summaryCsv, orderingsCsv, SUMMARY_COLUMNS, writeFigures } from '../../src/figures/write';
import { computeFigures } from '../../src/figures/index';
import { tempDir } from '../helpers/temp-dir';

const base = { figure: 'f', group: 'g', metric: 'm', unit: '×', specHash: 'h', kind: 'sim', source: 'Ganguly, ISCA 2019' } as const;

test('reproduction-summary.csv: one row per compared number with figure, series, published, reproduced, ratio, tolerance, pass', () => {
  const rows = [
    comparedRow({ ...base, series: 'a', published: 2, reproduced: 2.5, tolerance: 0.25 }),
    comparedRow({ ...base, series: 'b, quoted', published: 4, reproduced: 1, tolerance: 1, criterion: 'factor' }),
  ];
  const parsed = Papa.parse<Record<string, string>>(summaryCsv(rows), { header: true, skipEmptyLines: true });
  assert.deepEqual(parsed.meta.fields, [...SUMMARY_COLUMNS]);
  for (const c of ['figure', 'series', 'published', 'reproduced', 'ratio', 'tolerance', 'pass']) assert.ok(SUMMARY_COLUMNS.includes(c as never), c);
  assert.equal(parsed.data.length, 2);
  assert.deepEqual([parsed.data[0]!.ratio, parsed.data[0]!.pass, parsed.data[0]!.tolerance], ['1.25', 'true', '0.25']);
  assert.deepEqual([parsed.data[1]!.series, parsed.data[1]!.ratio, parsed.data[1]!.pass, parsed.data[1]!.criterion], ['b, quoted', '0.25', 'false', 'factor']);
});

test('orderings.csv and the pass-rate line state what was checked', () => {
  const o = orderingCheck('f', 'g', 'slowdown', new Map([['a', 2], ['b', 1]]), new Map([['a', 3], ['b', 1]]));
  const csv = Papa.parse<Record<string, string>>(orderingsCsv([o]), { header: true, skipEmptyLines: true });
  assert.deepEqual([csv.data[0]!.publishedOrder, csv.data[0]!.pairs, csv.data[0]!.pass], ['a > b', '1', 'true']);
  assert.equal(
    passRateText({ passed: 3, total: 4, passRate: 0.75, orderings: [o, o], orderingsPassed: 1 }),
    '3 of 4 compared numbers within tolerance (75 %); 1 of 2 rankings match the published order',
  );
  assert.equal(
    passRateText({ passed: 3, total: 4, passRate: 0.75, orderings: [o, o], orderingsPassed: 1, calibrations: 10, calibrationsPassed: 9 }),
    '3 of 4 compared numbers within tolerance (75 %), plus 10 calibration rows (9 within, not counted); 1 of 2 rankings match the published order',
  );
});

test('writeFigures writes each figure\'s charts (PNG + SVG), data and compared CSV, the summary, orderings and report', async () => {
  const out = await computeFigures({ scale: 'quick', only: ['gtx1080ti-transfer', 'gmem-iommu'] });
  const dir = tempDir('figures');
  const w = await writeFigures(out, dir);
  for (const f of ['gtx1080ti-transfer-curves.png', 'gtx1080ti-transfer-curves.svg', 'gtx1080ti-transfer.csv', 'gtx1080ti-transfer-compared.csv', 'gmem-iommu.csv',
    'reproduction-summary.csv', 'orderings.csv', 'reproduction-summary.md', 'reproduction-summary.png', 'reproduction-summary.svg']) {
    assert.ok(w.files.includes(f) && existsSync(join(dir, f)), f);
  }
  const summary = Papa.parse<Record<string, string>>(readFileSync(join(dir, 'reproduction-summary.csv'), 'utf8'), { header: true, skipEmptyLines: true });
  assert.equal(summary.data.length, out.summary.length, 'every row, calibration rows included');
  assert.equal(summary.data.filter((r) => r.calibration !== '').length, out.calibrations);
  assert.match(readFileSync(join(dir, 'reproduction-summary.md'), 'utf8'), new RegExp(`^# Reproduced figures \\(scale: quick\\)\\n\\n${passRateText(out).replace(/[()%]/g, '.')}`));
  assert.ok(!w.files.some((f) => f.includes('.tmp')), 'no temporary files left');
});

test('the summary scatter says points are judged by their own criterion when rows mix criteria', async () => {
  const { publishedVsReproducedChart } = await import('../../src/analysis/charts/published-vs-reproduced');
  const rows = [comparedRow({ ...base, series: 'a', published: 2, reproduced: 2.5, tolerance: 0.25 }), comparedRow({ ...base, series: 'b', published: 4, reproduced: 7, tolerance: 1, criterion: 'factor' })];
  const title = (spec: unknown): string => JSON.stringify(spec).match(/"shape":\{"field":"result","type":"nominal","title":"([^"]*)"/)![1]!;
  assert.equal(title(publishedVsReproducedChart(rows as never)), 'band ±25 %; points: own criterion');
  assert.equal(title(publishedVsReproducedChart([rows[0]!] as never)), '±25 %');
});
