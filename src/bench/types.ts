/**
 * Benchmarks (`npm run bench`): each file `scripts/bench/<name>.bench.ts` default-exports a `Benchmark`.
 * The runner runs every benchmark in its own child process (so `process.resourceUsage().maxRSS` is that
 * benchmark's peak RSS), prints one table of all rows and writes `out/bench.csv` with machine info.
 * Benchmarks measure; they never fail on timing. Goals are stated as ratios to a baseline measured in the
 * same run (e.g. CSV import MB/s vs a bare line-splitting loop over the same file).
 */
export interface BenchRow {
  /** What is measured, e.g. `csv-import`. */
  readonly group: string;
  /** The figure, e.g. `MB/s`, `rows/s`, `events/s`, `peak RSS`. */
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** Name of the baseline measured in the same run, e.g. `bare line splitter`. */
  readonly baseline?: string;
  readonly baselineValue?: number;
  /** value / baselineValue (higher is better unless `note` says otherwise). */
  readonly ratio?: number;
  /** The goal as text, e.g. `ratio >= 0.6`, `< 500 MB`. */
  readonly goal?: string;
  readonly note?: string;
}

export interface BenchContext {
  /** Quick mode: tiny inputs, to check a benchmark still runs (used by a smoke test), not for numbers. */
  readonly quick: boolean;
  /** A scratch folder for generated inputs, removed after the run. */
  readonly tmpDir: string;
  readonly projectRoot: string;
  /** Progress text for the terminal (stderr). */
  log(message: string): void;
}

export interface Benchmark {
  readonly name: string;
  readonly summary: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}
