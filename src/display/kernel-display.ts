import { sep } from 'node:path';

/**
 * The one place gmemlab reaches into tslab's internals.
 *
 * tslab's public `display` API (`import * as tslab from 'tslab'`) sends one MIME type per call
 * (`display.png(…)`, `display.svg(…)`), which would give one output per format. A chart must be ONE output
 * whose bundle holds the vega-lite spec, a PNG and an SVG, so the front end picks the richest format it can
 * show. tslab 1.0.22 keeps the current cell's display writer in `tslab/dist/jupyter.js` as
 * `exports.lastWriteDisplayData(content, update)`, where `content` is the `display_data` message content
 * (`{data, metadata, transient: {display_id}}`) and `update` sends `update_display_data` instead. That is
 * what its public `Display.raw` calls too. tslab is pinned exactly (package.json) because of this; the test
 * test/workbench/kernel-display.test.ts fails if a tslab upgrade moves it.
 *
 * The module is looked up in `require.cache` rather than required: inside a kernel it is already loaded
 * (the kernel is `node_modules/tslab`, started by scripts/tslab-kernel.js), and outside a kernel (CLI, tests)
 * we must not load tslab and its bundled TypeScript just to find out we are not in one.
 */

/** Content of a Jupyter `display_data` / `update_display_data` message. */
export interface DisplayContent {
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly transient?: { readonly display_id?: string };
}

/** Sends a display message to the front end; `update` replaces the output with the same display_id. */
export type DisplayWriter = (content: DisplayContent, update: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: ((content: DisplayContent, update: boolean) => void) | null;
}

const TSLAB_JUPYTER_SUFFIX = `${sep}tslab${sep}dist${sep}jupyter.js`;

function tslabJupyterModule(): TslabJupyterModule | undefined {
  const cache = require.cache;
  for (const key in cache) {
    if (!key.endsWith(TSLAB_JUPYTER_SUFFIX)) continue;
    const exp = cache[key]?.exports as Partial<TslabJupyterModule> | undefined;
    if (exp && 'lastWriteDisplayData' in exp) return exp as TslabJupyterModule;
  }
  return undefined;
}

/**
 * The kernel's display writer when this code runs inside a tslab kernel that is executing a cell, else
 * `undefined` (CLI, tests, scripts). The writer always targets the cell running when it is called.
 */
export function kernelDisplayWriter(): DisplayWriter | undefined {
  const m = tslabJupyterModule();
  if (!m || typeof m.lastWriteDisplayData !== 'function') return undefined;
  return (content, update) => {
    const write = m.lastWriteDisplayData;
    if (typeof write !== 'function') throw new Error('tslab kernel display is not available');
    write(content, update);
  };
}

/** True inside a tslab kernel (a notebook cell is running). */
export function inKernel(): boolean {
  return kernelDisplayWriter() !== undefined;
}
