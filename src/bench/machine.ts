import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine a benchmark ran on; written beside every row of out/bench.csv. */
export interface MachineInfo {
  readonly cpu: string;
  /** Logical cores available to this process. */
  readonly cores: number;
  readonly ramGiB: number;
  readonly node: string;
  readonly os: string;
  /** `git rev-parse --short HEAD`, with `+dirty` when the work tree has changes; '' outside git. */
  readonly commit: string;
  /** ISO 8601 time of the run (UTC). */
  readonly date: string;
  /**
   * 1-minute load average when the run started (0 where the OS has none): on a shared machine a load above
   * the core count means other processes held the cores, so wall-time figures (and parallel speed-ups) suffer.
   */
  readonly load1: number;
}

function osName(): string {
  const release = '/etc/os-release';
  if (existsSync(release)) {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync(release, 'utf8'));
    if (m) return `${m[1]} (${os.type()} ${os.release()})`;
  }
  return `${os.type()} ${os.release()}`;
}

/** Current git commit of `root`, or '' when git or the repository is unavailable. */
export function gitCommit(root: string): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return '';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  return head.stdout.trim() + (dirty.status === 0 && dirty.stdout.trim() !== '' ? '+dirty' : '');
}

/** Describe this machine now. */
export function machineInfo(root: string, now: Date = new Date()): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: osName(),
    commit: gitCommit(root),
    date: now.toISOString(),
    load1: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
