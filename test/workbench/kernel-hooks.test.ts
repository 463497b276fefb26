import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GmemlabError } from '../../src/log/diagnostic';
import { ioMessages } from '../../src/log/messages/io';
import { formatCellException, UNCAUGHT_PREFIX } from '../../src/workbench/kernel-hooks';
import { isExceptionText } from '../../src/workbench/notebook-json';

test('a gmemlab error in a cell is one line with its code; its stack only with GMEMLAB_DEBUG', () => {
  const e = new GmemlabError(ioMessages.notFound({ file: 'traces/x.csv' }));
  assert.equal(formatCellException(e, {}), 'Uncaught GmemlabError [io.not-found]: traces/x.csv: file not found');
  assert.equal(formatCellException(e, { GMEMLAB_DEBUG: '0' }).split('\n').length, 1);
  const debug = formatCellException(e, { GMEMLAB_DEBUG: '1' }).split('\n');
  assert.ok(debug.length > 1 && debug.slice(1).every((l) => /^\s+at /.test(l)), 'debug adds stack frames');
  assert.ok(isExceptionText(formatCellException(e, {})), 'the runner recognises it as an exception');
});

test('other errors keep their stack (they are bugs) without kernel frames; thrown non-errors are shown as values', () => {
  const e = new RangeError('bad');
  e.stack = 'RangeError: bad\n    at f (evalmachine.<anonymous>:2:9)\n    at Object.execute (/p/node_modules/tslab/dist/executor.js:160:38)\n    at Script.runInThisContext (node:vm:135:14)';
  assert.equal(formatCellException(e, {}), 'Uncaught RangeError: bad\n    at f (evalmachine.<anonymous>:2:9)');
  assert.equal(formatCellException('oops', {}), `${UNCAUGHT_PREFIX}"oops"`);
});
