import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanErrorText, displayBundles, findFailures, isExceptionText, joinText, numberExecutedCells, parseNotebook, stripAnsi, type Notebook, type NotebookCell } from '../../src/workbench/notebook-json';

function nb(cells: NotebookCell[]): Notebook {
  return { cells, metadata: {}, nbformat: 4, nbformat_minor: 5 };
}
const code = (source: string, outputs: NotebookCell['outputs']): NotebookCell => ({ cell_type: 'code', source, outputs });

test('a notebook whose cells print only to stdout and display data has no failures', () => {
  const n = nb([
    { cell_type: 'markdown', source: '# title' },
    code('console.log(1)', [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }]),
    code('show()', [{ output_type: 'display_data', data: { 'image/png': 'x' }, metadata: {} }]),
  ]);
  assert.deepEqual(findFailures(n), []);
});

test('any stderr stream output fails its cell, with the text as reported and the 1-based cell number', () => {
  const n = nb([
    { cell_type: 'markdown', source: 'intro' },
    code('\n  warn()\nmore', [{ output_type: 'stream', name: 'stderr', text: ['deprecated', ' API\n'] }]),
  ]);
  assert.deepEqual(findFailures(n), [{ cell: 2, kind: 'stderr', source: 'warn()', text: 'deprecated API' }]);
});

test('an error output fails its cell with its traceback, colour codes removed', () => {
  const n = nb([code('boom()', [{ output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['\u001b[31mError: boom\u001b[0m', '    at boom (cell:1:1)'] }])]);
  assert.deepEqual(findFailures(n), [{ cell: 1, kind: 'error', source: 'boom()', text: 'Error: boom\n    at boom (cell:1:1)' }]);
});

test('an error output without a traceback is reported as name: value', () => {
  const n = nb([code('x', [{ output_type: 'error', ename: 'TypeError', evalue: 'x is not a function' }])]);
  assert.equal(findFailures(n)[0]!.text, 'TypeError: x is not a function');
});

test('an exception tslab printed on stderr is reported as an exception, not as "wrote to stderr" (issue 16)', () => {
  const n = nb([
    code('fail()', [{ output_type: 'stream', name: 'stderr', text: ['Uncaught GmemlabError [io.not-found]: x.csv: file not found\n'] }]),
    code('boom()', [{ output_type: 'stream', name: 'stderr', text: ['RangeError: nope\n    at boom (evalmachine.<anonymous>:1:7)\n'] }]),
    code('warn()', [{ output_type: 'stream', name: 'stderr', text: ['Error: this is only a warning text\n'] }]),
  ]);
  assert.deepEqual(findFailures(n).map((f) => [f.cell, f.kind]), [[1, 'error'], [2, 'error'], [3, 'stderr']]);
  assert.equal(isExceptionText('1:7 - Type \'string\' is not assignable'), false, 'a TypeScript error is not an exception');
});

test('executed code cells are numbered 1..n in order, blank cells skipped, existing counts kept (In [n] in exports)', () => {
  const n = numberExecutedCells(nb([
    { cell_type: 'markdown', source: '# t' },
    code('a', []), code('  \n', []), code('b', []),
    { ...code('c', []), execution_count: 7 } as NotebookCell,
  ]));
  assert.deepEqual(n.cells.map((c) => (c as { execution_count?: number | null }).execution_count), [undefined, 1, undefined, 2, 7]);
});

test('stack frames inside tslab and Node internals are dropped; the notebook frames stay', () => {
  const text = [
    'RangeError: nope', '    at f (evalmachine.<anonymous>:2:9)', '    at Script.runInThisContext (node:vm:135:14)',
    '    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)', '    at sigintHandlersWrap (node:vm:280:12)', '', '',
  ].join('\n');
  assert.equal(cleanErrorText(text), 'RangeError: nope\n    at f (evalmachine.<anonymous>:2:9)');
});

test('helpers: joinText, stripAnsi, displayBundles', () => {
  assert.equal(joinText(['a\n', 'b']), 'a\nb');
  assert.equal(joinText(undefined), '');
  assert.equal(stripAnsi('\u001b[1;31mred\u001b[0m'), 'red');
  const n = nb([code('x', [{ output_type: 'display_data', data: { 'text/plain': 't', 'image/png': 'p' }, metadata: { 'image/png': { width: 3 } } }])]);
  assert.deepEqual(displayBundles(n), [{ cell: 1, mimeTypes: ['image/png', 'text/plain'], metadata: { 'image/png': { width: 3 } } }]);
});

test('parseNotebook names the file when the text is not a notebook', () => {
  assert.throws(() => parseNotebook('{', 'a.ipynb'), /^Error: a\.ipynb: not a notebook \(invalid JSON/);
  assert.throws(() => parseNotebook('{"cells": 3}', 'b.ipynb'), /b\.ipynb: not a Jupyter notebook/);
});
