/**
 * The `eval` source that starts a worker thread on a `.ts` entry file, loading the project's TypeScript the
 * way this thread does: from the compiled build (scripts/build.cjs) when this process registered one — the
 * same generation, so a thread never runs code of another build — and otherwise through tsx's CommonJS hook
 * (tests run from the sources under `--import tsx`, and a worker thread does not inherit loader hooks).
 * Both loaders are required by absolute path, so this works whatever the worker's working folder is.
 */
export function workerBootstrap(entry: string): string {
  const active = (globalThis as Record<symbol, unknown>)[Symbol.for('gmemlab.build')] as { script: string; root: string; genDir: string } | undefined;
  const load = active
    ? `require(${JSON.stringify(active.script)}).useGeneration(${JSON.stringify(active.root)}, ${JSON.stringify(active.genDir)});`
    : `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();`;
  return `${load} require(${JSON.stringify(entry)});`;
}
