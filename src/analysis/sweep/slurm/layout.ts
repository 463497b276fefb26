import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../io/atomic';
import { fail, GmemlabError } from '../../../log/diagnostic';
import { foundText } from '../../../log/found-text';
import { readTextFile } from '../../../io/input';
import { sweepMessages } from '../../../log/messages/sweep';
import type { RunSpec } from '../../../run/run-spec';
import type { SweepPoint, TraceRef } from '../expand';
import { decodeJson, encodeJson } from './codec';

/**
 * The self-contained sweep directory of a Slurm sweep (docs/slurm.md), on a path every node shares:
 *
 *   manifest.json      what the sweep is: name, gmemlab version, run/task counts, runs per task, job name
 *   runs.json          the distinct runs in run order (the order of the results file): point, resolved run
 *                      spec (the one `gmemlab run` would get) and its specHash, trace key
 *   specs/task-N.json  the entries of runs.json that task N runs (a task reads only its own)
 *   traces.json        each trace reference with the digest and row count seen when the sweep was prepared
 *   job.sbatch         the array job script (`#SBATCH --array=0-N%limit`)
 *   jobs.json          every submission: Slurm job id and the task indices it covered
 *   rows/task-N.json   the result rows of task N (written atomically by the task when all its runs finished)
 *   errors/task-N.txt  the one-line error of task N when it failed (removed when it is resubmitted)
 *   logs/task-N.out|.err  the task's stdout/stderr (Slurm's --output/--error)
 *
 * Task N runs the runs `N·runsPerTask … (N+1)·runsPerTask − 1`.
 */
export const SWEEP_DIR_FORMAT = 'gmemlab-slurm-sweep/1';

export interface SlurmManifest {
  readonly format: typeof SWEEP_DIR_FORMAT;
  readonly name: string;
  readonly version: string;
  readonly runs: number;
  readonly runsPerTask: number;
  readonly tasks: number;
  /** `--job-name` of every submission (squeue is filtered by it). */
  readonly jobName: string;
}

export interface RunEntry {
  /** Position in run order (distinct runs of the sweep, first point of each specHash). */
  readonly run: number;
  readonly specHash: string;
  readonly traceKey: string;
  readonly point: SweepPoint;
  readonly spec: RunSpec;
}

export interface TraceEntry {
  readonly key: string;
  readonly label: string;
  readonly ref: TraceRef;
  readonly digest: string;
  readonly events: number;
}

export interface JobRecord {
  readonly jobId: string;
  readonly tasks: readonly number[];
}

/** A task's result file. */
export interface TaskRows {
  readonly task: number;
  readonly rows: readonly { readonly specHash: string; readonly row: Record<string, unknown> }[];
}

export function paths(dir: string) {
  const d = resolve(dir);
  const pad = (n: number): string => String(n);
  return {
    dir: d,
    manifest: join(d, 'manifest.json'),
    runs: join(d, 'runs.json'),
    traces: join(d, 'traces.json'),
    script: join(d, 'job.sbatch'),
    jobs: join(d, 'jobs.json'),
    rowsDir: join(d, 'rows'),
    errorsDir: join(d, 'errors'),
    logsDir: join(d, 'logs'),
    specsDir: join(d, 'specs'),
    spec: (task: number) => join(d, 'specs', `task-${pad(task)}.json`),
    rows: (task: number) => join(d, 'rows', `task-${pad(task)}.json`),
    error: (task: number) => join(d, 'errors', `task-${pad(task)}.txt`),
    log: (task: number) => join(d, 'logs', `task-${pad(task)}.err`),
  };
}

export type SweepPaths = ReturnType<typeof paths>;

/** The runs of task `task` (indices into runs.json). */
export function taskRuns(m: SlurmManifest, task: number): number[] {
  const out: number[] = [];
  for (let r = task * m.runsPerTask; r < Math.min(m.runs, (task + 1) * m.runsPerTask); r++) out.push(r);
  return out;
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${encodeJson(value, 1)}\n`);
}

/** Read a JSON file of the sweep directory; a missing or broken file is `sweep.slurm-not-sweep-dir` (exit 2). */
export function readJson<T>(path: string): T {
  let text: string;
  try {
    // a regular file only: a FIFO in the directory would block the read for ever
    text = readTextFile(path);
  } catch (e) {
    if (!(e instanceof GmemlabError)) throw e;
    return fail(sweepMessages.slurmNotSweepDir({ file: path }, e.diagnostic.message));
  }
  try {
    return decodeJson(text) as T;
  } catch (e) {
    return fail(sweepMessages.slurmNotSweepDir({ file: path }, `not valid JSON (${(e as Error).message})`));
  }
}

export interface SweepDir {
  readonly paths: SweepPaths;
  readonly manifest: SlurmManifest;
  readonly runs: readonly RunEntry[];
  readonly traces: readonly TraceEntry[];
}

/**
 * Read manifest.json and check it is one `prepareSlurmSweep` writes: its format, text fields, and counts that agree
 * (`runs` ≥ 1, `runsPerTask` ≥ 1 and `tasks` = ⌈runs / runsPerTask⌉, integers). The counts drive loops over tasks:
 * a damaged `"tasks": 1e9` made `gmemlab sweep status` walk a billion tasks (no output after 30 s), and
 * `"runsPerTask": -1` made a task expect no runs ("expected runs " and nothing after it).
 */
export function readManifest(p: SweepPaths): SlurmManifest {
  const m = readJson<Partial<Record<keyof SlurmManifest, unknown>>>(p.manifest);
  const bad = (field: string, expected: string, found: unknown): never => fail(sweepMessages.slurmNotSweepDir({ file: p.manifest, field }, `expected ${expected}, found ${foundText(found)}`));
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return bad('(root)', 'an object', m);
  if (m.format !== SWEEP_DIR_FORMAT) bad('format', `"${SWEEP_DIR_FORMAT}"`, m.format);
  for (const k of ['name', 'version', 'jobName'] as const) if (typeof m[k] !== 'string') bad(k, 'text', m[k]);
  for (const k of ['runs', 'runsPerTask'] as const) if (!(Number.isSafeInteger(m[k]) && (m[k] as number) >= 1)) bad(k, 'an integer ≥ 1', m[k]);
  const tasks = Math.ceil((m.runs as number) / (m.runsPerTask as number));
  if (m.tasks !== tasks) bad('tasks', `${tasks} (runs ${m.runs as number} / runsPerTask ${m.runsPerTask as number}, rounded up)`, m.tasks);
  return m as SlurmManifest;
}

/** Open a prepared sweep directory (manifest, runs, traces). */
export function openSweepDir(dir: string): SweepDir {
  const p = paths(dir);
  const manifest = readManifest(p);
  const runs = readJson<RunEntry[]>(p.runs);
  const traces = readJson<TraceEntry[]>(p.traces);
  if (!Array.isArray(runs) || runs.length !== manifest.runs) fail(sweepMessages.slurmNotSweepDir({ file: p.runs }, `expected ${manifest.runs} runs`));
  return { paths: p, manifest, runs, traces };
}

/** The recorded submissions (none yet: empty). */
export function readJobs(p: SweepPaths): JobRecord[] {
  return existsSync(p.jobs) ? readJson<JobRecord[]>(p.jobs) : [];
}

export function makeDirs(p: SweepPaths): void {
  for (const d of [p.dir, p.rowsDir, p.errorsDir, p.logsDir, p.specsDir]) mkdirSync(d, { recursive: true });
}

/** What an array task reads: the manifest, the trace entries and its own runs (not the whole runs.json). */
export function openTaskShard(dir: string, task: number): { paths: SweepPaths; manifest: SlurmManifest; traces: readonly TraceEntry[]; runs: readonly RunEntry[] } {
  const p = paths(dir);
  const manifest = readManifest(p);
  if (!Number.isInteger(task) || task < 0 || task >= manifest.tasks) fail(sweepMessages.slurmBadTask({ file: p.manifest }, `0 to ${manifest.tasks - 1}`, String(task)));
  const runs = readJson<RunEntry[]>(p.spec(task));
  const expected = taskRuns(manifest, task);
  if (!Array.isArray(runs) || runs.length !== expected.length || runs.some((r, k) => r.run !== expected[k])) fail(sweepMessages.slurmNotSweepDir({ file: p.spec(task) }, `expected runs ${expected.join(', ')}`));
  return { paths: p, manifest, traces: readJson<TraceEntry[]>(p.traces), runs };
}
