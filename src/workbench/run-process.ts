import { spawn } from 'node:child_process';

/** What a finished child process produced. */
export interface ProcessResult {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly ms: number;
}

/** Options of `runProcess`. */
export interface RunProcessOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then closed. */
  readonly input?: string | Uint8Array;
  /** Kill the child (SIGTERM, then SIGKILL after 5 s) after this long. */
  readonly timeoutMs?: number;
}

/**
 * Run a program to completion, collecting stdout as bytes (no size limit: executed notebooks are megabytes)
 * and stderr as text. Never throws for a non-zero exit; throws only when the program cannot be started.
 */
export function runProcess(cmd: string, args: readonly string[], opts: RunProcessOptions = {}): Promise<ProcessResult> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }, opts.timeoutMs);
    }
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), timedOut, ms: Date.now() - start });
    });
    child.stdin.on('error', () => {}); // a child that exits early must not crash us with EPIPE
    child.stdin.end(opts.input ?? '');
  });
}
