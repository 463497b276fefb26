import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fail } from '../../../log/diagnostic';
import { sweepMessages } from '../../../log/messages/sweep';
import { VERSION } from '../../../version';
import { simBackend } from '../sim-backend';
import type { SimTask } from '../sim-task';
import { expandSweep, type SweepPoint } from '../expand';
import { checkSweepSpec, loadSweepSpec, type SweepSpec } from '../spec';
import { clearTraceCache } from '../trace-cache';
import { makeDirs, openSweepDir, paths, readJobs, SWEEP_DIR_FORMAT, taskRuns, writeJson, type JobRecord, type RunEntry, type SlurmManifest, type SweepDir, type TraceEntry } from './layout';
import { cancel, queuedTasks, sbatchScript, submit, type SbatchOptions } from './scheduler';
import { collect, sweepStatus, type CollectOutcome, type SlurmStatus } from './status';
import { writeFileAtomic } from '../../../io/atomic';

/** Options of `slurmSweep` (the `--backend slurm` of `gmemlab sweep`). */
export interface SlurmSweepOptions extends SbatchOptions {
  /** The sweep directory, on a path every node shares. */
  readonly dir: string;
  /** Runs per array task (default: 1, or enough to keep the array at ≤ 1000 tasks). */
  readonly runsPerTask?: number;
  /** Tasks of an earlier submission still queued: `wait` (default) keeps them and waits for them; `cancel` cancels and resubmits them. */
  readonly onRunning?: 'wait' | 'cancel';
  /** Wait until no task of the sweep is queued (default true); false returns right after submitting. */
  readonly wait?: boolean;
  /** Milliseconds between two squeue polls while waiting (default 5000). */
  readonly pollMs?: number;
  /** Results file written (`collect`) when every run finished. */
  readonly output?: string;
  /** Folder relative trace paths are resolved against (default: the sweep file's folder). */
  readonly baseDir?: string;
  /** Stops waiting (the jobs keep running on the cluster). */
  readonly signal?: AbortSignal;
  /** Called after every poll while waiting. */
  readonly onProgress?: (s: SlurmStatus) => void;
}

export interface SlurmSweepOutcome {
  readonly dir: string;
  readonly points: readonly SweepPoint[];
  readonly manifest: SlurmManifest;
  /** This call's submission (none when nothing was missing or failed). */
  readonly submitted?: JobRecord;
  /** Queued tasks of earlier submissions that this call cancelled (`onRunning: 'cancel'`). */
  readonly cancelled: number;
  /** Status when the call returned. */
  readonly status: SlurmStatus;
  /** The merged results (written to `output` when given) once every run is done. */
  readonly collected?: CollectOutcome;
  readonly interrupted: boolean;
}

/**
 * Write (or check) the sweep directory of `spec`: expand and resolve every point as `sweep()` does (bad input
 * fails here, before any job exists), then the distinct runs in run order with their resolved specs and
 * specHashes, the trace references with their digests, the manifest and the sbatch script. An existing
 * directory must hold the same runs (same specHashes in the same order) and gmemlab version.
 */
export async function prepareSlurmSweep(spec: SweepSpec | string, opts: SlurmSweepOptions): Promise<SweepDir & { points: SweepPoint[] }> {
  const fromFile = typeof spec === 'string';
  const checked = fromFile ? loadSweepSpec(spec) : checkSweepSpec(spec);
  const baseDir = opts.baseDir ?? (fromFile ? dirname(resolve(spec)) : process.cwd());
  const points = expandSweep(checked, { baseDir });
  for (const pt of points) if (pt.source.kind === 'memory') fail(sweepMessages.slurmMemoryTrace({}, pt.trace));
  let prepared;
  try {
    prepared = await simBackend.prepare(points, { workers: 1, ...(opts.signal ? { signal: opts.signal } : {}) });
  } finally {
    clearTraceCache();
  }
  const runs: RunEntry[] = [];
  const traces = new Map<string, TraceEntry>();
  const seen = new Set<string>();
  for (const pr of prepared) {
    if (seen.has(pr.specHash)) continue;
    seen.add(pr.specHash);
    const t = pr.task as SimTask;
    const { source, ...point } = points[pr.index]!;
    runs.push({ run: runs.length, specHash: pr.specHash, traceKey: t.traceKey, point: { ...point, source }, spec: t.spec });
    if (!traces.has(t.traceKey)) traces.set(t.traceKey, { key: t.traceKey, label: point.trace, ref: source, digest: t.scan.digest, events: t.scan.events });
  }
  const p = paths(opts.dir);
  const name = checked.name ?? (fromFile ? spec : `sweep of ${points.length} points`);
  let manifest: SlurmManifest;
  if (existsSync(p.manifest)) {
    const old = openSweepDir(p.dir);
    manifest = old.manifest;
    if (manifest.version !== VERSION) fail(sweepMessages.slurmDirMismatch({ file: p.manifest, field: 'version' }, `prepared with gmemlab ${manifest.version}, this is ${VERSION}`));
    if (old.runs.length !== runs.length) fail(sweepMessages.slurmDirMismatch({ file: p.runs }, `it has ${old.runs.length} runs, this sweep ${runs.length}`));
    const k = runs.findIndex((r, i) => r.specHash !== old.runs[i]!.specHash);
    if (k >= 0) fail(sweepMessages.slurmDirMismatch({ file: p.runs, field: `[${k}].specHash` }, `run #${k} is ${old.runs[k]!.specHash.slice(0, 12)} there, ${runs[k]!.specHash.slice(0, 12)} in this sweep`));
    if (opts.runsPerTask !== undefined && opts.runsPerTask !== manifest.runsPerTask) fail(sweepMessages.slurmDirMismatch({ file: p.manifest, field: 'runsPerTask' }, `it was prepared with ${manifest.runsPerTask} runs per task, not ${opts.runsPerTask}`));
  } else {
    const runsPerTask = opts.runsPerTask ?? Math.max(1, Math.ceil(runs.length / 1000));
    manifest = {
      format: SWEEP_DIR_FORMAT,
      name,
      version: VERSION,
      runs: runs.length,
      runsPerTask,
      tasks: Math.ceil(runs.length / runsPerTask),
      jobName: `gmemlab-${createHash('sha256').update(p.dir).digest('hex').slice(0, 10)}`,
    };
    makeDirs(p);
    writeJson(p.runs, runs);
    for (let t = 0; t < manifest.tasks; t++) writeJson(p.spec(t), taskRuns(manifest, t).map((i) => runs[i]!));
    writeJson(p.traces, [...traces.values()]);
    writeJson(p.manifest, manifest); // last: a directory with a manifest is complete
  }
  makeDirs(p);
  const script = sbatchScript(manifest, p, opts);
  if (!existsSync(p.script) || readFileSync(p.script, 'utf8') !== script) writeFileAtomic(p.script, script);
  return { paths: p, manifest, runs, traces: [...traces.values()], points };
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((res) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      res();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Run a sweep as a Slurm job array (docs/slurm.md): prepare the sweep directory, then submit one array of the
 * tasks that are missing or failed — never of tasks still queued from an earlier submission (`onRunning`:
 * wait for them, or cancel and resubmit them) — record the job id, and, unless `wait: false`, poll squeue
 * and the result files until no task is queued. When every run is done and `output` is given, the rows are
 * merged in run order into it (`collect`): the same bytes `sweep()` writes with the local worker pool.
 */
export async function slurmSweep(spec: SweepSpec | string, opts: SlurmSweepOptions): Promise<SlurmSweepOutcome> {
  const sd = await prepareSlurmSweep(spec, opts);
  const p = sd.paths;
  let status = sweepStatus(sd);
  let cancelled = 0;
  if (opts.onRunning === 'cancel' && status.queued.length > 0) {
    cancel(status.queued);
    cancelled = status.queued.length;
    const ids = new Set(status.queued.map((q) => `${q.jobId}_${q.task}`));
    // cancelled tasks leave the queue within a few polls (COMPLETING first); bounded by polls, not time
    for (let i = 0; i < 600 && queuedTasks(sd.manifest.jobName).some((q) => ids.has(`${q.jobId}_${q.task}`)); i++) await sleep(Math.min(opts.pollMs ?? 5000, 1000));
    status = sweepStatus(sd);
  }
  const todo = status.tasks.filter((t) => t.state === 'failed' || t.state === 'missing').map((t) => t.task);
  let submitted: JobRecord | undefined;
  if (todo.length > 0) {
    for (const t of todo) rmSync(p.error(t), { force: true });
    const jobId = submit(p, todo, opts.arrayLimit);
    submitted = { jobId, tasks: todo };
    writeJson(p.jobs, [...readJobs(p), submitted]);
    status = sweepStatus(sd);
  }
  let interrupted = false;
  if (opts.wait !== false) {
    opts.onProgress?.(status);
    while (status.queued.length > 0) {
      await sleep(opts.pollMs ?? 5000, opts.signal);
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      status = sweepStatus(sd);
      opts.onProgress?.(status);
    }
  }
  const complete = status.counts.done === status.tasks.length;
  const collected = complete && !interrupted ? collect(p.dir, opts.output) : undefined;
  return { dir: p.dir, points: sd.points, manifest: sd.manifest, ...(submitted ? { submitted } : {}), cancelled, status, ...(collected ? { collected } : {}), interrupted };
}
