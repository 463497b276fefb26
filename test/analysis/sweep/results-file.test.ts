import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flattenRun } from '../../../src/analysis/flatten';
import { readResultRows, ResultRows, loadResults } from '../../../src/analysis/sweep/results-file';
import { formatDiagnostic, GmemlabError } from '../../../src/log/diagnostic';
import { oversubSweep } from '../fixtures';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'gmemlab-results-'));
}

function rowsOf(n: number): ResultRows {
  const rows = new ResultRows();
  for (const r of oversubSweep().slice(0, n)) rows.add(flattenRun(r));
  return rows;
}

test('CSV text: union of columns in layout order, empty cells for missing values, 0 for missing warnings', () => {
  const text = rowsOf(12).text('csv');
  const [header, first] = text.split('\n');
  assert.ok(header!.startsWith('trace,system,preset,profile,params.eviction,params.prefetch,params.retryFaults,params.unitBytes,capacityBytes,'));
  assert.ok(header!.endsWith(',specHash,traceDigest,seed,version,warnings.sim.thrashing'));
  const cells = first!.split(',');
  assert.equal(cells[1], 'gmem-linux');
  assert.equal(cells[4], '', 'gmem-linux has no eviction param');
  assert.equal(cells[7], '2097152');
  assert.equal(cells[cells.length - 1], '0');
  assert.equal(text.split('\n').length, 12 + 2);
});

test('written files read back to rows that write the same bytes (CSV and JSON)', () => {
  const dir = tmp();
  try {
    for (const ext of ['csv', 'json']) {
      const file = join(dir, `r.${ext}`);
      const rows = rowsOf(12);
      rows.write(file);
      const again = readResultRows(file);
      assert.equal(again.size, 12);
      assert.equal(again.text(ext as 'csv'), readFileSync(file, 'utf8'));
      assert.equal(again.get(rows.all()[3]!.specHash as string)!.simTimeNs, rows.all()[3]!.simTimeNs);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['r.csv', 'r.json'], 'no temporaries left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadResults types cells like runsTable: numbers, booleans, text and nulls', () => {
  const dir = tmp();
  try {
    const file = join(dir, 'r.csv');
    rowsOf(12).write(file);
    const t = loadResults(file);
    const hmm = (t.objects() as Record<string, unknown>[]).find((r) => r.system === 'hmm-svm')!;
    assert.equal(hmm['params.retryFaults'], true);
    assert.equal(hmm['params.prefetch'], null);
    assert.equal(hmm.oversub, 0.5);
    assert.equal(hmm.simTimeNs, 14.5e6);
    assert.equal(typeof hmm.specHash, 'string');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a results file that cannot be resumed from is an error naming its line', () => {
  const dir = tmp();
  const diag = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof GmemlabError) return formatDiagnostic(e.diagnostic);
      throw e;
    }
    return 'no error';
  };
  try {
    const file = join(dir, 'r.csv');
    rowsOf(2).write(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 40)}\n`);
    assert.match(diag(() => readResultRows(file)), /r\.csv:3: cannot resume from this results file: \d+ cells, but the header has \d+ columns/);
    writeFileSync(file, 'a,b\n1,2\n');
    assert.match(diag(() => readResultRows(file)), /r\.csv:1: cannot resume from this results file: no 'specHash' column/);
    assert.match(diag(() => readResultRows(join(dir, 'r.txt'))), /results file must end in \.csv or \.json/);
    assert.equal(readResultRows(join(dir, 'absent.csv')).size, 0, 'a missing file is an empty start');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JSON results are checked cell by cell as CSV ones are, with the line; built-in column names and empty files', () => {
  const dir = tmp();
  try {
    const file = join(dir, 'r.json');
    const message = (text: string): string => {
      writeFileSync(file, text);
      try {
        readResultRows(file);
      } catch (e) {
        if (e instanceof GmemlabError) return formatDiagnostic(e.diagnostic).replace(file, 'r.json');
        throw e;
      }
      return 'no error';
    };
    // "oops" in simTimeNs was resumed as a result from JSON (the same cell in CSV was refused)
    assert.equal(message('[\n  {"specHash": "a", "simTimeNs": "oops"}\n]'), "r.json:2:34: cannot resume from this results file: column 'simTimeNs' holds \"oops\", not a number (field '[0].simTimeNs')");
    assert.equal(message('[{"specHash": "a", "system": ["x"]}]'), "r.json:1:30: cannot resume from this results file: column 'system' holds [\"x\"], not text (field '[0].system')");
    assert.equal(message('[{"specHash": "a", "params.victim": "lru", "set.x": true, "oversub": null}]'), 'no error');
    // a "__proto__" column ended in an internal error inside arquero
    assert.equal(message('[{"specHash": "a", "__proto__": {"x": 1}}]'), "r.json:1:33: cannot resume from this results file: a column named '__proto__', which no sweep writes (field '__proto__')");
    assert.equal(message('[{"specHash": "a"},\n {"specHash": "b", "specHash": "c"}]'), 'r.json:2:20: cannot resume from this results file: not valid JSON (duplicate key "specHash")');
    // an empty file holds no rows (papaparse said "Unable to auto-detect delimiting character")
    assert.equal(message(''), 'no error');
    const csv = join(dir, 'r.csv');
    writeFileSync(csv, ' \n');
    assert.equal(readResultRows(csv).size, 0);
    writeFileSync(csv, 'specHash,constructor\na,1\n');
    assert.throws(() => readResultRows(csv), (e: unknown) => e instanceof GmemlabError && e.diagnostic.line === 1 && e.diagnostic.field === 'constructor');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a CSV that is not a results file says its specHash column is missing (not papaparse\'s delimiter guess)', () => {
  const dir = tmp();
  try {
    const csv = join(dir, 'r.csv');
    // a one-column CSV (a list of names given as -o by mistake): no comma anywhere to guess from
    writeFileSync(csv, 'name\nuvm\ngmem-linux\n');
    assert.throws(() => readResultRows(csv), (e: unknown) => e instanceof GmemlabError && formatDiagnostic(e.diagnostic) === `${csv}:1: cannot resume from this results file: no 'specHash' column in the header`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
