import { availableParallelism } from 'node:os';
import { sweep, type SweepOutcome, type SweepProgress } from '../../analysis/sweep';
import { expandSweep, type SweepPoint } from '../../analysis/sweep/expand';
import { readResultRows, ResultRows } from '../../analysis/sweep/results-file';
import { loadSweepSpec } from '../../analysis/sweep/spec';
import { simBackend } from '../../analysis/sweep/sim-backend';
import { formatCount, formatValue } from '../../analysis/format';
import { statusOf } from '../../analysis/flatten';
import { fail, formatDiagnosticLine } from '../../log/diagnostic';
import { resolveOutputTarget } from '../../io/atomic';
import { describeHolder, unlockResults } from '../../analysis/sweep/results-lock';
import { resultsFormatOf } from '../../analysis/sweep/results-file';
import { cliMessages } from '../../log/messages/cli';
import { progress, type Progress } from '../../display/progress';
import { formatBytes, formatNs } from '../../units';
import type { Command, CommandIO } from '../command';
import { Interrupted, onInterrupt } from '../interrupt';
import { backendOf, runSlurmSweep, slurmDryRun, SLURM_OPTIONS, SLURM_USAGE, sweepSubcommand } from './sweep-slurm';
import { formatTable } from '../../display/text-table';
import { dirname, resolve } from 'node:path';

const USAGE = `gmemlab sweep <sweep.json> [--workers N] [-o results.csv|results.json] [--dry-run]
gmemlab sweep --unlock <results.csv|results.json>

Run every combination of a sweep file: traces × systems × profiles × oversub × grid × scale × seeds
(format: docs/analysis.md, example: datasets/sweeps/example.json).

  --workers  runs at a time, 1 … 64: this thread plus N−1 worker threads (default: CPU cores − 1, at least 1,
             at most 8); results do not depend on it
  -o         results file, one row per run (.csv or .json). Runs already in it (same specHash) are not run
             again; it is rewritten atomically after every finished run, so Ctrl-C keeps every finished run
             and the same command resumes the rest
  --dry-run  list the runs (with their specHash and whether -o already has them) without simulating
  --unlock   remove the lock of a results file left by a sweep that is gone, then exit (see below)

-o must be a regular file or a new path (a FIFO, device, socket or folder is refused, exit 2); a symlink
is followed and kept. While a sweep writes -o it holds the lock file <results>.lock (host, pid, start time,
command; created exclusively, so it also works on NFS and other shared folders). A second sweep on the same
results file stops at once with exit 2 naming the lock and its holder, so no rows are lost. A lock left by
a process of this host that no longer runs is taken over with a warning; a lock from another host (a
shared folder) is never judged stale: if its holder is really gone, remove it with --unlock (refused
while the holder is a running process of this host).

Without -o the results are printed to stdout as CSV at the end; progress and the summary go to stderr.
Ctrl-C stops the workers, keeps what finished and says so (exit 130); a second Ctrl-C exits at once.
${SLURM_USAGE}`;

/** Rows shown in the summary before it is cut. */
const SUMMARY_ROWS = 40;

function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism() - 1));
}

function parseWorkers(v: unknown): number {
  if (v === undefined) return defaultWorkers();
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim()) || n < 1 || n > 64) fail(cliMessages.badValue({}, '--workers', 'an integer from 1 to 64', String(v)));
  return n;
}

/** `system profile oversub k=v…` for progress lines. */
export function describePoint(p: SweepPoint): string {
  const parts = [p.trace, p.system, p.profile ?? '(default profile)'];
  if (p.oversub !== null) parts.push(`oversub ${p.oversub}${p.oversubBasis === 'allocated' ? ' (allocated)' : ''}`);
  for (const [k, v] of Object.entries(p.scale)) parts.push(`${k}×${v}`);
  return parts.join(' ');
}

/** `gmemlab sweep` (docs/cli.md §1; docs/analysis.md §3). */
export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run traces × systems × profiles × parameter grids; resumable results file',
  usage: USAGE,
  options: {
    workers: { type: 'string' },
    o: { type: 'string', short: 'o' },
    'dry-run': { type: 'boolean' },
    ...SLURM_OPTIONS,
    unlock: { type: 'string' },
  },
  async run(args, io) {
    if (typeof args.values.unlock === 'string') return unlock(args.values.unlock, args.positionals, io);
    const sub = await sweepSubcommand(args, io);
    if (sub !== undefined) return sub;
    const [file, ...rest] = args.positionals;
    if (file === undefined) fail(cliMessages.missingArgument({}, 'sweep', '<sweep.json>'));
    if (rest.length > 0) fail(cliMessages.badArguments({}, 'sweep', `unexpected argument '${rest[0]}'`));
    const workers = parseWorkers(args.values.workers);
    const output = typeof args.values.o === 'string' ? args.values.o : undefined;
    const backend = backendOf(args);
    if (args.values['dry-run']) {
      const rc = await dryRun(file, output, io);
      return backend === 'slurm' ? slurmDryRun(file, args, io) : rc;
    }
    if (backend === 'slurm') return runSlurmSweep(file, args, io);

    const ac = new AbortController();
    const off = onInterrupt((sig) => {
      if (ac.signal.aborted) return false; // second signal: exit now
      io.stderr(`\ngmemlab sweep: ${sig}: stopping the running simulations (press Ctrl-C again to exit at once)\n`);
      ac.abort(new Interrupted(sig));
      return true;
    });
    const reporter = makeReporter(io, workers);
    try {
      const out = await sweep(file, {
        workers,
        signal: ac.signal,
        onProgress: (p) => reporter.update(p),
        onWarning: (d) => io.stderr(`${formatDiagnosticLine(d)}\n`),
        command: ['gmemlab', 'sweep', ...argvOf(args)].join(' '),
        ...(output !== undefined ? { output } : {}),
      });
      reporter.done();
      const summary = summarize(file, out, workers);
      if (out.interrupted) {
        io.stderr(summary);
        return 130;
      }
      if (output !== undefined) io.stdout(summary);
      else {
        io.stderr(summary);
        const rows = new ResultRows();
        for (const r of out.table.objects() as Record<string, never>[]) rows.add(r);
        io.stdout(rows.text('csv'));
      }
      return 0;
    } finally {
      off();
      reporter.done();
    }
  },
};

interface Reporter {
  update(p: SweepProgress): void;
  done(): void;
}

/** A progress bar on a terminal; one line per finished run otherwise (logs, CI). */
function makeReporter(io: CommandIO, workers: number): Reporter {
  let bar: Progress | undefined;
  let shown = 0;
  return {
    update(p) {
      if (io.isTTY) {
        bar ??= progress(p.total - p.resumed, `sweep (${workers} at a time)`, { mode: 'tty' });
        if (p.finished) {
          bar.tick(p.done - shown);
          shown = p.done;
        }
        return;
      }
      if (!p.finished) return;
      const st = p.finishedStatus !== undefined && p.finishedStatus !== 'ok' ? ` — status ${p.finishedStatus} (time not comparable)` : '';
      io.stderr(`[${p.resumed + p.done}/${p.total}] #${p.finished.index} ${describePoint(p.finished)} done in ${(p.finishedWallMs! / 1000).toFixed(1)} s${st}\n`);
    },
    done() {
      bar?.done();
      bar = undefined;
    },
  };
}

/** The end-of-sweep report: counts, where the results are, and the runs as a table. */
export function summarize(file: string, out: SweepOutcome, workers: number): string {
  const head: string[] = [];
  const name = `sweep ${file}`;
  const counts = `${out.total} run${out.total === 1 ? '' : 's'}: ${out.resumed} already in the results file, ${out.simulated} simulated in ${(out.wallMs / 1000).toFixed(1)} s with ${workers} run${workers > 1 ? 's' : ''} at a time`;
  if (out.interrupted) {
    head.push(`${name}: INTERRUPTED. ${counts}; ${out.pending.length} not finished.`);
    head.push(out.output !== undefined ? `Every finished run is in ${out.output}; run the same command again to finish the other ${out.pending.length}.` : 'Nothing was written (no -o); pass -o results.csv to keep finished runs across interruptions.');
  } else {
    head.push(`${name}: ${counts}${out.duplicates ? ` (${out.duplicates} point${out.duplicates > 1 ? 's' : ''} resolved to an earlier run)` : ''}.`);
    if (out.output !== undefined) head.push(`Results: ${out.output} (${out.table.numRows() + out.foreignRows} rows${out.foreignRows ? `, ${out.foreignRows} from other sweeps kept` : ''}).`);
  }
  const rows = out.table.objects() as Record<string, unknown>[];
  if (rows.length === 0) return `${head.join('\n')}\n`;
  const coords = Object.keys(rows[0]!).filter((c) => (c.startsWith('set.') || c.startsWith('scale.')) && new Set(rows.map((r) => JSON.stringify(r[c] ?? null))).size > 1);
  const cols = ['trace', 'system', 'profile', 'oversub', ...coords, 'status', 'sim time', 'device faults', 'H2D', 'evictions'];
  let failed = 0;
  const body = rows.slice(0, SUMMARY_ROWS).map((r) => [
    String(r.trace ?? ''),
    String(r.system),
    String(r.profile),
    r.oversub === null ? '—' : String(r.oversub),
    ...coords.map((c) => (r[c] === null || r[c] === undefined ? '—' : String(r[c]))),
    statusOf(r),
    typeof r.simTimeNs !== 'number' ? '—' : statusOf(r) === 'ok' ? formatNs(r.simTimeNs) : (failed++, `${formatNs(r.simTimeNs)} *`),
    typeof r.deviceFaults === 'number' ? formatCount(r.deviceFaults) : '—',
    typeof r.bytesH2D === 'number' ? formatBytes(r.bytesH2D) : '—',
    formatValue(r.evictions, 'count'),
  ]);
  const bases = [...new Set(rows.filter((r) => r.oversub !== null && r.oversub !== undefined).map((r) => String(r.oversubBasis ?? 'allocated')))];
  if (bases.length > 0) head.push(`oversub = footprint / device capacity, footprint = ${bases.map((b) => (b === 'touched' ? 'distinct 4 KiB pages the trace touches (basis touched)' : 'peak live allocated bytes in 2 MiB granules (basis allocated)')).join('; or ')}.`);
  let text = `${head.join('\n')}\n\n${formatTable(cols, body)}`;
  if (rows.length > SUMMARY_ROWS) text += `… ${rows.length - SUMMARY_ROWS} more rows in the results\n`;
  const allFailed = rows.filter((r) => statusOf(r) !== 'ok').length;
  if (allFailed > 0) text += `* ${allFailed} run${allFailed === 1 ? '' : 's'} ended with OOM or error events (status oom/error): the work that failed was skipped, so ${allFailed === 1 ? 'its time is' : 'their times are'} NOT comparable with ok runs${failed < allFailed ? ' (some beyond the rows shown)' : ''}\n`;
  return text;
}

/** `--dry-run`: expand and resolve (reading each trace once), then list the runs and their status. */
async function dryRun(file: string, output: string | undefined, io: CommandIO): Promise<number> {
  const spec = loadSweepSpec(file);
  const points = expandSweep(spec, { baseDir: dirname(resolve(file)) });
  // a FIFO given as -o would block the read below: refuse non-regular results files first
  if (output !== undefined) resolveOutputTarget(output);
  const existing = output !== undefined ? readResultRows(output) : new ResultRows();
  const prepared = await simBackend.prepare(points);
  const first = new Map<string, number>();
  let toRun = 0;
  const body = prepared.map((p) => {
    const pt = points[p.index]!;
    let status: string;
    if (first.has(p.specHash)) status = `same as #${first.get(p.specHash)}`;
    else {
      first.set(p.specHash, p.index);
      status = existing.has(p.specHash) ? 'in results' : 'to run';
      if (status === 'to run') toRun++;
    }
    return [String(p.index), describePoint(pt), JSON.stringify(pt.set), String(pt.seed), p.specHash.slice(0, 12), status];
  });
  io.stdout(`${formatTable(['#', 'run', 'set', 'seed', 'specHash', 'status'], body)}\n${points.length} points, ${first.size} distinct runs, ${toRun} to run.\n`);
  return 0;
}

/** The arguments of a sweep as typed (for the lock file's `command`). */
function argvOf(args: Parameters<Command['run']>[0]): string[] {
  const out = [...args.positionals];
  if (typeof args.values.o === 'string') out.push('-o', args.values.o);
  if (typeof args.values.workers === 'string') out.push('--workers', args.values.workers);
  return out;
}

/** `--unlock <results>`: remove the results file's lock (refused while its holder runs on this host). */
function unlock(results: string, positionals: readonly string[], io: CommandIO): number {
  if (positionals.length > 0) fail(cliMessages.badArguments({}, 'sweep', `--unlock takes only the results file, not '${positionals[0]}'`));
  resultsFormatOf(results);
  const { lockPath, removed } = unlockResults(results);
  if (removed.kind === 'none') io.stdout(`${results} is not locked (no ${lockPath}).\n`);
  else io.stdout(`Removed the lock ${lockPath}, held by ${describeHolder(removed)}.\n`);
  return 0;
}
