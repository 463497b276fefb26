import { collect } from '../../analysis/sweep/slurm/status';
import { formatCounts, formatStatus, sweepStatus } from '../../analysis/sweep/slurm/status';
import { prepareSlurmSweep, slurmSweep, type SlurmSweepOptions } from '../../analysis/sweep/slurm/submit';
import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import type { Command, CommandIO, ParsedArgs } from '../command';
import { Interrupted, onInterrupt } from '../interrupt';
import { readFileSync } from 'node:fs';
import { runSweepTask } from '../../analysis/sweep/slurm/task';

/** Options `gmemlab sweep` takes for `--backend slurm` and `sweep status|collect` (docs/slurm.md). */
export const SLURM_OPTIONS: Command['options'] = {
  backend: { type: 'string' },
  dir: { type: 'string' },
  partition: { type: 'string' },
  time: { type: 'string' },
  mem: { type: 'string' },
  'cpus-per-task': { type: 'string' },
  'array-limit': { type: 'string' },
  'sbatch-arg': { type: 'string', multiple: true },
  'runs-per-task': { type: 'string' },
  'on-running': { type: 'string' },
  'no-wait': { type: 'boolean' },
  'poll-seconds': { type: 'string' },
  'node-bin': { type: 'string' },
  'project-root': { type: 'string' },
};

export const SLURM_USAGE = `
Slurm (docs/slurm.md): gmemlab sweep <sweep.json> --backend slurm --dir <shared folder> [-o results.csv] [options]
                       gmemlab sweep status <dir>     gmemlab sweep collect <dir> [-o results.csv]
  --backend slurm    prepare <dir> (run specs, trace digests, job.sbatch) and submit one job array; each
                     task runs \`gmemlab sweep-task <dir> <task>\`. Re-running the same command resubmits
                     only missing or failed tasks. With -o the rows are merged (collect) when all are done:
                     the same bytes as --backend local (the default)
  --dir              the sweep directory, on a filesystem every node shares (required with slurm)
  --partition P  --time T  --mem M  --cpus-per-task N    the sbatch options of every task
  --array-limit N    array tasks running at a time (--array=…%N)
  --sbatch-arg A     another sbatch argument, e.g. --sbatch-arg=--account=abc (repeatable)
  --runs-per-task N  runs per array task (default 1, or more to keep the array ≤ 1000 tasks)
  --on-running wait|cancel   tasks of an earlier submission still queued: wait for them (default) or
                     cancel and resubmit them; they are never submitted twice
  --no-wait          return right after submitting (then: sweep status / sweep collect)
  --poll-seconds S   squeue polling interval while waiting (default 5)
  --node-bin, --project-root   node and the gmemlab folder on the nodes (default: the ones used here)
  --dry-run          with --backend slurm: also writes <dir> and prints the sbatch script (not submitted)
`;

function positiveInt(v: unknown, flag: string, max = 1_000_000): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim()) || n < 1 || n > max) fail(cliMessages.badValue({}, flag, `an integer from 1 to ${max}`, String(v)));
  return n;
}

/** The backend chosen with `--backend` (local by default). */
export function backendOf(args: ParsedArgs): 'local' | 'slurm' {
  const b = args.values.backend;
  if (b === undefined || b === 'local') return 'local';
  if (b === 'slurm') return 'slurm';
  return fail(cliMessages.badValue({}, '--backend', 'local or slurm', String(b)));
}

function slurmOptions(args: ParsedArgs): SlurmSweepOptions {
  const v = args.values;
  if (typeof v.dir !== 'string') fail(cliMessages.badArguments({}, 'sweep', '--backend slurm needs --dir <folder on a filesystem the nodes share>'));
  const onRunning = v['on-running'];
  if (onRunning !== undefined && onRunning !== 'wait' && onRunning !== 'cancel') fail(cliMessages.badValue({}, '--on-running', 'wait or cancel', String(onRunning)));
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const cpus = positiveInt(v['cpus-per-task'], '--cpus-per-task', 1024);
  const limit = positiveInt(v['array-limit'], '--array-limit');
  const rpt = positiveInt(v['runs-per-task'], '--runs-per-task');
  const poll = positiveInt(v['poll-seconds'], '--poll-seconds', 3600);
  const sbatchArgs = (Array.isArray(v['sbatch-arg']) ? v['sbatch-arg'] : v['sbatch-arg'] !== undefined ? [v['sbatch-arg']] : []).map(String);
  return {
    dir: v.dir,
    ...(str('partition') ? { partition: str('partition') } : {}),
    ...(str('time') ? { time: str('time') } : {}),
    ...(str('mem') ? { mem: str('mem') } : {}),
    ...(cpus ? { cpusPerTask: cpus } : {}),
    ...(limit ? { arrayLimit: limit } : {}),
    ...(rpt ? { runsPerTask: rpt } : {}),
    ...(sbatchArgs.length ? { sbatchArgs } : {}),
    ...(onRunning ? { onRunning } : {}),
    ...(v['no-wait'] ? { wait: false } : {}),
    ...(poll ? { pollMs: poll * 1000 } : {}),
    ...(str('node-bin') ? { nodeBin: str('node-bin') } : {}),
    ...(str('project-root') ? { projectRoot: str('project-root') } : {}),
    ...(str('o') ? { output: str('o') } : {}),
  };
}

/** `gmemlab sweep status <dir>` and `gmemlab sweep collect <dir> [-o …]`; undefined when the arguments are neither. */
export async function sweepSubcommand(args: ParsedArgs, io: CommandIO): Promise<number | undefined> {
  const [sub, dir, ...rest] = args.positionals;
  if ((sub !== 'status' && sub !== 'collect') || dir === undefined) return undefined;
  if (rest.length > 0) fail(cliMessages.badArguments({}, 'sweep', `unexpected argument '${rest[0]}'`));
  if (sub === 'status') {
    io.stdout(formatStatus(sweepStatus(dir)));
    return 0;
  }
  const output = typeof args.values.o === 'string' ? args.values.o : undefined;
  const out = collect(dir, output);
  if (output === undefined) io.stdout(out.rows.text('csv'));
  else io.stdout(`Results: ${output} (${out.rows.size} rows${out.foreignRows ? `, ${out.foreignRows} from other sweeps kept` : ''}).\n`);
  if (out.missingRuns > 0) {
    io.stderr(`gmemlab sweep collect: ${out.missingRuns} run${out.missingRuns > 1 ? 's have' : ' has'} no rows yet; see \`gmemlab sweep status ${dir}\`.\n`);
    return 1;
  }
  return 0;
}

/** `--dry-run --backend slurm`: write the sweep directory and print the sbatch script (nothing is submitted). */
export async function slurmDryRun(file: string, args: ParsedArgs, io: CommandIO): Promise<number> {
  const sd = await prepareSlurmSweep(file, slurmOptions(args));
  io.stdout(`\nsbatch script ${sd.paths.script} (${sd.manifest.runs} runs in ${sd.manifest.tasks} array tasks; not submitted):\n`);
  io.stdout(readFileSync(sd.paths.script, 'utf8'));
  return 0;
}

/** `gmemlab sweep <file> --backend slurm`. */
export async function runSlurmSweep(file: string, args: ParsedArgs, io: CommandIO): Promise<number> {
  const opts = slurmOptions(args);
  const ac = new AbortController();
  const off = onInterrupt((sig) => {
    if (ac.signal.aborted) return false;
    io.stderr(`\ngmemlab sweep: ${sig}: stopped; jobs already submitted keep running on the cluster (gmemlab sweep status ${opts.dir})\n`);
    ac.abort(new Interrupted(sig));
    return true;
  });
  let last = '';
  try {
    const out = await slurmSweep(file, {
      ...opts,
      signal: ac.signal,
      onProgress: (s) => {
        const line = formatCounts(s);
        if (line !== last) io.stderr(`[slurm] ${line}\n`);
        last = line;
      },
    });
    const head: string[] = [];
    if (out.cancelled) head.push(`Cancelled ${out.cancelled} queued task${out.cancelled > 1 ? 's' : ''} of earlier submissions.`);
    if (out.submitted) head.push(`Submitted job ${out.submitted.jobId}: ${out.submitted.tasks.length} of ${out.manifest.tasks} array tasks (${out.manifest.runs} runs, ${out.manifest.runsPerTask} per task).`);
    else head.push(`Nothing to submit: no task of ${out.dir} is missing or failed.`);
    io.stderr(`${head.join('\n')}\n`);
    if (out.interrupted) return 130;
    if (opts.wait === false) {
      io.stdout(`sweep ${out.dir}: ${formatCounts(out.status)}\nFollow with \`gmemlab sweep status ${out.dir}\`, then \`gmemlab sweep collect ${out.dir} -o results.csv\`.\n`);
      return 0;
    }
    if (out.collected) {
      if (opts.output !== undefined) io.stdout(`sweep ${out.dir}: ${out.manifest.runs} runs done. Results: ${opts.output} (${out.collected.rows.size} rows).\n`);
      else io.stdout(out.collected.rows.text('csv'));
      return 0;
    }
    io.stderr(formatStatus(out.status));
    return 1;
  } catch (e) {
    if (ac.signal.aborted && e === ac.signal.reason) return 130; // while resolving the points: nothing was submitted
    throw e;
  } finally {
    off();
  }
}

/** `gmemlab sweep-task <dir> [task]`: one array task of a Slurm sweep (run by job.sbatch on a node). */
export const sweepTaskCommand: Command = {
  name: 'sweep-task',
  summary: 'run one array task of a Slurm sweep directory (used by job.sbatch; docs/slurm.md)',
  usage: `gmemlab sweep-task <dir> [task]

Run the runs of one array task of a sweep directory prepared by \`gmemlab sweep --backend slurm\` and write
their rows to <dir>/rows/task-<task>.json (atomically, when all are done). On an error its one line goes to
<dir>/errors/task-<task>.txt and to stderr (exit 2 for bad input such as an unreadable trace, 1 otherwise).
task defaults to $SLURM_ARRAY_TASK_ID.
`,
  options: {},
  async run(args, io) {
    const [dir, taskArg, ...rest] = args.positionals;
    if (dir === undefined) fail(cliMessages.missingArgument({}, 'sweep-task', '<dir>'));
    if (rest.length > 0) fail(cliMessages.badArguments({}, 'sweep-task', `unexpected argument '${rest[0]}'`));
    const t = taskArg ?? process.env.SLURM_ARRAY_TASK_ID;
    // without an argument and outside Slurm there is nothing to show: said `found "undefined"`
    if (t === undefined) fail(cliMessages.missingArgument({}, 'sweep-task', '<task> (an array task index; or SLURM_ARRAY_TASK_ID set)'));
    if (!/^\d+$/.test(t)) fail(cliMessages.badValue({}, '<task>', 'a task index (or SLURM_ARRAY_TASK_ID set)', t));
    const out = await runSweepTask(dir, Number(t));
    io.stderr(`sweep-task ${out.task}: runs ${out.runs.join(', ')} done → ${out.rowsFile}\n`);
    return 0;
  },
};
