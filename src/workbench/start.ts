import { existsSync } from 'node:fs';
import { oneLineArgError } from '../log/arg-error';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ioMessages } from '../log/messages/io';
import { parseArgs } from 'node:util';
import { formatTable } from '../display/text-table';
import { formatDiagnosticLine } from '../log/diagnostic';
import { PROJECT_ROOT } from '../version';
import { listNotebooks, runNotebooks, selectNotebooks, failureReport, type NotebookRun } from './notebook-runner';
import { writeIndexPage } from './index-page';

/**
 * `npm start`: the main job on the bundled default data — execute every notebook in notebooks/ headlessly
 * (executed copies and HTML in out/notebooks/, figures in out/figures/), print a summary table, and exit 1
 * when any notebook failed, after printing each failing cell's error text.
 * (Set-up — npm dependencies, Debian packages — already ran in scripts/start.mjs; the kernel is registered
 * by the runner.)
 */

/**
 * Notebooks executed at a time by default: two overlap one notebook's single-threaded waits (Python and
 * kernel start, HTML export) with the other's work on this 2-core machine (docs/decisions.md).
 */
export const DEFAULT_JOBS = 2;

export const START_USAGE = `Usage: npm start [-- [<name>|<file.ipynb>]… [--out-dir <dir>] [--no-html] [--full] [--jobs N]]

Executes the notebooks in notebooks/ (all of them, those whose file name contains one of <name>, or the
given .ipynb files), writing executed copies and HTML exports to <dir>/notebooks/, figures to
<dir>/figures/ and an index of both to <dir>/index.html (<dir> defaults to out). --full sets GMEMLAB_FULL=1
for the notebooks: full-scale inputs instead of the small defaults (see fullScale() in
src/analysis/notebook.ts). --jobs N runs N notebooks at a time (default ${DEFAULT_JOBS}).
Exit code 0 when every cell ran without error and without stderr output, 1 otherwise, 2 for bad arguments.
`;

/** The summary table: notebook, status, seconds, figures written. */
export function summaryTable(runs: readonly NotebookRun[]): string {
  return formatTable(
    ['notebook', 'status', { header: 'seconds', align: 'right' }, { header: 'figures', align: 'right' }],
    runs.map((r) => [`${r.name}.ipynb`, r.status === 'passed' ? 'ok' : r.status === 'failed' ? `FAILED (${r.failures.length} cell${r.failures.length === 1 ? '' : 's'})` : 'ERROR', r.seconds.toFixed(1), String(r.figures.length)]),
  );
}

/** Output channels of `npm start` (tests capture them). */
export interface StartIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

const processIO: StartIO = { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) };

/** Run `npm start` with its arguments; returns the exit code. */
export async function startMain(argv: readonly string[], io: StartIO = processIO, root: string = PROJECT_ROOT): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: [...argv], options: { 'no-html': { type: 'boolean' }, 'out-dir': { type: 'string' }, full: { type: 'boolean' }, jobs: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr(`argument: ${oneLineArgError(e)}\n${START_USAGE}`);
    return 2;
  }
  if (args.values.help) {
    io.stdout(START_USAGE);
    return 0;
  }
  const jobs = args.values.jobs === undefined ? DEFAULT_JOBS : Number(args.values.jobs);
  if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 8)) {
    io.stderr(`argument: --jobs must be a whole number from 1 to 8 (found ${JSON.stringify(args.values.jobs)})\n`);
    return 2;
  }
  const files = args.positionals.filter((p) => p.endsWith('.ipynb'));
  const missing = files.filter((f) => !existsSync(resolve(f)));
  if (missing.length) {
    io.stderr(`${formatDiagnosticLine(ioMessages.notFound({ file: missing[0]! }))}\n`);
    return 2;
  }
  const names = args.positionals.filter((p) => !p.endsWith('.ipynb'));
  const selected: string[] = [];
  if (names.length > 0 || files.length === 0) {
    const all = listNotebooks(join(root, 'notebooks')).map((p) => relative(root, p));
    const picked = selectNotebooks(all, names);
    if (picked.error) {
      io.stderr(`${formatDiagnosticLine(picked.error)}\n`);
      return 2;
    }
    selected.push(...picked.selected);
  }
  selected.push(...files.map((f) => shortPath(root, resolve(f))));
  const outBase = resolve(args.values['out-dir'] ?? join(root, 'out'));
  const outDir = join(outBase, 'notebooks');
  const figuresDir = join(outBase, 'figures');
  const lanes = Math.min(jobs, selected.length);
  io.stderr(`gmemlab: executing ${selected.length} notebook${selected.length === 1 ? '' : 's'} with the tslab kernel${lanes > 1 ? `, ${lanes} at a time` : ''}\n`);
  const started = Date.now();
  const runs = await runNotebooks(selected, { projectRoot: root, outDir, figuresDir, html: !args.values['no-html'], env: { GMEMLAB_FULL: args.values.full ? '1' : '0' }, concurrency: jobs }, (r) => {
    io.stderr(`  ${r.name}.ipynb: ${r.status} in ${r.seconds.toFixed(1)} s\n`);
  });
  const index = writeIndexPage(outBase, runs);
  io.stdout(`\n${summaryTable(runs)}`);
  io.stdout(`${runs.length} notebook${runs.length === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s wall time\n`);
  io.stdout(`executed notebooks and HTML: ${shortPath(root, outDir)}/   figures: ${shortPath(root, figuresDir)}/   index: ${shortPath(root, index)}\n`);
  const bad = runs.filter((r) => r.status !== 'passed');
  for (const r of bad) io.stderr(`\n${r.name}.ipynb:\n${failureReport(r)}\n`);
  return bad.length ? 1 : 0;
}

function shortPath(root: string, p: string): string {
  const r = relative(root, p);
  return r.startsWith('..') || isAbsolute(r) ? p : r;
}
