import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNotebooks, selectNotebooks } from '../../src/workbench/notebook-runner';
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
  assert.match(r.stderr, /^error \[notebook\.none-selected\] argument: no notebook matches "no-such-notebook" \(expected one of /m);
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
  // issue 16: a thrown exception is reported as an exception (tslab prints it on stderr; the kernel hook marks it)
  assert.match(r.stderr, /failing\.ipynb: cell 4 raised an exception .*\n\s+Uncaught RangeError: deliberate failure: fixture cell 4 throws/);
  assert.match(r.stderr, /type-error\.ipynb: cell 2 wrote to stderr .*\n\s+1:7 - Type 'string' is not assignable to type 'number'\./);
  assert.doesNotMatch(r.stderr, /node_modules\/tslab\/dist/, 'kernel-internal stack frames are dropped');
  // the executed copy and its HTML are still written, so the failure can be inspected
  const executed = join(out, 'notebooks', 'failing.ipynb');
  assert.ok(existsSync(join(out, 'notebooks', 'failing.html')));
  assert.deepEqual(findFailures(parseNotebook(readFileSync(executed, 'utf8'), executed)).map((f) => f.cell), [3, 4]);
  // the index page lists both, marked as failed
  const index = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(index, /<tr class="bad"><td><a href="notebooks\/failing\.html">failing<\/a><\/td><td>FAILED/);
  assert.match(index, /<tr class="bad"><td><a href="notebooks\/type-error\.html">type-error<\/a><\/td><td>FAILED/);
});

test('runNotebooks runs at most `concurrency` notebooks at a time and returns results in input order', async () => {
  // A stand-in for jupyter that logs when each execution starts and ends (sleeping between), prints the
  // notebook it was given as the executed copy, and a stub page for the HTML export.
  const root = tempDir('nbpar');
  const log = join(root, 'log.txt');
  const fake = join(root, 'fake-jupyter');
  writeFileSync(fake, `#!/bin/sh\nfor a; do nb="$a"; done\ncase "$*" in *--execute*) echo "start $(basename "$nb")" >> '${log}'; sleep 0.4; echo "end $(basename "$nb")" >> '${log}'; cat "$nb";; *) echo '<html></html>';; esac\n`);
  chmodSync(fake, 0o755);
  mkdirSync(join(root, 'nb'));
  const nb = JSON.stringify({ cells: [{ cell_type: 'code', id: 'c1', metadata: {}, source: ['1'], execution_count: 1, outputs: [] }], metadata: {}, nbformat: 4, nbformat_minor: 5 });
  const paths = ['d', 'a', 'c', 'b', 'e'].map((n) => join('nb', `${n}.ipynb`));
  for (const p of paths) writeFileSync(join(root, p), nb);
  const done: string[] = [];
  const runs = await runNotebooks(paths, { projectRoot: root, jupyter: fake, python: '/bin/true', concurrency: 2 }, (r) => done.push(r.name));
  assert.deepEqual(runs.map((r) => [r.name, r.status]), ['d', 'a', 'c', 'b', 'e'].map((n) => [n, 'passed']));
  assert.deepEqual([...done].sort(), ['a', 'b', 'c', 'd', 'e'], 'onDone once per notebook');
  let running = 0;
  let peak = 0;
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    running += line.startsWith('start') ? 1 : -1;
    peak = Math.max(peak, running);
  }
  assert.equal(peak, 2, 'two lanes overlap, never three');
});

test('npm start rejects a --jobs value that is not a whole number from 1 to 8', () => {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'start.mjs'), '--jobs', '0'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--jobs must be a whole number from 1 to 8 \(found "0"\)/);
});
