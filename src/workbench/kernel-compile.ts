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
 * - emits only the cell: imported `.ts` files on disk are loaded by Node's `require` from the compiled build
 *   (scripts/build.cjs: esbuild output under the source's own file name, as in the CLI);
 * - checks the cell against the declarations of `src/` (`build/types-*`, built by tsc when stale) rather than
 *   its sources, when they could be built (`KernelTypes`); otherwise against the sources as before.
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
  createWatchProgram(host: WatchHostLike): unknown;
  resolveModuleName(name: string, containingFile: string, options: unknown, host: unknown, cache?: unknown, redirected?: unknown): { resolvedModule?: ResolvedLike };
  [k: string]: unknown;
}

interface ResolvedLike {
  resolvedFileName: string;
  extension?: string;
  [k: string]: unknown;
}

interface WatchHostLike {
  afterProgramCreate?: (b: BuilderLike) => void;
  resolveModuleNames?: (names: string[], containingFile: string, reused: unknown, redirected: unknown, options: unknown) => Array<ResolvedLike | undefined>;
}

/** Where the kernel finds the type declarations of src/ (scripts/build.cjs `ensureTypes`). */
export interface KernelTypes {
  /** `<root>/src`. */
  readonly srcDir: string;
  /** The declarations folder: `<typesDir>/x/y.d.ts` declares `<srcDir>/x/y.ts`. */
  readonly typesDir: string;
}

/**
 * The declaration file standing for a source module, or undefined: a `.ts` file under `srcDir` whose
 * `.d.ts` exists under `typesDir`. Cells that import `./src/...` are then checked against the declarations
 * (no function bodies to parse and bind: ~0.4 s instead of ~2.5 s of CPU for a cell importing src/index,
 * measured with tslab's converter) while Node still runs the compiled sources.
 */
export function declarationFor(fileName: string, types: KernelTypes, exists: (p: string) => boolean = existsSync): string | undefined {
  const src = types.srcDir.endsWith('/') ? types.srcDir : `${types.srcDir}/`;
  if (!fileName.startsWith(src) || !/\.ts$/.test(fileName) || /\.d\.ts$/.test(fileName)) return undefined;
  const d = `${types.typesDir.replace(/\/$/, '')}/${fileName.slice(src.length, -3)}.d.ts`;
  return exists(d) ? d : undefined;
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
 * `loadedByNode`, and, given `types`, whose watch programs resolve `src/` modules to their declarations
 * (`declarationFor`). Every other property forwards to `ts`.
 */
export function wrapTypescriptForKernel<T extends object>(ts: T, exists: (p: string) => boolean = existsSync, types?: KernelTypes): T {
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
    value: (host: WatchHostLike) => {
      if (types) {
        // module resolution as tslab's host does it, then src/ modules swapped for their declarations
        host.resolveModuleNames = (names, containingFile, _reused, redirected, options) =>
          names.map((n) => {
            const r = src.resolveModuleName(n, containingFile, options, host, undefined, redirected).resolvedModule;
            const d = r ? declarationFor(r.resolvedFileName, types, exists) : undefined;
            return r && d ? { ...r, resolvedFileName: d, extension: '.d.ts' } : r;
          });
      }
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
