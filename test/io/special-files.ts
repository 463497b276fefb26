/**
 * Special files for output-rule tests, always inside a test's own temp folder (never /dev): a FIFO from
 * `mkfifo`, a listening Unix socket, and a pid that names no process.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** Create a FIFO at `path` with mkfifo(1). */
export function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed: ${r.stderr}`);
}

/** True when `path` is (still) a FIFO, not following links. */
export function isFifo(path: string): boolean {
  return lstatSync(path).isFIFO();
}

/** A Unix socket file at `path` (close the server when done; closing removes the file). */
export async function listenSocket(path: string): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return server;
}

/**
 * A pid no process can have: the kernel's pid_max (pids are < pid_max), so `kill(pid, 0)` is ESRCH
 * without any timing assumption.
 */
export function deadPid(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
  } catch {
    return 4194304;
  }
}
