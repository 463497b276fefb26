import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { oneLineArgError } from '../log/arg-error';
import { formatTable } from '../display/text-table';
import { writeFileAtomic } from '../io/atomic';
import { formatDiagnosticLine } from '../log/diagnostic';
import { benchMessages } from '../log/messages/bench';
import { PROJECT_ROOT } from '../version';
import { runProcess } from '../workbench/run-process';
import { loadBenchmark, type ChildReport } from './child';
import { machineInfo, type MachineInfo } from './machine';
import type { BenchRow } from './types';

/**
 * `npm run bench` / `gmemlab bench`: discover `scripts/bench/*.bench.ts`, run each in its own child process
 * (`node --require scripts/build-register.cjs scripts/bench-child.ts`), print one table of every row and write the rows with the
 * machine's description to `out/bench.csv` (`out/bench-quick.csv` with `--quick`). Rows of benchmarks not
 * run this time are kept from the previous file, so `npm run bench -- render` refreshes only its rows.
 * Benchmarks never fail on timing; a benchmark that crashes is reported and the runner exits 1.
 */

export const BENCH_USAGE = `Usage: npm run bench [-- [--quick] [--list] [-o <file.csv>] [<name>…]]

Runs the benchmarks in scripts/bench/ (all, or those named), each in its own process, prints one table and
writes out/bench.csv (out/bench-quick.csv with --quick: tiny inputs, numbers not meaningful).
`;

/** A discovered benchmark file. */
export interface BenchFile {
  /** File name without `.bench.ts`, e.g. `render`. */
  readonly name: string;
  readonly path: string;
}

/** The outcome of one benchmark. */
export interface BenchResult {
  readonly name: string;
  readonly rows: readonly BenchRow[];
  readonly seconds: number;
  /** Peak resident memory of the benchmark's process. */
  readonly maxRssBytes?: number;
  /** Set when the child crashed or reported nothing. */
  readonly error?: string;
}

/** `scripts/bench/*.bench.ts`, sorted by name. */
export function discoverBenchmarks(root: string = PROJECT_ROOT): BenchFile[] {
  const dir = join(root, 'scripts', 'bench');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.bench.ts'.length), path: join(dir, f) }));
}

/** Run one benchmark file in a child process. */
export async function runBenchmark(file: BenchFile, opts: { quick: boolean; root?: string }): Promise<BenchResult> {
  const root = opts.root ?? PROJECT_ROOT;
  const scratch = mkdtempSync(join(tmpdir(), 'gmemlab-bench-report-'));
  const report = join(scratch, 'report.json');
  try {
    // src/ from the compiled build (one snapshot for the child and its worker threads), the bench files through tsx
    const r = await runProcess(process.execPath, ['--require', join(root, 'scripts', 'build-register.cjs'), join(root, 'scripts', 'bench-child.ts'), file.path, report, opts.quick ? '1' : '0'], {
      cwd: root,
      env: { ...process.env, GMEMLAB_PROGRESS: process.env.GMEMLAB_PROGRESS ?? 'line' },
    });
    if (r.stderr) process.stderr.write(r.stderr);
    if (r.code !== 0 || !existsSync(report)) {
      const lastLine = r.stderr.trim().split('\n').filter((l) => l.trim() && !l.trim().startsWith('at ')).pop() ?? '';
      return { name: file.name, rows: [], seconds: r.ms / 1000, error: `exit code ${r.code ?? r.signal}${lastLine ? `: ${lastLine.trim()}` : ''}` };
    }
    const rep = JSON.parse(readFileSync(report, 'utf8')) as ChildReport;
    return { name: file.name, rows: withPeakRss(file.name, rep), seconds: rep.seconds, maxRssBytes: rep.maxRssBytes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The benchmark's rows, plus a `peak RSS` row unless it reported one itself; ratios filled in. */
export function withPeakRss(name: string, rep: ChildReport): BenchRow[] {
  const rows: BenchRow[] = rep.rows.map((r) =>
    r.ratio === undefined && r.baselineValue !== undefined && r.baselineValue !== 0 ? { ...r, ratio: r.value / r.baselineValue } : r,
  );
  if (rep.rows.length > 0 && !rep.rows.some((r) => r.metric === 'peak RSS')) {
    rows.push({ group: name, metric: 'peak RSS', value: rep.maxRssBytes / 2 ** 20, unit: 'MiB', note: 'whole benchmark process' });
  }
  return rows;
}

/** Numbers for tables: 4 significant digits, thousands separators, no exponent below 1e15. */
export function formatValue(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : abs >= 1 ? 3 : 4;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** The printed table: one line per row. */
export function benchTable(results: readonly BenchResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    if (r.error) rows.push([r.name, 'FAILED', '', '', '', '', '', r.error]);
    for (const row of r.rows) {
      rows.push([row.group, row.metric, formatValue(row.value), row.unit, row.baseline ?? '', formatValue(row.ratio), row.goal ?? '', row.note ?? '']);
    }
  }
  return formatTable(
    ['group', 'metric', { header: 'value', align: 'right' }, 'unit', 'baseline', { header: 'ratio', align: 'right' }, 'goal', 'note'],
    rows,
  );
}

/** CSV columns of out/bench.csv. */
export const BENCH_CSV_COLUMNS = [
  'benchmark', 'group', 'metric', 'value', 'unit', 'baseline', 'baseline_value', 'ratio', 'goal', 'note', 'quick',
  'cpu', 'cores', 'ram_gib', 'node', 'os', 'commit', 'date', 'load1',
] as const;

type CsvRecord = Record<(typeof BENCH_CSV_COLUMNS)[number], string>;

function csvNumber(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '' : String(Number(x.toPrecision(6)));
}

/** Rows of this run as CSV records. */
export function benchRecords(results: readonly BenchResult[], m: MachineInfo, quick: boolean): CsvRecord[] {
  const out: CsvRecord[] = [];
  for (const r of results) {
    for (const row of r.rows) {
      out.push({
        benchmark: r.name, group: row.group, metric: row.metric, value: csvNumber(row.value), unit: row.unit,
        baseline: row.baseline ?? '', baseline_value: csvNumber(row.baselineValue), ratio: csvNumber(row.ratio),
        goal: row.goal ?? '', note: row.note ?? '', quick: quick ? 'true' : 'false',
        cpu: m.cpu, cores: String(m.cores), ram_gib: String(m.ramGiB), node: m.node, os: m.os, commit: m.commit, date: m.date, load1: String(m.load1),
      });
    }
  }
  return out;
}

/** Merge: previous records of benchmarks not in `ran`, then the new records; as CSV text. */
export function mergeBenchCsv(previousCsv: string | undefined, ran: readonly string[], records: readonly CsvRecord[]): string {
  let kept: CsvRecord[] = [];
  if (previousCsv) {
    const parsed = Papa.parse<CsvRecord>(previousCsv, { header: true, skipEmptyLines: true });
    kept = parsed.data.filter((r) => r.benchmark !== undefined && !ran.includes(r.benchmark));
  }
  return Papa.unparse([...kept, ...records], { columns: [...BENCH_CSV_COLUMNS], newline: '\n' }) + '\n';
}

/** Output channels of the runner (tests capture them). */
export interface BenchIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

const processIO: BenchIO = { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) };

function parseBenchArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: { quick: { type: 'boolean' }, list: { type: 'boolean' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return oneLineArgError(e);
  }
}

/** What to run (the parsed command line of `npm run bench` / `gmemlab bench`). */
export interface BenchSuiteOptions {
  /** Benchmark names; empty: all. */
  readonly names: readonly string[];
  readonly quick: boolean;
  /** Only list the benchmarks. */
  readonly list?: boolean;
  /** CSV target (default out/bench.csv, or out/bench-quick.csv when quick). */
  readonly out?: string;
}

/** The runner's command line; returns the exit code (0 ok, 1 a benchmark failed, 2 bad arguments). */
export async function benchMain(argv: readonly string[], io: BenchIO = processIO, root: string = PROJECT_ROOT): Promise<number> {
  const args = parseBenchArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`argument: ${args}\n${BENCH_USAGE}`);
    return 2;
  }
  if (args.values.help) {
    io.stdout(BENCH_USAGE);
    return 0;
  }
  const v = args.values;
  return runBenchSuite({ names: args.positionals, quick: Boolean(v.quick), list: Boolean(v.list), ...(v.out !== undefined ? { out: v.out } : {}) }, io, root);
}

/** Run (or list) benchmarks, print the table, write the CSV; returns the exit code. */
export async function runBenchSuite(o: BenchSuiteOptions, io: BenchIO = processIO, root: string = PROJECT_ROOT): Promise<number> {
  const all = discoverBenchmarks(root);
  if (o.list) {
    io.stdout(formatTable(['name', 'summary'], all.map((f) => [f.name, loadBenchmark(f.path).summary])));
    return 0;
  }
  const unknown = o.names.find((n) => !all.some((f) => f.name === n));
  if (unknown !== undefined) {
    io.stderr(`${formatDiagnosticLine(benchMessages.unknownBenchmark({}, unknown, all.map((f) => f.name)))}\n`);
    return 2;
  }
  const selected = o.names.length ? all.filter((f) => o.names.includes(f.name)) : all;
  const m = machineInfo(root); // at the start: the commit measured and the load the run began under
  const results: BenchResult[] = [];
  for (const f of selected) {
    io.stderr(`bench ${f.name}${o.quick ? ' (quick)' : ''}…\n`);
    const r = await runBenchmark(f, { quick: o.quick, root });
    if (r.rows.length === 0 && !r.error) io.stderr(`  [${f.name}] no rows${o.quick ? ' (skipped in quick mode)' : ''}\n`);
    results.push(r);
  }
  io.stdout(`\n${benchTable(results)}`);
  const target = o.out ?? join(root, 'out', o.quick ? 'bench-quick.csv' : 'bench.csv');
  mkdirSync(dirname(target), { recursive: true });
  const previous = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  writeFileAtomic(target, mergeBenchCsv(previous, selected.map((f) => f.name), benchRecords(results, m, o.quick)));
  io.stdout(`\n${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB, Node ${m.node}, ${m.os}, commit ${m.commit || '?'}, load average ${m.load1} at the start\nwrote ${displayPath(target)}\n`);
  const failed = results.filter((r) => r.error);
  for (const r of failed) io.stderr(`${formatDiagnosticLine(benchMessages.failed({}, r.name, r.error!))}\n`);
  return failed.length ? 1 : 0;
}

function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}
