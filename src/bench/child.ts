import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../version';
import type { Benchmark, BenchContext, BenchRow } from './types';

/**
 * The child-process side of the benchmark runner: load one `scripts/bench/<name>.bench.ts`, run it, and
 * write `{rows, maxRssBytes, seconds}` as JSON to a file the parent named. One benchmark per process, so
 * `maxRssBytes` (from `process.resourceUsage().maxRSS`) is that benchmark's own peak.
 */

/** What the child reports to the runner. */
export interface ChildReport {
  readonly rows: readonly BenchRow[];
  readonly maxRssBytes: number;
  readonly seconds: number;
}

/** Check that a module's default export is a `Benchmark`; returns a reason when it is not. */
export function benchmarkProblem(value: unknown): string | undefined {
  const b = value as Partial<Benchmark> | undefined;
  if (!b || typeof b !== 'object') return 'the file has no default export object';
  if (typeof b.name !== 'string' || !b.name) return 'default export has no name';
  if (typeof b.summary !== 'string') return 'default export has no summary';
  if (typeof b.run !== 'function') return 'default export has no run() function';
  return undefined;
}

/** Load the benchmark module at `file` (a .bench.ts path). Throws with a clear reason when it is not one. */
export function loadBenchmark(file: string): Benchmark {
  // require(): sources run as CommonJS under tsx, and the runner passes an absolute path.
  const mod = require(file) as { default?: unknown };
  const problem = benchmarkProblem(mod.default);
  if (problem) throw new Error(`${file}: ${problem}`);
  return mod.default as Benchmark;
}

/** Check every row has the required fields with the right types; returns a reason or undefined. */
export function rowProblem(row: BenchRow): string | undefined {
  if (typeof row.group !== 'string' || typeof row.metric !== 'string' || typeof row.unit !== 'string') return 'group, metric and unit must be strings';
  if (typeof row.value !== 'number') return `value of ${row.metric} is not a number`;
  return undefined;
}

/** Run the benchmark in this process and report to `outFile`. */
export async function runChild(file: string, outFile: string, quick: boolean): Promise<void> {
  const bench = loadBenchmark(file);
  const tmpDir = mkdtempSync(join(tmpdir(), `gmemlab-bench-${bench.name.replace(/[^\w-]/g, '_')}-`));
  const ctx: BenchContext = {
    quick,
    tmpDir,
    projectRoot: PROJECT_ROOT,
    log: (m) => void process.stderr.write(`  [${bench.name}] ${m}\n`),
  };
  const start = process.hrtime.bigint();
  try {
    const rows = await bench.run(ctx);
    for (const r of rows) {
      const p = rowProblem(r);
      if (p) throw new Error(`${bench.name}: bad row: ${p}`);
    }
    const report: ChildReport = {
      rows,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      seconds: Number(process.hrtime.bigint() - start) / 1e9,
    };
    writeFileSync(outFile, JSON.stringify(report));
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}
