import { existsSync } from 'node:fs';

/**
 * How the project's tslab kernel compiles notebook cells (loaded by scripts/tslab-kernel.js before tslab).
 *
 * tslab 1.0.22 type-checks AND emits, with its bundled TypeScript 5.0.4 and `declaration: true`, every
 * `.ts` file a cell imports, transitively: a cell with `import * as gm from './src/index'` made the checker
 * walk all of `src/` (~300 files, vega-lite's types) and emit declarations for each — about 35 s of CPU per
 * notebook here, most of a short notebook's run. The kernel instead:
 *
 * - type-checks only the cell (and tslab's in-memory modules): the cell is still checked against the real
 *   types of `src/`, which the checker reads lazily; `src/` itself is type-checked by `npm run typecheck`
 *   (TypeScript 5.9) and compiled with tslab's TypeScript 5.0.4 by test/typecheck.test.ts;
 * - emits only the cell: imported `.ts` files on disk are loaded by Node's `require` through tsx's CommonJS
 *   hook (esbuild; the same loader as the CLI and the tests), which the wrapper registers.
 *
 * Measured (conversion of a cell importing src/index, 2-core machine under load): 36.5 s → 4.7 s; loading
 * `src/` through tsx then takes ~2 s of CPU. Consequence for interactive use: like any Node module, a `src/`
 * file edited while a kernel runs is picked up after a kernel restart, not by re-running a cell.
 *
 * The patch is a wrapper around the TypeScript module object tslab's converter requires (its functions
 * `getPreEmitDiagnosticsOfFiles` and `createWatchProgram`); tslab is pinned exactly (package.json), and
 * test/workbench/kernel-compile.test.ts runs tslab's real converter through it.
 */

/** The parts of the TypeScript module the wrapper touches (typed loosely: it is tslab's bundled copy). */
interface TsLike {
  getPreEmitDiagnosticsOfFiles(program: unknown, files: ReadonlyArray<{ fileName: string }>, token?: unknown): unknown;
  createWatchProgram(host: { afterProgramCreate?: (b: BuilderLike) => void }): unknown;
  [k: string]: unknown;
}

interface BuilderLike {
  emit(sourceFile?: { fileName: string }, ...rest: unknown[]): unknown;
}

/**
 * True for a source file the kernel leaves to Node (tsx): a TypeScript file that exists on disk and is not
 * tslab's cell file or declarations of previous cells. Declaration files, JavaScript files and tslab's
 * in-memory modules keep tslab's handling.
 */
export function loadedByNode(fileName: string, exists: (p: string) => boolean = existsSync): boolean {
  if (!/\.(ts|tsx|mts|cts)$/.test(fileName) || /\.d\.(ts|mts|cts)$/.test(fileName)) return false;
  if (/(^|\/)__tslab__\.tsx?$/.test(fileName)) return false;
  return exists(fileName);
}

/**
 * A copy of tslab's TypeScript module object whose pre-emit diagnostics and emits leave out files
 * `loadedByNode`. Every other property forwards to `ts`.
 */
export function wrapTypescriptForKernel<T extends object>(ts: T, exists: (p: string) => boolean = existsSync): T {
  const src = ts as unknown as TsLike;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) Object.defineProperty(out, k, { get: () => src[k], enumerable: true, configurable: true });
  const keep = (files: ReadonlyArray<{ fileName: string }>) => files.filter((f) => !loadedByNode(f.fileName, exists));
  Object.defineProperty(out, 'getPreEmitDiagnosticsOfFiles', {
    enumerable: true,
    value: (program: unknown, files: ReadonlyArray<{ fileName: string }>, token?: unknown) => src.getPreEmitDiagnosticsOfFiles(program, keep(files), token),
  });
  Object.defineProperty(out, 'createWatchProgram', {
    enumerable: true,
    value: (host: { afterProgramCreate?: (b: BuilderLike) => void }) => {
      const after = host.afterProgramCreate;
      host.afterProgramCreate = (b: BuilderLike) => {
        const emit = b.emit.bind(b);
        b.emit = (sf?: { fileName: string }, ...rest: unknown[]) =>
          sf && loadedByNode(sf.fileName, exists) ? { emitSkipped: true, diagnostics: [] } : emit(sf, ...rest);
        after?.(b);
      };
      return src.createWatchProgram(host);
    },
  });
  return out as T;
}
