import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectNotebooks } from '../../src/workbench/notebook-runner';
import { findFailures, parseNotebook } from '../../src/workbench/notebook-json';
import { summaryTable } from '../../src/workbench/start';
import { PROJECT_ROOT } from '../../src/version';
import { tempDir } from '../helpers/temp-dir';

test('notebooks are selected by a part of their name; an unmatched name is an error listing the choices', () => {
  const all = ['notebooks/tour.ipynb', 'notebooks/rfc-debate.ipynb'];
  assert.deepEqual(selectNotebooks(all, []).selected, all);
  assert.deepEqual(selectNotebooks(all, ['rfc']).selected, ['notebooks/rfc-debate.ipynb']);
  const bad = selectNotebooks(all, ['tuor']);
  assert.equal(bad.error?.code, 'notebook.none-selected');
  assert.equal(bad.error?.expected, 'one of tour, rfc-debate');
});

test('the summary table lists notebook, status, seconds and figures', () => {
  const base = { source: 's', failures: [], problems: [] };
  const t = summaryTable([
    { ...base, name: 'tour', status: 'passed', seconds: 12.34, figures: ['tour-a.png', 'tour-b.png'] },
    { ...base, name: 'x', status: 'failed', seconds: 3, figures: [], failures: [{ cell: 2, kind: 'stderr', source: 'y', text: 'z' }] },
  ]);
  assert.equal(t, [
    'notebook    status           seconds  figures',
    '----------  ---------------  -------  -------',
    'tour.ipynb  ok                  12.3        2',
    'x.ipynb     FAILED (1 cell)      3.0        0',
    '',
  ].join('\n'));
});

test('npm start with an unknown notebook name exits 2 before starting Jupyter', () => {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'start.mjs'), 'no-such-notebook'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^argument: no notebook matches "no-such-notebook" \(expected one of /m);
});

test('a deliberately failing notebook makes the runner exit 1 and print each failing cell and its real error text', () => {
  const out = tempDir('nbfail');
  const fixtures = ['test/fixtures/notebooks/failing.ipynb', 'test/fixtures/notebooks/type-error.ipynb'];
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'start.mjs'), ...fixtures, '--out-dir', out], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /failing\.ipynb\s+FAILED \(2 cells\)/);
  assert.match(r.stdout, /type-error\.ipynb\s+FAILED \(1 cell\)/);
  // stderr from a cell, an exception, and a TypeScript error, each with the kernel's own words
  assert.match(r.stderr, /failing\.ipynb: cell 3 wrote to stderr .*\n\s+deliberate warning: fixture cell 3 writes to stderr/);
  assert.match(r.stderr, /failing\.ipynb: cell 4 wrote to stderr .*\n[\s\S]*RangeError: deliberate failure: fixture cell 4 throws/);
  assert.match(r.stderr, /type-error\.ipynb: cell 2 wrote to stderr .*\n\s+1:7 - Type 'string' is not assignable to type 'number'\./);
  assert.doesNotMatch(r.stderr, /node_modules\/tslab\/dist/, 'kernel-internal stack frames are dropped');
  // the executed copy and its HTML are still written, so the failure can be inspected
  const executed = join(out, 'notebooks', 'failing.ipynb');
  assert.ok(existsSync(join(out, 'notebooks', 'failing.html')));
  assert.deepEqual(findFailures(parseNotebook(readFileSync(executed, 'utf8'), executed)).map((f) => f.cell), [3, 4]);
});
