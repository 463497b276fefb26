import { closeSync, fsyncSync, linkSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { HOST_NAME, isProcessAlive } from './process-alive';

/**
 * Advisory lock files that also work on shared filesystems (NFS v3+, Lustre, GPFS, …): the lock is a file
 * created with O_CREAT|O_EXCL (`open(path, 'wx')`), which the filesystem guarantees only one process can
 * create, holding JSON `{host, pid, startedAt, command}`. No flock/fcntl (unreliable over NFS).
 *
 * Staleness: a lock is stale only when its host is this host and its pid is not a live process here
 * (`process.kill(pid, 0)` → ESRCH); a stale lock is taken over (the caller is told, to warn). A lock from
 * another host is never judged stale (its pid means nothing here): removing it is an explicit user action
 * (`removeLock`). A lock whose content cannot be parsed is treated as held.
 *
 * Release: `release()` removes the lock only if it still holds this process's content; every lock still
 * held is released on process exit (normal exit, `process.exit` from a signal handler). A SIGKILL leaves
 * the lock behind, and the next acquirer on the same host takes it over.
 */

/** What a lock file holds. */
export interface LockInfo {
  readonly host: string;
  readonly pid: number;
  /** ISO 8601 time the lock was taken (informational; never used to judge staleness). */
  readonly startedAt: string;
  /** The command line of the holder (informational). */
  readonly command: string;
}

/** The current holder of a lock file, as read: parsed, unparseable (`raw` holds the text), or no lock. */
export type LockState = { readonly kind: 'held'; readonly info: LockInfo; readonly raw: string } | { readonly kind: 'unreadable'; readonly raw: string } | { readonly kind: 'none' };

/** Thrown by `acquireLock` when another live (or unjudgeable) holder has the lock. */
export class LockHeldError extends Error {
  constructor(
    readonly lockPath: string,
    readonly state: Exclude<LockState, { kind: 'none' }>,
  ) {
    super(`lock ${lockPath} is held`);
    this.name = 'LockHeldError';
  }
}

/** A lock this process holds. */
export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** The dead holder whose stale lock was taken over, if any (the caller warns about it). */
  readonly tookOverFrom?: LockInfo;
  /** Remove the lock file if it is still ours (idempotent). */
  release(): void;
}

const held = new Set<HeldLock>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const l of [...held]) l.release();
  });
}

/** Number of locks this process holds (tests use it to check release). */
export function heldLockCount(): number {
  return held.size;
}

function isLockInfo(v: unknown): v is LockInfo {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.host === 'string' && typeof o.pid === 'number' && Number.isInteger(o.pid) && o.pid > 0 && typeof o.startedAt === 'string' && typeof o.command === 'string';
}

/** Sleep synchronously (a short wait for a holder that has created its lock but not yet written it). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Tries (and ms between them) before an empty lock file counts as unreadable rather than half-written. */
const EMPTY_RETRIES = 20;
const EMPTY_RETRY_MS = 10;

/**
 * Read a lock file. An empty file (a holder between its create and its write) is read again a few times
 * (at most `EMPTY_RETRIES` × `EMPTY_RETRY_MS` ms) before it counts as unreadable. Reads at most 64 KiB.
 */
export function readLock(lockPath: string): LockState {
  for (let attempt = 0; ; attempt++) {
    let raw: string;
    try {
      const fd = openSync(lockPath, 'r');
      try {
        const buf = Buffer.alloc(65536);
        const n = readSyncAll(fd, buf);
        raw = buf.subarray(0, n).toString('utf8');
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
      throw e;
    }
    if (raw === '' && attempt < EMPTY_RETRIES) {
      pause(EMPTY_RETRY_MS);
      continue;
    }
    try {
      const v: unknown = JSON.parse(raw);
      if (isLockInfo(v)) return { kind: 'held', info: { host: v.host, pid: v.pid, startedAt: v.startedAt, command: v.command }, raw };
    } catch {
      // not JSON
    }
    return { kind: 'unreadable', raw };
  }
}

function readSyncAll(fd: number, buf: Buffer): number {
  let n = 0;
  for (;;) {
    const k = readSync(fd, buf, n, buf.length - n, null);
    if (k <= 0) return n;
    n += k;
    if (n === buf.length) return n;
  }
}

/** True when `info` is a lock of this host whose process is gone (the only case judged stale). */
export function isStaleLock(info: LockInfo): boolean {
  return info.host === HOST_NAME && !isProcessAlive(info.pid);
}

/**
 * Move a stale lock out of the way without ever removing a fresh one: rename it aside (atomic), check the
 * moved file is the stale content we judged, then delete it. If another process replaced the stale lock
 * between our read and our rename, we moved ITS lock: put it back (link: never over a lock that appeared
 * meanwhile) and report failure. Returns true when the path is free to be created.
 */
function moveStaleAside(lockPath: string, staleRaw: string): boolean {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true; // someone else removed it
    throw e;
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // unreadable: treat as not ours to delete
  }
  if (moved === staleRaw) {
    rmSync(aside, { force: true });
    return true;
  }
  try {
    linkSync(aside, lockPath);
  } catch {
    // a new lock appeared in its place; the next create attempt finds it
  }
  rmSync(aside, { force: true });
  return false;
}

/** Attempts to create the lock (a stale lock taken over, or removed by another process, costs one more). */
const MAX_ATTEMPTS = 3;

/**
 * Take the lock at `lockPath` for this process, recording `command`. Creates the file exclusively; when it
 * exists, a stale holder (same host, pid gone) is taken over (`tookOverFrom` says whose) and anything else
 * throws `LockHeldError` with what the file holds. Other filesystem errors (missing folder, read-only)
 * are thrown as they are.
 */
export function acquireLock(lockPath: string, command: string): HeldLock {
  hookExit();
  const info: LockInfo = { host: HOST_NAME, pid: process.pid, startedAt: new Date().toISOString(), command };
  const text = `${JSON.stringify(info)}\n`;
  let tookOverFrom: LockInfo | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const state = readLock(lockPath);
      if (state.kind === 'none') continue;
      if (state.kind === 'held' && isStaleLock(state.info) && moveStaleAside(lockPath, state.raw)) {
        tookOverFrom = state.info;
        continue;
      }
      throw new LockHeldError(lockPath, state);
    }
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(lockPath, { force: true });
      throw e;
    }
    closeSync(fd);
    const lock: HeldLock = {
      path: lockPath,
      info,
      ...(tookOverFrom ? { tookOverFrom } : {}),
      release() {
        if (!held.delete(lock)) return;
        try {
          if (readFileSync(lockPath, 'utf8') === text) rmSync(lockPath, { force: true });
        } catch {
          // already gone (removed by hand or --unlock)
        }
      },
    };
    held.add(lock);
    return lock;
  }
  const state = readLock(lockPath);
  throw new LockHeldError(lockPath, state.kind === 'none' ? { kind: 'unreadable', raw: '' } : state);
}

/** Remove a lock file whatever it holds (the explicit unlock); returns what it held. */
export function removeLock(lockPath: string): LockState {
  const state = readLock(lockPath);
  if (state.kind !== 'none') rmSync(lockPath, { force: true });
  return state;
}
