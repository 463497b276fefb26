/**
 * The parts of the Jupyter notebook format (nbformat 4) gmemlab reads, and the rule that decides whether an
 * executed notebook failed.
 *
 * Why not trust nbconvert's exit code: tslab reports a cell's exception (and TypeScript compile errors) as
 * `stream` output named `stderr` with an `execute_reply` status of `error` but no `error` output, so nbconvert
 * alone shows no message. gmemlab executes with errors allowed and then reads the outputs: a cell failed
 * when it has an `error` output or any `stderr` stream output (notebooks must be quiet on stderr, so a warning
 * printed there is a failure too).
 */

/** Multi-line text as stored in notebooks: a string or a list of lines. */
export type MultilineText = string | readonly string[];

/** One cell output (nbformat 4). */
export interface NotebookOutput {
  readonly output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | 'update_display_data';
  readonly name?: string;
  readonly text?: MultilineText;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly ename?: string;
  readonly evalue?: string;
  readonly traceback?: readonly string[];
}

/** One cell (nbformat 4). */
export interface NotebookCell {
  readonly cell_type: 'code' | 'markdown' | 'raw';
  readonly id?: string;
  readonly source: MultilineText;
  readonly outputs?: readonly NotebookOutput[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A notebook document (nbformat 4). */
export interface Notebook {
  readonly cells: readonly NotebookCell[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly nbformat: number;
  readonly nbformat_minor: number;
}

/** One failing cell. */
export interface CellFailure {
  /** 1-based position of the cell in the notebook (markdown cells included, as Jupyter's UI counts). */
  readonly cell: number;
  readonly kind: 'error' | 'stderr';
  /** First non-blank line of the cell's source, to recognise it. */
  readonly source: string;
  /** The error text as the kernel reported it (ANSI colours removed, kernel-internal stack frames dropped). */
  readonly text: string;
}

/** Join multi-line text. */
export function joinText(t: MultilineText | undefined): string {
  if (t === undefined) return '';
  return typeof t === 'string' ? t : t.join('');
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Remove terminal colour codes. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/**
 * Drop stack frames that point into the kernel's machinery (tslab, Node's vm module, zeromq), which say
 * nothing about the notebook's code, and trailing blank lines.
 */
export function cleanErrorText(text: string): string {
  const lines = stripAnsi(text).split('\n');
  const kept = lines.filter((l) => !/^\s+at .*(node_modules[\\/]tslab[\\/]|node:vm|node:internal|sigintHandlersWrap|node_modules[\\/]zeromq)/.test(l));
  while (kept.length && kept[kept.length - 1]!.trim() === '') kept.pop();
  return kept.join('\n');
}

function firstLine(src: MultilineText): string {
  return joinText(src).split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/**
 * True when a cell's stderr text is an uncaught exception as tslab reports it: the gmemlab kernel hook's
 * `Uncaught <Name>…` line (src/workbench/kernel-hooks.ts), or Node's inspection of an error
 * (`TypeError: message` then `    at …` frames) when the hook is not installed.
 */
export function isExceptionText(text: string): boolean {
  const t = stripAnsi(text).trimStart();
  if (t.startsWith('Uncaught ')) return true;
  return /^[A-Za-z_$][\w$]*(Error|Exception)\b[^\n]*:/.test(t) && /\n\s+at /.test(t);
}

/** Every failing cell of an executed notebook, in order (at most one entry per cell and kind). */
export function findFailures(nb: Notebook): CellFailure[] {
  const out: CellFailure[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    const errors: string[] = [];
    const stderr: string[] = [];
    for (const o of cell.outputs ?? []) {
      if (o.output_type === 'error') {
        const tb = (o.traceback ?? []).join('\n');
        errors.push(tb || `${o.ename ?? 'Error'}: ${o.evalue ?? ''}`);
      } else if (o.output_type === 'stream' && o.name === 'stderr') stderr.push(joinText(o.text));
    }
    const source = firstLine(cell.source);
    const err = stderr.join('');
    // tslab reports a cell's exception on stderr: the kernel hook's `Uncaught …` line, or (without the hook)
    // util.inspect of the error: `SomeError: message` followed by stack frames.
    const exception = !errors.length && isExceptionText(err);
    if (exception) errors.push(err);
    if (errors.length) out.push({ cell: i + 1, kind: 'error', source, text: cleanErrorText(errors.join('\n')) });
    if (stderr.length && !exception) out.push({ cell: i + 1, kind: 'stderr', source, text: cleanErrorText(err) });
  });
  return out;
}

/** Mime types of every display output in the notebook, one array per output (for tests and reports). */
export function displayBundles(nb: Notebook): Array<{ cell: number; mimeTypes: string[]; metadata: Readonly<Record<string, unknown>> }> {
  const out: Array<{ cell: number; mimeTypes: string[]; metadata: Readonly<Record<string, unknown>> }> = [];
  nb.cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      if ((o.output_type === 'display_data' || o.output_type === 'execute_result') && o.data) {
        out.push({ cell: i + 1, mimeTypes: Object.keys(o.data).sort(), metadata: o.metadata ?? {} });
      }
    }
  });
  return out;
}

/**
 * Give every executed code cell its execution count (`In [3]:` in the UI and the HTML export). nbconvert
 * takes the count from the kernel's `execute_input` message, which tslab 1.0.22 never sends
 * (node_modules/tslab/dist/jupyter.js: only `execute_reply` carries `execution_count`), so executed cells
 * come back with `null`. nbclient executes the code cells in order and skips blank ones
 * (nbclient/client.py `async_execute_cell`), and tslab counts every execute request (`++this.execCount`),
 * so the n-th non-blank code cell is execution n. Cells that already have a count keep it. Pure.
 */
export function numberExecutedCells(nb: Notebook): Notebook {
  let n = 0;
  const cells = nb.cells.map((cell) => {
    if (cell.cell_type !== 'code' || joinText(cell.source).trim() === '') return cell;
    n++;
    const c = cell as NotebookCell & { execution_count?: number | null };
    return typeof c.execution_count === 'number' ? cell : { ...cell, execution_count: n };
  });
  return { ...nb, cells };
}

/** Parse notebook JSON text, checking the shape just enough to give a clear error. */
export function parseNotebook(text: string, file: string): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not a notebook (invalid JSON: ${(e as Error).message})`);
  }
  const n = nb as Partial<Notebook>;
  if (typeof n !== 'object' || n === null || !Array.isArray(n.cells) || typeof n.nbformat !== 'number') {
    throw new Error(`${file}: not a Jupyter notebook (no cells/nbformat)`);
  }
  return n as Notebook;
}
