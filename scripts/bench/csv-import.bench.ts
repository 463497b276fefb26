import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark, BenchContext, BenchRow } from '../../src/bench/types';

/**
 * CSV import throughput (issue 3): on a generated canonical CSV of ≥ 1 GB (streamed to ctx.tmpDir, never
 * held in memory), measure in separate child processes, each with its own peak RSS:
 *   - the limit: a bare hand-written line-splitting loop over the same file (and, for reference, a
 *     native `Buffer.indexOf` splitter);
 *   - the canonical reader (bytes → validated columnar batches), goal ≥ 0.6 × the limit, RSS < 500 MB;
 *   - a full `openTrace` pass (SHA-256 of the source + parse + semantic checks);
 *   - papaparse's fastest streaming configuration (fields only, no conversion);
 *   - the first `openTrace` pass that writes the Arrow cache, and a re-run served from it.
 * Each figure is the best of `reps` runs (2 cores shared by a team: the best run is the least disturbed).
 * Wall-clock MB/s is what a user waits for; on a busy shared machine it swings with the load, so the
 * ratios are also given per CPU-second (the `… CPU MB/s` rows), which is the fairer comparison there.
 */
const GB = 1e9;

interface ChildResult {
  readonly mode: string;
  readonly rows: number;
  readonly seconds: number;
  /** CPU time of the measured part (all threads of the child). */
  readonly cpuSeconds: number;
  readonly bytes: number;
  readonly maxRssBytes: number;
}

function child(ctx: BenchContext, mode: string, input: string, extra?: string): ChildResult {
  const report = join(ctx.tmpDir, `${mode}.json`);
  const script = join(ctx.projectRoot, 'scripts', 'bench', 'csv-import.child.ts');
  const args = ['--import', 'tsx', script, mode, input, report, ...(extra === undefined ? [] : [extra])];
  const r = spawnSync(process.execPath, args, { cwd: ctx.projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`csv-import child '${mode}' failed with exit code ${r.status}`);
  return JSON.parse(readFileSync(report, 'utf8')) as ChildResult;
}

/** Best wall time and best CPU time over `reps` runs (peak RSS: the largest seen). */
function best(ctx: BenchContext, mode: string, input: string, reps: number, extra?: string): ChildResult {
  const runs: ChildResult[] = [];
  for (let i = 0; i < reps; i++) {
    const r = child(ctx, mode, input, extra);
    ctx.log(`${mode}: ${(r.bytes / 1e6 / r.seconds).toFixed(1)} MB/s (${(r.bytes / 1e6 / r.cpuSeconds).toFixed(1)} per CPU-s), ${(r.maxRssBytes / 1e6).toFixed(0)} MB peak RSS`);
    runs.push(r);
  }
  const fastest = runs.reduce((a, r) => (r.seconds < a.seconds ? r : a));
  return {
    ...fastest,
    cpuSeconds: Math.min(...runs.map((r) => r.cpuSeconds)),
    maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)),
  };
}

const bench: Benchmark = {
  name: 'csv-import',
  summary: 'canonical CSV import MB/s and rows/s on a generated ≥ 1 GB file vs a bare line splitter; papaparse; Arrow cache',
  async run(ctx) {
    const target = ctx.quick ? 4e6 : 1.05 * GB;
    const reps = ctx.quick ? 1 : 2;
    const csv = join(ctx.tmpDir, 'bench.csv');
    if (!existsSync(csv) || statSync(csv).size < target) {
      ctx.log(`generating ${(target / 1e6).toFixed(0)} MB canonical CSV in ${ctx.tmpDir}`);
      child(ctx, 'generate', csv, String(target));
    }
    const size = statSync(csv).size;
    const mb = (r: ChildResult): number => r.bytes / 1e6 / r.seconds;
    const cpuMb = (r: ChildResult): number => r.bytes / 1e6 / r.cpuSeconds;
    const split = best(ctx, 'split', csv, reps);
    const native = best(ctx, 'split-native', csv, reps);
    const parse = best(ctx, 'parse', csv, reps);
    const open = best(ctx, 'open', csv, reps);
    const papa = best(ctx, 'papaparse', csv, 1);
    const cacheDir = join(ctx.tmpDir, 'cache');
    rmSync(cacheDir, { recursive: true, force: true });
    const build = best(ctx, 'cache-build', csv, 1, cacheDir);
    const load = best(ctx, 'cache-load', csv, reps, cacheDir);
    const arrowBytes = readdirSync(join(cacheDir, 'traces')).filter((f) => f.endsWith('.arrow')).reduce((n, f) => n + statSync(join(cacheDir, 'traces', f)).size, 0);
    const g = `csv-import ${size >= 1e8 ? `${(size / 1e9).toFixed(2)} GB` : `${(size / 1e6).toFixed(1)} MB`}, ${parse.rows.toLocaleString('en-US')} rows`;
    const limit = 'bare line splitter (hand-written byte loop)';
    const row = (metric: string, value: number, unit: string, more: Partial<BenchRow> = {}): BenchRow => ({ group: g, metric, value, unit, ...more });
    const vsLimit = (r: ChildResult, goal?: string): Partial<BenchRow> => ({
      baseline: limit, baselineValue: mb(split), ratio: mb(r) / mb(split), ...(goal ? { goal } : {}),
    });
    return [
      row('line splitter MB/s', mb(split), 'MB/s', { note: 'the limit: a JS loop finding every line end, nothing else' }),
      row('native indexOf splitter MB/s', mb(native), 'MB/s', { ...vsLimit(native), note: 'reference: Buffer.indexOf (memchr) per line' }),
      row('canonical parse MB/s', mb(parse), 'MB/s', vsLimit(parse, 'ratio >= 0.6')),
      row('line splitter CPU MB/s', cpuMb(split), 'MB/CPU-s', { note: 'per CPU-second (all threads)' }),
      row('canonical parse CPU MB/s', cpuMb(parse), 'MB/CPU-s', {
        baseline: 'line splitter CPU MB/s', baselineValue: cpuMb(split), ratio: cpuMb(parse) / cpuMb(split), goal: 'ratio >= 0.6',
      }),
      row('canonical parse rows/s', parse.rows / parse.seconds, 'rows/s'),
      row('canonical parse peak RSS', parse.maxRssBytes / 1e6, 'MB', { goal: '< 500 MB' }),
      row('openTrace pass MB/s', mb(open), 'MB/s', { ...vsLimit(open), note: 'SHA-256 of the source + parse + semantic checks, no cache' }),
      row('openTrace pass peak RSS', open.maxRssBytes / 1e6, 'MB', { goal: '< 500 MB' }),
      row('papaparse MB/s', mb(papa), 'MB/s', { ...vsLimit(papa), note: 'fastest streaming config (duplex stream, fastMode, arrays, no typing); fields only, no conversion' }),
      row('papaparse CPU MB/s', cpuMb(papa), 'MB/CPU-s', { baseline: 'line splitter CPU MB/s', baselineValue: cpuMb(split), ratio: cpuMb(papa) / cpuMb(split) }),
      row('papaparse peak RSS', papa.maxRssBytes / 1e6, 'MB'),
      row('first openTrace pass writing the cache MB/s', mb(build), 'MB/s', { note: 'SHA-256 + parse + checks + digest + Arrow write' }),
      row('re-run from the Arrow cache, CSV MB/s', mb(load), 'MB/s', {
        baseline: 'openTrace pass (no cache)', baselineValue: mb(open), ratio: mb(load) / mb(open),
        note: `${(arrowBytes / 1e6).toFixed(0)} MB Arrow entry, every block checksummed; source hash memoised`,
      }),
      row('re-run from the Arrow cache, CSV CPU MB/s', cpuMb(load), 'MB/CPU-s', { baseline: 'openTrace pass CPU MB/s', baselineValue: cpuMb(open), ratio: cpuMb(load) / cpuMb(open) }),
      row('Arrow cache load rows/s', load.rows / load.seconds, 'rows/s'),
      row('Arrow cache load peak RSS', load.maxRssBytes / 1e6, 'MB', { goal: '< 500 MB' }),
    ];
  },
};

export default bench;
