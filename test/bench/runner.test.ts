import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { benchMain, BENCH_CSV_COLUMNS, discoverBenchmarks, formatValue, mergeBenchCsv, withPeakRss } from '../../src/bench/runner';
import { benchmarkProblem } from '../../src/bench/child';
import { main } from '../../src/cli/main';
import { tempDir } from '../helpers/temp-dir';
import { capture } from '../helpers/cli';

test('benchmarks are discovered from scripts/bench/*.bench.ts by name', () => {
  const names = discoverBenchmarks().map((b) => b.name);
  assert.ok(names.includes('render') && names.includes('npm-start'), names.join(','));
});

test('a module is a benchmark only with name, summary and run()', () => {
  assert.equal(benchmarkProblem({ name: 'x', summary: 's', run: async () => [] }), undefined);
  assert.match(benchmarkProblem({ name: 'x', summary: 's' })!, /run\(\)/);
  assert.match(benchmarkProblem(undefined)!, /no default export/);
});

test('ratios are filled in from baselines and a peak RSS row is added per benchmark', () => {
  const rows = withPeakRss('demo', { rows: [{ group: 'g', metric: 'm', value: 30, unit: 'ms', baseline: 'b', baselineValue: 10 }], maxRssBytes: 100 * 2 ** 20, seconds: 1 });
  assert.equal(rows[0]!.ratio, 3);
  assert.deepEqual(rows[1], { group: 'demo', metric: 'peak RSS', value: 100, unit: 'MiB', note: 'whole benchmark process' });
  assert.deepEqual(withPeakRss('none', { rows: [], maxRssBytes: 1, seconds: 0 }), [], 'a skipped benchmark adds no row');
});

test('values print with 4 significant figures and thousands separators', () => {
  assert.equal(formatValue(1234567.8), '1,234,568');
  assert.equal(formatValue(12.3456), '12.35');
  assert.equal(formatValue(0.012345), '0.0123');
  assert.equal(formatValue(undefined), '');
});

test('re-running one benchmark replaces its rows in the CSV and keeps the others', () => {
  const rec = (benchmark: string, value: string) => Object.fromEntries(BENCH_CSV_COLUMNS.map((c) => [c, c === 'benchmark' ? benchmark : c === 'value' ? value : ''])) as never;
  const first = mergeBenchCsv(undefined, ['a', 'b'], [rec('a', '1'), rec('b', '2')]);
  const second = mergeBenchCsv(first, ['a'], [rec('a', '9')]);
  const rows = Papa.parse<Record<string, string>>(second, { header: true, skipEmptyLines: true }).data;
  assert.deepEqual(rows.map((r) => [r.benchmark, r.value]), [['b', '2'], ['a', '9']]);
});

test('an unknown benchmark name exits 2 naming the known ones', async () => {
  const io = capture();
  assert.equal(await benchMain(['nope'], io), 2);
  assert.match(io.err, /^error \[bench\.unknown\] argument: no benchmark named 'nope' \(expected one of .*render/);
});

test('smoke: the runner runs the render benchmark in quick mode in a child process and writes the CSV with machine info', async () => {
  const out = join(tempDir('bench'), 'bench.csv');
  const io = capture();
  assert.equal(await main(['bench', '--quick', 'render', '-o', out], io), 0, io.err);
  assert.match(io.out, /group\s+metric\s+value\s+unit\s+baseline\s+ratio\s+goal\s+note/);
  assert.match(io.out, /render 300 points\s+show\(\) total\s+[\d.,]+\s+ms\s+vega-lite compile\s+[\d.]+/);
  const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8'), { header: true, skipEmptyLines: true }).data;
  assert.deepEqual(Object.keys(rows[0]!), [...BENCH_CSV_COLUMNS]);
  assert.ok(rows.every((r) => r.benchmark === 'render' && r.quick === 'true' && Number(r.cores) >= 1 && r.node === process.version && r.cpu !== ''));
  assert.ok(rows.some((r) => r.metric === 'peak RSS' && Number(r.value) > 10));
});
