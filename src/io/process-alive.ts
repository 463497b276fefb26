import { hostname } from 'node:os';

/** This machine's host name, as locks and temporaries record it (`os.hostname()`). */
export const HOST_NAME: string = hostname();

/**
 * Whether `pid` is a live process on THIS host: `process.kill(pid, 0)` sends no signal, it only checks.
 * ESRCH → gone; EPERM (another user's process) or any other answer → alive, so callers that clean up after
 * dead processes err on the side of keeping things. A pid that is not a positive 31-bit integer names no
 * process (0 and negative pids would address process groups, so they are never passed to `kill`).
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid > 0x7fffffff) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
