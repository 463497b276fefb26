import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { fail, formatDiagnosticLine, type Diagnostic } from '../../../log/diagnostic';
import { lockResults } from '../results-lock';
import { sweepMessages } from '../../../log/messages/sweep';
import type { FlatRow } from '../../table-input';
import { readResultRows, ResultRows, resultsFormatOf } from '../results-file';
import { openSweepDir, readJobs, readJson, taskRuns, type SweepDir, type TaskRows } from './layout';
import { queuedTasks, type QueuedTask } from './scheduler';

/** State of an array task: rows written, queued (running or pending in squeue), failed (error file), or missing (never submitted, or gone from the queue without rows: cancelled, node lost). */
export type TaskState = 'done' | 'running' | 'pending' | 'failed' | 'missing';

export interface TaskStatus {
  readonly task: number;
  readonly state: TaskState;
  /** The queued job (running/pending) or the last submission covering the task. */
  readonly jobId?: string;
  /** failed: the task's error line; missing after a submission: why it is considered lost. */
  readonly error?: string;
}

export interface SlurmStatus {
  readonly dir: string;
  readonly name: string;
  readonly runs: number;
  readonly tasks: readonly TaskStatus[];
  readonly counts: Readonly<Record<TaskState, number>>;
  /** Runs whose rows are in the directory. */
  readonly runsDone: number;
  /** Tasks of the sweep still in squeue. */
  readonly queued: readonly QueuedTask[];
}

const RUNNING = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'STAGE_OUT', 'SIGNALING', 'RESIZING']);

/** The last non-empty line of a file (a task's stderr), or undefined. */
function lastLine(path: string): string | undefined {
  try {
    const lines = readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    return lines.find((l) => /^\S+:(\d+:)*\s|^argument:|error/i.test(l)) ?? lines[lines.length - 1];
  } catch {
    return undefined;
  }
}

/** Status of every task, from the files of the sweep directory and squeue (no sacct). */
export function sweepStatus(d: SweepDir | string): SlurmStatus {
  const sd = typeof d === 'string' ? openSweepDir(d) : d;
  const { paths: p, manifest: m } = sd;
  const jobs = readJobs(p);
  const lastJob = new Map<number, string>();
  for (const j of jobs) for (const t of j.tasks) lastJob.set(t, j.jobId);
  const known = new Set(jobs.map((j) => j.jobId));
  const queued = jobs.length ? queuedTasks(m.jobName).filter((q) => known.has(q.jobId)) : [];
  const inQueue = new Map<number, QueuedTask>();
  for (const q of queued) inQueue.set(q.task, q);
  const counts: Record<TaskState, number> = { done: 0, running: 0, pending: 0, failed: 0, missing: 0 };
  const tasks: TaskStatus[] = [];
  let runsDone = 0;
  for (let t = 0; t < m.tasks; t++) {
    let s: TaskStatus;
    const q = inQueue.get(t);
    if (existsSync(p.rows(t))) {
      s = { task: t, state: 'done' };
      runsDone += taskRuns(m, t).length;
    } else if (q) s = { task: t, state: RUNNING.has(q.state) ? 'running' : 'pending', jobId: q.jobId };
    else if (existsSync(p.error(t))) {
      const err = readFileSync(p.error(t), 'utf8').trim().split('\n')[0] ?? '';
      s = { task: t, state: 'failed', ...(lastJob.has(t) ? { jobId: lastJob.get(t)! } : {}), error: err };
    } else if (lastJob.has(t)) {
      const line = lastLine(p.log(t));
      s = { task: t, state: 'missing', jobId: lastJob.get(t)!, error: `left the queue without results (cancelled, timed out or its node failed)${line ? `; last stderr line: ${line}` : ''}` };
    } else s = { task: t, state: 'missing' };
    counts[s.state]++;
    tasks.push(s);
  }
  return { dir: p.dir, name: m.name, runs: m.runs, tasks, counts, runsDone, queued };
}

/** `done 3, running 1, pending 2, failed 0, missing 0` */
export function formatCounts(s: SlurmStatus): string {
  const c = s.counts;
  return `${s.runsDone}/${s.runs} runs done; tasks: ${c.done} done, ${c.running} running, ${c.pending} pending, ${c.failed} failed, ${c.missing} missing`;
}

/** The `gmemlab sweep status` report: counts, then one line per failed or lost task with its error line. */
export function formatStatus(s: SlurmStatus): string {
  const lines = [`sweep ${s.name} (${s.dir}): ${s.tasks.length} array task${s.tasks.length === 1 ? '' : 's'}`, formatCounts(s)];
  for (const t of s.tasks) {
    if (t.state === 'failed') lines.push(`  task ${t.task} FAILED${t.jobId ? ` (job ${t.jobId}_${t.task})` : ''}: ${t.error}`);
    else if (t.state === 'missing' && t.jobId) lines.push(`  task ${t.task} LOST (job ${t.jobId}_${t.task}): ${t.error}`);
  }
  if (s.counts.failed + s.counts.missing > 0) lines.push('Run the same `gmemlab sweep … --backend slurm` command again to resubmit the failed and missing tasks.');
  return `${lines.join('\n')}\n`;
}

/** The rows of every finished task, by specHash. */
export function taskRows(sd: SweepDir): Map<string, FlatRow> {
  const out = new Map<string, FlatRow>();
  for (let t = 0; t < sd.manifest.tasks; t++) {
    const f = sd.paths.rows(t);
    if (!existsSync(f)) continue;
    const tr = readJson<TaskRows>(f);
    if (!tr || !Array.isArray(tr.rows)) fail(sweepMessages.slurmNotSweepDir({ file: f }, 'expected { task, rows: [...] }'));
    for (const r of tr.rows) out.set(r.specHash, r.row as FlatRow);
  }
  return out;
}

export interface CollectOutcome {
  readonly rows: ResultRows;
  /** Runs of the sweep without a row (their tasks have not finished). */
  readonly missingRuns: number;
  readonly foreignRows: number;
}

/**
 * Merge the task rows in run order into the rows a local sweep (`--backend local`) writes to `output`: rows
 * of `output` that the sweep's runs already had are kept for runs without a task row, rows of other sweeps
 * follow (as a local resume does). Written atomically when `output` is given.
 */
export function collect(dir: string, output?: string): CollectOutcome {
  const sd = openSweepDir(dir);
  if (output !== undefined) {
    resultsFormatOf(output);
    mkdirSync(dirname(resolve(output)), { recursive: true });
  }
  // the results lock of a local sweep (results-lock.ts): a local sweep writing the same file at the same time is refused
  const warn = (d: Diagnostic): void => void process.stderr.write(`${formatDiagnosticLine(d)}\n`);
  const lock = output !== undefined ? lockResults(output, `gmemlab sweep collect ${dir} -o ${output}`, warn) : undefined;
  try {
    return collectLocked(sd, output);
  } finally {
    lock?.release();
  }
}

function collectLocked(sd: SweepDir, output: string | undefined): CollectOutcome {
  const existing = output !== undefined ? readResultRows(output) : new ResultRows();
  const fresh = taskRows(sd);
  const hashes = new Set(sd.runs.map((r) => r.specHash));
  const rows = new ResultRows();
  let missingRuns = 0;
  for (const r of sd.runs) {
    const row = fresh.get(r.specHash) ?? existing.get(r.specHash);
    if (row) rows.add(row);
    else missingRuns++;
  }
  const foreign = existing.all().filter((r) => !hashes.has(String(r.specHash)));
  for (const r of foreign) rows.add(r);
  if (output !== undefined) rows.write(output);
  return { rows, missingRuns, foreignRows: foreign.length };
}
