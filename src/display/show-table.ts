import { kernelDisplayWriter } from './kernel-display';
import { tableBundle, type HtmlTableOptions, type TableLike } from './html-table';

/**
 * `showTable(t)`: one call that shows an arquero table (or an array of flat records) as a formatted HTML table
 * in a notebook (one display output with `text/html` and `text/plain`), or prints the plain-text form on
 * stdout outside a kernel (CLI, scripts). A table that is a cell's last value is shown the same way without
 * the call (src/workbench/kernel-hooks.ts).
 */
export function showTable(t: TableLike | readonly Record<string, unknown>[], opts: HtmlTableOptions = {}): void {
  const bundle = tableBundle(t, opts);
  const write = kernelDisplayWriter();
  if (write) write({ ...bundle, transient: {} }, false);
  else process.stdout.write(`${bundle.data['text/plain']}\n`);
}
