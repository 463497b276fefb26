import { mkdirSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../../../io/atomic';
import { fail, formatDiagnostic, GmemlabError } from '../../../log/diagnostic';
import { sweepMessages } from '../../../log/messages/sweep';
import { VERSION } from '../../../version';
import { flattenRun } from '../../flatten';
import type { SweepRunResult } from '../backend';
import { runTask, type SimTask } from '../sim-task';
import { clearTraceCache, scanAndShare, TRACE_CACHE_MAX_EVENTS, type ScannedTrace } from '../trace-cache';
import { openTaskShard, writeJson, type TaskRows } from './layout';

/** What `runSweepTask` did. */
export interface SweepTaskOutcome {
  readonly task: number;
  readonly runs: readonly number[];
  readonly rowsFile: string;
}

/**
 * Run array task `task` of a Slurm sweep directory (`gmemlab sweep-task <dir> <task>`, on a compute node):
 * for each of its runs, read the trace (checking it is readable and has the digest recorded when the sweep
 * was prepared — an error naming the run otherwise), then compute the row exactly as the local backend does
 * (`runTask` of sim-task.ts, then `flattenRun` of the result and its point). The task's rows are written
 * atomically to `rows/task-N.json` only when all its runs finished; on an error the one-line message goes to
 * `errors/task-N.txt` (atomically) and the error is rethrown, so no other task's files are touched.
 */
export async function runSweepTask(dir: string, task: number, opts: { signal?: AbortSignal } = {}): Promise<SweepTaskOutcome> {
  const sd = openTaskShard(dir, task);
  const { paths: p, manifest: m } = sd;
  mkdirSync(p.errorsDir, { recursive: true });
  rmSync(p.error(task), { force: true });
  const runs = sd.runs.map((r) => r.run);
  try {
    if (m.version !== VERSION) fail(sweepMessages.slurmDirMismatch({ file: p.manifest, field: 'version' }, `prepared with gmemlab ${m.version}, this node runs ${VERSION} (install the same version on the nodes)`));
    const traces = new Map(sd.traces.map((t) => [t.key, t]));
    const scans = new Map<string, ScannedTrace>();
    const rows: TaskRows['rows'][number][] = [];
    const signal = opts.signal ?? new AbortController().signal;
    for (const r of sd.runs) {
      const i = r.run;
      const tr = traces.get(r.traceKey);
      if (!tr) fail(sweepMessages.slurmNotSweepDir({ file: p.traces }, `no trace entry for run #${i} (${r.point.trace})`));
      let scanned = scans.get(r.traceKey);
      if (!scanned) {
        try {
          scanned = await scanAndShare(tr.ref, TRACE_CACHE_MAX_EVENTS, signal);
        } catch (e) {
          if (e instanceof GmemlabError) fail(sweepMessages.slurmTraceUnreadable({ ...(tr.ref.kind === 'file' ? { file: tr.ref.path } : {}) }, i, r.point.trace, formatDiagnostic(e.diagnostic)));
          const err = e as NodeJS.ErrnoException;
          if (err.code) fail(sweepMessages.slurmTraceUnreadable({ ...(tr.ref.kind === 'file' ? { file: tr.ref.path } : {}) }, i, r.point.trace, err.message));
          throw e;
        }
        if (scanned.scan.digest !== tr.digest) fail(sweepMessages.slurmTraceChanged({ ...(tr.ref.kind === 'file' ? { file: tr.ref.path } : {}) }, i, r.point.trace, tr.digest, scanned.scan.digest));
        scans.set(r.traceKey, scanned);
      }
      const simTask: SimTask = { traceKey: r.traceKey, source: tr.ref, ...(scanned.shared ? { shared: scanned.shared } : {}), spec: r.spec, scan: scanned.scan, specHash: r.specHash };
      const result = await runTask(simTask, { signal, onProgress: () => {} });
      const full: SweepRunResult = { ...result, point: r.point };
      rows.push({ specHash: r.specHash, row: flattenRun(full) });
    }
    writeJson(p.rows(task), { task, rows } satisfies TaskRows);
    return { task, runs, rowsFile: p.rows(task) };
  } catch (e) {
    const line = e instanceof GmemlabError ? formatDiagnostic(e.diagnostic) : `internal error: ${(e as Error)?.message ?? String(e)}`;
    try {
      writeFileAtomic(p.error(task), `${line}\n`);
    } catch {
      // the error still reaches stderr (the task log)
    }
    throw e;
  } finally {
    clearTraceCache();
  }
}
