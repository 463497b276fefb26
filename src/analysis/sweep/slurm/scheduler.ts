import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fail } from '../../../log/diagnostic';
import { sweepMessages } from '../../../log/messages/sweep';
import { PROJECT_ROOT } from '../../../version';
import type { SlurmManifest, SweepPaths } from './layout';

/** sbatch options of a Slurm sweep (`gmemlab sweep --backend slurm`). */
export interface SbatchOptions {
  readonly partition?: string;
  /** `--time`, e.g. `30:00` or `1-00:00:00`. */
  readonly time?: string;
  /** `--mem`, e.g. `4G`. */
  readonly mem?: string;
  readonly cpusPerTask?: number;
  /** Array tasks running at a time (`%limit`); default: no limit. */
  readonly arrayLimit?: number;
  /** Further sbatch arguments, one `#SBATCH` line each (e.g. `--account=abc`, `--qos=short`). */
  readonly sbatchArgs?: readonly string[];
  /** Node.js on the compute nodes (default: the one running this command). */
  readonly nodeBin?: string;
  /** The gmemlab installation on the compute nodes (default: this one). */
  readonly projectRoot?: string;
}

/** Shell single-quoting. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `0-3,7,9-10` from sorted distinct task indices. */
export function arrayRanges(tasks: readonly number[]): string {
  const s = [...new Set(tasks)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    parts.push(i === j ? String(s[i]) : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The job script: one array task per shard of runs, each running `gmemlab sweep-task <dir> $SLURM_ARRAY_TASK_ID`. */
export function sbatchScript(m: SlurmManifest, p: SweepPaths, o: SbatchOptions): string {
  const limit = o.arrayLimit ? `%${o.arrayLimit}` : '';
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=${shq(m.jobName)}`,
    `#SBATCH --array=0-${m.tasks - 1}${limit}`,
    `#SBATCH --output=${join(p.logsDir, 'task-%a.out')}`,
    `#SBATCH --error=${join(p.logsDir, 'task-%a.err')}`,
    '#SBATCH --ntasks=1',
  ];
  if (o.partition) lines.push(`#SBATCH --partition=${o.partition}`);
  if (o.time) lines.push(`#SBATCH --time=${o.time}`);
  if (o.mem) lines.push(`#SBATCH --mem=${o.mem}`);
  if (o.cpusPerTask) lines.push(`#SBATCH --cpus-per-task=${o.cpusPerTask}`);
  for (const a of o.sbatchArgs ?? []) lines.push(`#SBATCH ${a}`);
  const node = o.nodeBin ?? process.execPath;
  const cli = join(o.projectRoot ?? PROJECT_ROOT, 'scripts', 'gmemlab.js');
  lines.push(
    `# gmemlab ${m.version} sweep "${m.name.replace(/[\r\n]/g, ' ')}": ${m.runs} runs in ${m.tasks} array tasks of up to ${m.runsPerTask} run${m.runsPerTask > 1 ? 's' : ''}.`,
    '# Task N writes rows/task-N.json (or errors/task-N.txt); `gmemlab sweep status|collect <dir>` read them.',
    'set -eu',
    `exec ${shq(node)} ${shq(cli)} sweep-task ${shq(p.dir)} "$SLURM_ARRAY_TASK_ID"`,
    '',
  );
  return lines.join('\n');
}

/** Run a Slurm command; a missing binary or a non-zero exit is `sweep.slurm-command-failed` (exit 2). */
export function slurmCommand(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  const shown = [cmd, ...args].map(shq).join(' ');
  if (r.error) fail(sweepMessages.slurmCommandFailed({}, shown, (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${cmd} not found on PATH` : r.error.message));
  if (r.status !== 0) fail(sweepMessages.slurmCommandFailed({}, shown, (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').join(' | ')));
  return r.stdout;
}

/** Submit the script for `tasks` (an `--array` on the command line overrides the script's); returns the job id. */
export function submit(p: SweepPaths, tasks: readonly number[], arrayLimit: number | undefined, extra: readonly string[] = []): string {
  const array = `${arrayRanges(tasks)}${arrayLimit ? `%${arrayLimit}` : ''}`;
  const out = slurmCommand('sbatch', ['--parsable', `--array=${array}`, ...extra, p.script]).trim();
  const id = out.split(';')[0]!.trim();
  if (!/^\d+$/.test(id)) fail(sweepMessages.slurmCommandFailed({}, 'sbatch --parsable', `expected a job id, got ${JSON.stringify(out)}`));
  return id;
}

/** State of one queued array task. */
export interface QueuedTask {
  readonly jobId: string;
  readonly task: number;
  /** Slurm's state name (PENDING, RUNNING, COMPLETING, …). */
  readonly state: string;
}

/** Array tasks of the sweep's job name still known to squeue (pending, running, completing). */
export function queuedTasks(jobName: string): QueuedTask[] {
  const out = slurmCommand('squeue', ['-h', '-r', `--name=${jobName}`, '-o', '%F|%K|%T']);
  const tasks: QueuedTask[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\d+)\|(\d+)\|(\S+)$/.exec(line.trim());
    if (m) tasks.push({ jobId: m[1]!, task: Number(m[2]), state: m[3]! });
  }
  return tasks;
}

/** Cancel array tasks (`scancel <job>_<task> …`). */
export function cancel(tasks: readonly QueuedTask[]): void {
  if (tasks.length === 0) return;
  slurmCommand('scancel', tasks.map((t) => `${t.jobId}_${t.task}`));
}
