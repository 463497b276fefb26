import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { formatDiagnostic, type Diagnostic } from '../log/diagnostic';
import { notebookMessages } from '../log/messages/notebook';
import { ensureKernel, KERNEL_NAME } from './kernel';
import { findFailures, numberExecutedCells, parseNotebook, type CellFailure } from './notebook-json';
import { injectVegaLibs, withInteractiveCharts } from './export-html';
import { runProcess } from './run-process';
import { ensureToolDirs, toolEnv, type ToolHomeOptions } from './tool-env';

/**
 * Headless notebook execution (`npm start`, the notebook test): each notebook runs with Debian's
 * `jupyter nbconvert --execute` on the project-local tslab kernel (working folder = project root), errors
 * allowed so the executed copy keeps every cell's output; the runner then decides pass/fail from the outputs
 * (notebook-json.ts: any `error` output or `stderr` stream fails). Executed copies and HTML exports are
 * written atomically to `out/notebooks/`; figures shown with `show()` land in `out/figures/` as
 * `<notebook>-<name>.png|svg` (the runner sets `GMEMLAB_FIGURES_DIR` and `GMEMLAB_NOTEBOOK`).
 */

/** Debian's Jupyter (the default `python3` may be a build without nbconvert). */
export const JUPYTER = '/usr/bin/jupyter';
/** The Python Debian's Jupyter runs on (for `nbformat.sign`; `jupyter trust` is not packaged separately). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/**
 * Output priority for the HTML export: HTML first (a chart's interactive form, added for the export by
 * export-html.ts, with its PNG inside as the fallback), then PNG before SVG. Debian's nbconvert sanitises
 * inline SVG down to its text (the chart's shapes vanish), so a chart bundle holding both must export as its PNG.
 */
export const HTML_DISPLAY_PRIORITY = [
  'text/html', 'application/pdf', 'text/latex', 'image/png', 'image/jpeg', 'image/svg+xml', 'text/markdown', 'text/plain',
] as const;

/** Options of `runNotebook` / `runNotebooks`. */
export interface NotebookRunOptions {
  readonly projectRoot: string;
  /** Executed copies and HTML exports (default `<root>/out/notebooks`). */
  readonly outDir?: string;
  /** Figures (default `<root>/out/figures`). */
  readonly figuresDir?: string;
  /** The jupyter command (default `/usr/bin/jupyter`). */
  readonly jupyter?: string;
  /** Python with nbformat, to sign executed copies (default `/usr/bin/python3`). */
  readonly python?: string;
  /** Per-cell timeout in seconds (default 900). */
  readonly cellTimeoutS?: number;
  /** Whole-notebook timeout in seconds (default 1800). */
  readonly notebookTimeoutS?: number;
  /** Also export HTML (default true). */
  readonly html?: boolean;
  /** Extra environment for the kernel (e.g. `GMEMLAB_FULL=1`). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * HOME (with the XDG, IPython and matplotlib folders) of the Jupyter processes; default inside
   * `.gmemlab-cache/` (tool-env.ts). The notebook test gives them a private temporary home.
   */
  readonly toolHome?: string;
  /**
   * `runNotebooks` only: notebooks executed at a time (default 1). Each runs in its own kernel and Jupyter
   * process; results keep the input order whatever the completion order.
   */
  readonly concurrency?: number;
}

/** passed: every cell ran quietly; failed: a cell raised or wrote stderr; error: Jupyter itself failed. */
export type NotebookStatus = 'passed' | 'failed' | 'error';

/** The outcome of one notebook. */
export interface NotebookRun {
  /** File name without `.ipynb`. */
  readonly name: string;
  readonly source: string;
  /** passed: every cell ran quietly; failed: some cell raised or wrote stderr; error: Jupyter itself failed. */
  readonly status: NotebookStatus;
  readonly seconds: number;
  /** PNG figure files written by this notebook (file names in the figures folder), sorted. */
  readonly figures: readonly string[];
  readonly failures: readonly CellFailure[];
  /** Problems of Jupyter itself (not of cells): missing Jupyter, kernel death, timeout, failed HTML export. */
  readonly problems: readonly Diagnostic[];
  /** Log tail when Jupyter failed. */
  readonly log?: string;
  readonly executedPath?: string;
  readonly htmlPath?: string;
}

function notebookName(path: string): string {
  return basename(path).replace(/\.ipynb$/, '');
}

/** Remove `<name>-*.png|svg` so a renamed or dropped chart does not linger as a stale figure. */
function clearFigures(dir: string, name: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) if (f.startsWith(`${name}-`) && /\.(png|svg)$/.test(f)) rmSync(join(dir, f), { force: true });
}

function listFigures(dir: string, name: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png')).sort();
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Execute one notebook. Never throws for notebook problems: they are in the result. */
export async function runNotebook(path: string, opts: NotebookRunOptions): Promise<NotebookRun> {
  const root = opts.projectRoot;
  const name = notebookName(path);
  const outDir = opts.outDir ?? join(root, 'out', 'notebooks');
  const figuresDir = opts.figuresDir ?? join(root, 'out', 'figures');
  const jupyter = opts.jupyter ?? JUPYTER;
  const start = Date.now();
  const seconds = (): number => (Date.now() - start) / 1000;
  const base = { name, source: path };
  if (!existsSync(jupyter)) {
    const d = notebookMessages.jupyterMissing({ file: path }, jupyter);
    return { ...base, status: 'error', seconds: seconds(), figures: [], failures: [], problems: [d] };
  }
  mkdirSync(outDir, { recursive: true });
  mkdirSync(figuresDir, { recursive: true });
  const home: ToolHomeOptions = opts.toolHome !== undefined ? { home: opts.toolHome } : {};
  ensureToolDirs(root, home);
  ensureKernel(root);
  clearFigures(figuresDir, name);

  const env: NodeJS.ProcessEnv = { ...toolEnv(root, process.env, home), ...opts.env, GMEMLAB_FIGURES_DIR: figuresDir, GMEMLAB_NOTEBOOK: name, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env.GMEMLAB_PROGRESS; // a mode forced for a terminal must not reach the kernel (progress.ts)
  const r = await runProcess(
    jupyter,
    [
      'nbconvert', '--execute', '--to', 'notebook', '--stdout', '--allow-errors',
      `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`, `--ExecutePreprocessor.timeout=${opts.cellTimeoutS ?? 900}`, path,
    ],
    { cwd: root, env, timeoutMs: (opts.notebookTimeoutS ?? 1800) * 1000 },
  );
  if (r.code !== 0 || r.stdout.length === 0) {
    const reason = r.timedOut ? `timed out after ${opts.notebookTimeoutS ?? 1800} s` : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
    const d = notebookMessages.nbconvertFailed({ file: path }, reason);
    return { ...base, status: 'error', seconds: seconds(), figures: listFigures(figuresDir, name), failures: [], problems: [d], log: tail(r.stderr, 25) };
  }
  const text = r.stdout.toString('utf8');
  let nb;
  try {
    nb = parseNotebook(text, path);
  } catch (e) {
    const d = notebookMessages.nbconvertFailed({ file: path }, `its output is not a notebook (${(e as Error).message})`);
    return { ...base, status: 'error', seconds: seconds(), figures: listFigures(figuresDir, name), failures: [], problems: [d], log: tail(r.stderr, 25) };
  }
  nb = numberExecutedCells(nb);
  const executedPath = join(outDir, `${name}.ipynb`);
  writeFileAtomic(executedPath, `${JSON.stringify(nb, null, 1)}\n`);
  const failures = findFailures(nb);
  const problems: Diagnostic[] = [];
  // Sign the executed copy (signature store: .gmemlab-cache/jupyter/data) so `npm run notebook` shows its
  // SVG and HTML outputs as they are instead of sanitising them away as untrusted.
  const trust = await runProcess(opts.python ?? SYSTEM_PYTHON, ['-m', 'nbformat.sign', executedPath], { cwd: root, env: toolEnv(root, process.env, home) });
  if (trust.code !== 0) problems.push(notebookMessages.nbconvertFailed({ file: executedPath }, `signing failed (exit code ${trust.code}): ${tail(trust.stderr, 1)}`));

  let htmlPath: string | undefined;
  let log: string | undefined;
  if (opts.html ?? true) {
    const priority = `--NbConvertBase.display_data_priority=${JSON.stringify(HTML_DISPLAY_PRIORITY)}`;
    // Export a copy whose charts carry their interactive HTML form (export-html.ts); the executed copy stays plain.
    const exportCopy = join(outDir, `.${name}.export.ipynb`);
    const forExport = withInteractiveCharts(nb).notebook;
    writeFileAtomic(exportCopy, `${JSON.stringify({ ...forExport, metadata: { ...forExport.metadata, title: forExport.metadata.title ?? name } }, null, 1)}\n`);
    const h = await runProcess(jupyter, ['nbconvert', '--to', 'html', '--stdout', priority, exportCopy], { cwd: root, env: toolEnv(root, process.env, home) });
    rmSync(exportCopy, { force: true });
    if (h.code === 0 && h.stdout.length > 0) {
      htmlPath = join(outDir, `${name}.html`);
      writeFileAtomic(htmlPath, injectVegaLibs(h.stdout.toString('utf8'), root));
    } else {
      problems.push(notebookMessages.nbconvertFailed({ file: executedPath }, `HTML export exit code ${h.code}`));
      log = tail(h.stderr, 25);
    }
  }
  const status: NotebookStatus = failures.length ? 'failed' : problems.length ? 'error' : 'passed';
  return {
    ...base, status, seconds: seconds(), figures: listFigures(figuresDir, name), failures, problems, executedPath,
    ...(htmlPath !== undefined ? { htmlPath } : {}), ...(log !== undefined ? { log } : {}),
  };
}

/** The notebooks of a folder (`*.ipynb`, sorted, not recursive). */
export function listNotebooks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(dir, f));
}

/**
 * Pick notebooks by name: each filter selects notebooks whose file name contains it. No filters: all.
 * A filter that matches nothing gives a `notebook.none-selected` diagnostic in `error` (and nothing selected).
 */
export function selectNotebooks(all: readonly string[], filters: readonly string[]): { selected: string[]; error?: Diagnostic } {
  if (filters.length === 0) return { selected: [...all] };
  const names = all.map(notebookName);
  const unmatched = filters.filter((f) => !names.some((n) => n.includes(f)));
  if (unmatched.length) return { selected: [], error: notebookMessages.noNotebooks({}, unmatched, names) };
  return { selected: all.filter((p) => filters.some((f) => notebookName(p).includes(f))) };
}

/**
 * Run notebooks, `opts.concurrency` at a time (default one after another), in the given order; `onDone` is
 * called as each finishes. The result is in input order. Why concurrency helps on a 2-core machine: a
 * notebook run is partly single-threaded waiting (Jupyter's Python start, kernel start, HTML export), so
 * two at a time overlap one's waits with the other's work (measured in docs/decisions.md).
 */
export async function runNotebooks(paths: readonly string[], opts: NotebookRunOptions, onDone?: (run: NotebookRun) => void): Promise<NotebookRun[]> {
  const out = new Array<NotebookRun>(paths.length);
  const lanes = Math.max(1, Math.min(paths.length, Math.floor(opts.concurrency ?? 1)));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next++;
      const run = await runNotebook(paths[i]!, opts);
      out[i] = run;
      onDone?.(run);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return out;
}

/** The failure report of one run: each failing cell's diagnostic and error text, then Jupyter problems. */
export function failureReport(run: NotebookRun): string {
  const parts: string[] = [];
  for (const f of run.failures) {
    parts.push(formatDiagnostic(notebookMessages.cellFailed({ file: run.source }, f.cell, f.kind, f.source)));
    parts.push(f.text.split('\n').map((l) => `    ${l}`).join('\n'));
  }
  for (const d of run.problems) parts.push(formatDiagnostic(d));
  if (run.log) parts.push(run.log.split('\n').map((l) => `    | ${l}`).join('\n'));
  return parts.join('\n');
}
