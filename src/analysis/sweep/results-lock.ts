import { resolveOutputTarget } from '../../io/atomic';
import { acquireLock, isStaleLock, LockHeldError, readLock, removeLock, type HeldLock, type LockState } from '../../io/lock';
import { HOST_NAME, isProcessAlive } from '../../io/process-alive';
import { GmemlabError, quote, type Diagnostic } from '../../log/diagnostic';
import { ioMessages } from '../../log/messages/io';
import { sweepMessages } from '../../log/messages/sweep';

/**
 * The lock of a sweep results file (docs/analysis.md, "Concurrent sweeps and shared folders"): a sweep
 * writing `-o r.csv` holds `r.csv.lock` (beside the file a symlinked `-o` points at, so two links to one
 * file share one lock) from before it reads the file until it has written its last row. A second writer
 * fails with `sweep.locked` (exit 2) before running anything; a lock left by a dead process of this host
 * is taken over with `sweep.lock-taken-over`; `gmemlab sweep --unlock r.csv` removes a lock by hand.
 * Built on `src/io/lock.ts` (exclusive create, works on NFS and other shared filesystems).
 */

/** The lock file of a results file: `<final target>.lock`. */
export function resultsLockPath(results: string): string {
  return `${resolveOutputTarget(results).finalPath}.lock`;
}

/** "pid 4242 on host node7 since … ("command")", or what an unreadable lock holds. */
export function describeHolder(state: Exclude<LockState, { kind: 'none' }>): string {
  if (state.kind === 'unreadable') return `a lock file that is not a gmemlab lock (it holds ${quote(state.raw)})`;
  const i = state.info;
  return `pid ${i.pid} on host ${i.host} since ${i.startedAt} (${quote(i.command, 200)})`;
}

/**
 * Lock `results` for this sweep. Throws `sweep.locked` naming the lock file and its holder when another
 * sweep holds it; reports `sweep.lock-taken-over` to `onWarning` when a stale lock was taken over; a lock
 * that cannot be created (read-only folder) is io.cannot-write.
 */
export function lockResults(results: string, command: string, onWarning: (d: Diagnostic) => void): HeldLock {
  const lockPath = resultsLockPath(results);
  let lock: HeldLock;
  try {
    lock = acquireLock(lockPath, command);
  } catch (e) {
    if (e instanceof LockHeldError) throw new GmemlabError(sweepMessages.locked({ file: lockPath }, results, describeHolder(e.state)));
    const err = e as NodeJS.ErrnoException;
    throw new GmemlabError(ioMessages.cannotWrite({ file: lockPath }, err?.code ? `${err.code} (${err.syscall ?? 'open'})` : String(err?.message ?? err)));
  }
  if (lock.tookOverFrom) onWarning(sweepMessages.lockTakenOver({ file: lockPath }, describeHolder({ kind: 'held', info: lock.tookOverFrom, raw: '' })));
  return lock;
}

/** What `unlockResults` did. */
export interface UnlockOutcome {
  readonly lockPath: string;
  /** What the removed lock held; `none` when there was no lock. */
  readonly removed: LockState;
}

/**
 * `gmemlab sweep --unlock <results>`: remove the results file's lock. Refused (`sweep.unlock-live`) when
 * the holder is a live process of this host — stopping it releases the lock; anything else (a holder on
 * another host, a dead one, an unreadable lock) is removed.
 */
export function unlockResults(results: string): UnlockOutcome {
  const lockPath = resultsLockPath(results);
  const state = readLock(lockPath);
  if (state.kind === 'held' && state.info.host === HOST_NAME && !isStaleLock(state.info) && isProcessAlive(state.info.pid)) {
    throw new GmemlabError(sweepMessages.unlockLive({ file: lockPath }, describeHolder(state)));
  }
  return { lockPath, removed: state.kind === 'none' ? state : removeLock(lockPath) };
}
