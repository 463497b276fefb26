import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenRun, orderColumns, runRowsCsv } from '../../src/analysis/flatten';
import type { FlatRow } from '../../src/analysis/table-input';
import { oversubSweep } from './fixtures';

test('runRowsCsv: header in run-row order, missing cells empty (warnings 0), text quoted only when it must be', () => {
  const rows: FlatRow[] = [
    { system: 'uvm', 'warnings.w': 2, 'extra.x': 1.5, trace: 'a,b' },
    { system: 'say "hi"', 'params.on': true, trace: ' t' },
  ];
  assert.equal(
    runRowsCsv(rows),
    ['trace,system,params.on,extra.x,warnings.w', '"a,b",uvm,,1.5,2', '" t","say ""hi""",true,,0', ''].join('\n'),
  );
  assert.equal(runRowsCsv(rows, ['system']), 'system\nuvm\n"say ""hi"""\n', 'explicit columns: only those');
  assert.equal(runRowsCsv([]), '\n', 'no rows: an empty header line');
});

test('runRowsCsv of flattenRun rows has one line per run and the orderColumns header', () => {
  const results = oversubSweep();
  const rows = results.map(flattenRun);
  const lines = runRowsCsv(rows).trimEnd().split('\n');
  assert.equal(lines.length, results.length + 1);
  assert.equal(lines[0], orderColumns(rows.flatMap((r) => Object.keys(r))).join(','));
});
