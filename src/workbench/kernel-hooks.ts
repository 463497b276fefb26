import { sep } from 'node:path';
import type { Diagnostic } from '../log/diagnostic';
import { formatDiagnostic } from '../log/diagnostic';
import { kernelDisplayWriter } from '../display/kernel-display';
import { isTableLike, tableBundle } from '../display/html-table';

/**
 * How the gmemlab kernel shows a cell's last value and a cell's exception (installed by
 * scripts/tslab-kernel.js before tslab starts).
 *
 * tslab 1.0.22 prints both with `console`: the last expression's value with `console.log(ret)` and an
 * exception with `console.error(e)` (node_modules/tslab/dist/executor.js, `execute`), i.e. through
 * `util.inspect`. That shows an arquero table as its internals (`ColumnTable { _names, _data … }`) and a
 * `GmemlabError` as its full Node stack plus the dumped `diagnostic: {…}` object. The hooks wrap
 * `console.log` / `console.error` and act only when the call comes straight from tslab's executor with one
 * argument (a user's own `console.log(x)` is left alone):
 *
 * - a table (arquero or anything `isTableLike`) becomes ONE display output: formatted HTML + plain text
 *   (src/display/html-table.ts);
 * - an exception becomes one line `Uncaught <Name> [<code>]: <message>` on stderr — for a `GmemlabError` its
 *   diagnostic as the CLI prints it, no stack unless `GMEMLAB_DEBUG` is set; other errors keep their stack
 *   frames (they are bugs). The runner recognises the `Uncaught ` prefix and reports an exception, not
 *   "wrote to stderr" (notebook-json.ts `findFailures`).
 */

/** Prefix of the line the kernel writes for a cell's uncaught exception. */
export const UNCAUGHT_PREFIX = 'Uncaught ';

const EXECUTOR = `${sep}tslab${sep}dist${sep}executor.js`;

/** True when the function that called the wrapper (two frames up) is tslab's executor. */
function calledByExecutor(): boolean {
  const stack = new Error().stack ?? '';
  const frames = stack.split('\n').slice(1).filter((l) => /^\s+at /.test(l));
  // frames[0] = this function, [1] = the console wrapper, [2] = its caller
  return frames[2]?.includes(EXECUTOR) ?? false;
}

function isDebug(env: NodeJS.ProcessEnv): boolean {
  const v = env.GMEMLAB_DEBUG;
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

function diagnosticOf(e: unknown): Diagnostic | undefined {
  const d = (e as { diagnostic?: Partial<Diagnostic> } | null)?.diagnostic;
  return d && typeof d === 'object' && typeof d.code === 'string' && typeof d.message === 'string' ? (d as Diagnostic) : undefined;
}

/**
 * The text shown for a cell's uncaught exception. A gmemlab error: `Uncaught GmemlabError [code]: <diagnostic>`
 * (stack only in debug mode). Anything else: `Uncaught <Name>: <message>` and its stack frames, minus the
 * kernel's own (tslab, node:vm, node:internal). Non-errors thrown (`throw 'x'`): `Uncaught 'x'`.
 */
export function formatCellException(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const debug = isDebug(env);
  const frames = (err: Error): string[] => (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l))
    .filter((l) => !/(node_modules[\\/]tslab[\\/]|node:vm|node:internal|scripts[\\/]tslab-kernel)/.test(l));
  const d = diagnosticOf(e);
  if (d !== undefined) {
    const head = `${UNCAUGHT_PREFIX}${(e as Error).name || 'GmemlabError'} [${d.code}]: ${formatDiagnostic(d)}`;
    return debug && e instanceof Error ? [head, ...frames(e)].join('\n') : head;
  }
  if (e instanceof Error) return [`${UNCAUGHT_PREFIX}${e.name}: ${e.message}`, ...frames(e)].join('\n');
  return `${UNCAUGHT_PREFIX}${typeof e === 'string' ? JSON.stringify(e) : String(e)}`;
}

let installed = false;

/** Wrap `console.log` and `console.error` as described above (idempotent). */
export function installKernelHooks(): void {
  if (installed) return;
  installed = true;
  const log = console.log.bind(console);
  const error = console.error.bind(console);
  console.log = (...args: unknown[]): void => {
    if (args.length === 1 && isTableLike(args[0]) && calledByExecutor()) {
      const write = kernelDisplayWriter();
      if (write) {
        write({ ...tableBundle(args[0]), transient: {} }, false);
        return;
      }
    }
    log(...args);
  };
  console.error = (...args: unknown[]): void => {
    if (args.length === 1 && (args[0] instanceof Error || diagnosticOf(args[0]) !== undefined) && calledByExecutor()) {
      process.stderr.write(`${formatCellException(args[0])}\n`);
      return;
    }
    error(...args);
  };
}
