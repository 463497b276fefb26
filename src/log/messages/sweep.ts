import { defineMessage } from '../diagnostic';

/** Messages about sweep specifications (sweep.json) and sweep result files. */
export const sweepMessages = {
  badJson: defineMessage('sweep.bad-json', 'error', 'Fix the JSON syntax at the position shown (strict JSON: double quotes, no trailing commas, no comments).', (reason: string) => ({
    message: `not valid JSON: ${reason}`,
  })),
  unknownField: defineMessage('sweep.unknown-field', 'error', 'Check the spelling; docs/analysis.md lists the fields of a sweep file.', (name: string, known: readonly string[]) => ({
    message: `unknown field '${name}'`,
    expected: `one of ${known.join(', ')}`,
    found: JSON.stringify(name),
  })),
  missingField: defineMessage('sweep.missing-field', 'error', 'Add the field; docs/analysis.md has an example sweep file.', (name: string) => ({
    message: `missing required field '${name}'`,
  })),
  badValue: defineMessage('sweep.bad-value', 'error', 'Use a value of the expected form (docs/analysis.md, "Sweep file").', (expected: string, found: string) => ({
    message: 'bad value',
    expected,
    found,
  })),
  tooLarge: defineMessage(
    'sweep.too-large',
    'error',
    'A sweep is expanded and every run resolved before the first one starts, in memory; split it into several sweeps (they can share one results file, one after the other) or narrow its lists. The count is the cross product of each sub-sweep\'s lists, before identical points are merged.',
    (runs: number, max: number, factors: string) => ({
      message: `the sweep expands to ${runs.toLocaleString('en-US')} runs, more than gmemlab expands (${max.toLocaleString('en-US')})`,
      expected: `at most ${max.toLocaleString('en-US')} runs`,
      found: `${runs.toLocaleString('en-US')} (largest sub-sweep: ${factors})`,
    }),
    [1000000, 100000, 'traces 1 × systems 1 × profiles 1 × oversub 1 × grid link.latencyNs 1000 × grid device.fault.serviceNs 1000 × scale 1 × seeds 1'],
  ),
  empty: defineMessage('sweep.empty', 'error', 'Every list in the sweep (traces, systems, profiles, oversub, seeds, grid and scale values) must have at least one entry.', () => ({
    message: 'the sweep expands to no runs',
  })),
  resultsUnreadable: defineMessage(
    'sweep.results-unreadable',
    'error',
    'The existing results file cannot be resumed from. Move it away (or delete it) to start afresh, or pass another -o path.',
    (reason: string) => ({ message: `cannot resume from this results file: ${reason}` }),
  ),
  badOutput: defineMessage('sweep.bad-output', 'error', 'Name the results file with a .csv or .json extension.', (found: string) => ({
    message: 'results file must end in .csv or .json',
    expected: 'a path ending in .csv or .json',
    found: JSON.stringify(found),
  })),
  locked: defineMessage(
    'sweep.locked',
    'error',
    'Another sweep is writing the same results file (the location is its lock file, which records the holder). Two writers would lose each other\'s rows, so this one stops before running anything. Wait for the other sweep to finish, stop it, or pass another -o. If the holder is gone (a crashed machine, a job killed on another host of a shared folder), remove the lock with `gmemlab sweep --unlock <results file>`; a lock left by a process of this host that no longer runs is taken over automatically.',
    (results: string, holder: string) => ({
      message: `results file ${results} is locked by another sweep`,
      expected: 'no other sweep writing this results file',
      found: holder,
    }),
    ['out/r.csv', 'pid 4242 on host node7 since 2026-01-02T03:04:05.000Z ("gmemlab sweep sw.json -o out/r.csv")'],
  ),
  lockTakenOver: defineMessage(
    'sweep.lock-taken-over',
    'warning',
    'The previous sweep on this results file ended without removing its lock (killed, or its machine crashed) and its process no longer runs on this host; the lock was taken over. Rows it finished are in the file and are not run again.',
    (holder: string) => ({ message: `took over a stale lock left by ${holder}, which is no longer running` }),
    ['pid 4242 on host node7 since 2026-01-02T03:04:05.000Z ("gmemlab sweep sw.json -o out/r.csv")'],
  ),
  unlockLive: defineMessage(
    'sweep.unlock-live',
    'error',
    'The lock belongs to a process of this host that is still running: stop that sweep first (it removes its lock when it stops). If that pid is not a gmemlab sweep at all (the pid was reused after a crash), delete the lock file by hand.',
    (holder: string) => ({
      message: 'refusing to remove the lock of a running sweep',
      expected: 'a lock whose holder is gone or on another host',
      found: holder,
    }),
    ['pid 4242 on host node7 since 2026-01-02T03:04:05.000Z ("gmemlab sweep sw.json -o out/r.csv")'],
  ),
  workersNeedRefs: defineMessage(
    'sweep.workers-need-refs',
    'error',
    'Give the trace as a file or a workload reference ({ "workload": id }) so each worker thread can stream it, or run with workers: 1.',
    (name: string, maxEvents: number) => ({ message: `trace '${name}' is held in memory and has more than ${maxEvents} rows, too many to share with worker threads` }),
  ),
  slurmMemoryTrace: defineMessage(
    'sweep.slurm-memory-trace',
    'error',
    'Array tasks run in other processes on other machines: give the trace as a file (on the shared filesystem) or a workload reference ({ "workload": id }).',
    (name: string) => ({ message: `trace '${name}' is held in memory; a Slurm sweep can only run traces the nodes can open` }),
  ),
  slurmDirMismatch: defineMessage(
    'sweep.slurm-dir-mismatch',
    'error',
    'The sweep directory was prepared for another sweep (or another gmemlab version). Pass another --dir, or delete the folder to start afresh.',
    (reason: string) => ({ message: `this sweep directory belongs to another sweep: ${reason}` }),
  ),
  slurmNotSweepDir: defineMessage('sweep.slurm-not-sweep-dir', 'error', 'Pass the folder given as --dir to `gmemlab sweep … --backend slurm`.', (reason: string) => ({
    message: `not a Slurm sweep directory: ${reason}`,
  })),
  slurmTraceUnreadable: defineMessage(
    'sweep.slurm-trace-unreadable',
    'error',
    'Every node must read the trace at the same path (a shared filesystem). Check the path and its permissions on the node named in the task log, then re-run the same `gmemlab sweep … --backend slurm` command to resubmit the failed tasks.',
    (run: number, label: string, reason: string) => ({ message: `run #${run} (${label}): the trace cannot be read on this node: ${reason}` }),
  ),
  slurmTraceChanged: defineMessage(
    'sweep.slurm-trace-changed',
    'error',
    'The trace file differs on this node from the one the sweep was prepared with (changed since, or another copy at the same path). Restore it, or prepare the sweep again in a new --dir.',
    (run: number, label: string, expected: string, found: string) => ({ message: `run #${run} (${label}): the trace digest differs on this node`, expected, found }),
  ),
  slurmCommandFailed: defineMessage(
    'sweep.slurm-command-failed',
    'error',
    'Run gmemlab on a machine that can submit Slurm jobs (a login node with sbatch, squeue and scancel on PATH and SLURM_CONF set if needed); the message has the command\'s own error.',
    (command: string, reason: string) => ({ message: `'${command}' failed: ${reason}` }),
  ),
  slurmBadTask: defineMessage('sweep.slurm-bad-task', 'error', 'Task indices run from 0 to the task count − 1 of the sweep directory (see `gmemlab sweep status <dir>`).', (expected: string, found: string) => ({
    message: 'no such array task',
    expected,
    found,
  })),
} as const;
