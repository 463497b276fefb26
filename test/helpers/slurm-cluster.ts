/**
 * A one-node Slurm cluster on this machine for tests (issue 19): Debian `slurm-wlm` + `munge`, run as root,
 * every Slurm file (slurm.conf, state, spool, pid and log files) in a temporary folder, non-default ports.
 * `startSlurmCluster()` returns the cluster (with `env`: `SLURM_CONF` to pass to every Slurm command) or a
 * one-line reason to skip (no root, no apt, packages not installable, a Slurm daemon already running).
 * Munge's socket (/run/munge) is the one thing written outside the temporary folder; munged is stopped
 * afterwards only if this helper started it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { tempDir } from './temp-dir';

export interface SlurmCluster {
  readonly dir: string;
  readonly conf: string;
  readonly node: string;
  /** process.env plus SLURM_CONF. */
  readonly env: NodeJS.ProcessEnv;
  /** Stop slurmd and slurmctld (and munged if started here), by pid. */
  stop(): Promise<void>;
}

const PACKAGES = ['slurm-wlm', 'munge'];

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { status: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, timeout: 120_000 });
  return { status: r.error ? -1 : r.status, out: r.stdout ?? '', err: r.error ? r.error.message : (r.stderr ?? '') };
}

/** Install slurm-wlm and munge with apt-get when missing (root only); a reason string when that is impossible. */
function ensurePackages(): string | undefined {
  if (existsSync('/usr/sbin/slurmctld') && existsSync('/usr/sbin/slurmd') && existsSync('/usr/sbin/munged') && existsSync('/usr/bin/sbatch')) return undefined;
  if (run('apt-get', ['--version']).status !== 0) return 'no apt-get on this machine to install slurm-wlm and munge';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...PACKAGES]]) {
    const r = run('apt-get', args, env);
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed: ${r.err.trim().split('\n').pop()}`);
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pgrepExact(name: string): number[] {
  const r = run('pgrep', ['-x', name]);
  return r.out.split('\n').filter(Boolean).map(Number);
}

async function poll(what: string, ok: () => boolean, maxPolls = 300, everyMs = 100): Promise<void> {
  for (let i = 0; i < maxPolls; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`slurm test cluster: ${what} did not happen after ${maxPolls} polls`);
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Start the cluster, or return why the test must be skipped. */
export async function startSlurmCluster(): Promise<SlurmCluster | string> {
  if (process.platform !== 'linux') return 'the Slurm test cluster needs Linux';
  if (!isRoot()) return 'the Slurm test cluster needs root (slurmd runs jobs as any user)';
  const reason = ensurePackages();
  if (reason) return reason;
  for (const d of ['slurmctld', 'slurmd']) if (pgrepExact(d).length > 0) return `a ${d} already runs on this machine; not starting a test cluster beside it`;

  // munge: the package's key; socket folder owned by munge
  let mungedPid: number | undefined;
  if (pgrepExact('munged').length === 0) {
    if (!existsSync('/etc/munge/munge.key')) {
      const k = run('mungekey', ['--create', '--keyfile=/etc/munge/munge.key']);
      if (k.status !== 0) throw new Error(`mungekey failed: ${k.err}`);
      run('chown', ['munge:munge', '/etc/munge/munge.key']);
    }
    mkdirSync('/run/munge', { recursive: true });
    run('chown', ['munge:munge', '/run/munge']);
    const m = run('runuser', ['-u', 'munge', '--', '/usr/sbin/munged', '--force']);
    if (m.status !== 0) {
      const m2 = run('/usr/sbin/munged', ['--force']); // some images lack runuser or the munge user
      if (m2.status !== 0) throw new Error(`munged failed to start: ${m.err.trim()} / ${m2.err.trim()}`);
    }
    // munged daemonises (the started process exits): its pid file names the daemon
    await poll('munged start', () => {
      const pid = readPid('/run/munge/munged.pid');
      return pid !== undefined && pidAlive(pid);
    });
    mungedPid = readPid('/run/munge/munged.pid');
  }

  const dir = tempDir('slurm');
  const node = hostname().split('.')[0]!;
  const memMiB = Math.max(512, Math.floor((totalmem() / 2 ** 20) * 0.9));
  const conf = join(dir, 'slurm.conf');
  for (const d of ['state', 'spool']) mkdirSync(join(dir, d));
  writeFileSync(
    conf,
    [
      'ClusterName=gmemlabtest',
      `SlurmctldHost=${node}`,
      'SlurmUser=root',
      'SlurmctldPort=16817',
      'SlurmdPort=16818',
      'AuthType=auth/munge',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'SchedulerType=sched/backfill',
      'SchedulerParameters=sched_interval=1',
      'ReturnToService=2',
      'SlurmdTimeout=10',
      'MinJobAge=300',
      'MaxArraySize=4001',
      'MaxJobCount=20000',
      'JobCompType=jobcomp/none',
      'AccountingStorageType=accounting_storage/none',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
      `NodeName=${node} CPUs=${cpus().length} RealMemory=${memMiB} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  try {
    chownSync(dir, 0, 0);
  } catch {
    // already root's
  }
  const env = { ...process.env, SLURM_CONF: conf };
  const start = (bin: string): void => {
    const c = spawn(bin, ['-f', conf], { env, stdio: 'ignore', detached: true });
    c.unref();
  };
  start('/usr/sbin/slurmctld');
  await poll('slurmctld pid file', () => readPid(join(dir, 'slurmctld.pid')) !== undefined);
  start('/usr/sbin/slurmd');
  await poll('slurmd pid file', () => readPid(join(dir, 'slurmd.pid')) !== undefined);
  const cluster: SlurmCluster = {
    dir,
    conf,
    node,
    env,
    async stop() {
      for (const f of ['slurmd.pid', 'slurmctld.pid']) {
        const pid = readPid(join(dir, f));
        if (pid !== undefined && pidAlive(pid)) {
          process.kill(pid, 'SIGTERM');
          await poll(`${f} exit`, () => !pidAlive(pid)).catch(() => process.kill(pid, 'SIGKILL'));
        }
      }
      if (mungedPid !== undefined && pidAlive(mungedPid)) process.kill(mungedPid, 'SIGTERM');
    },
  };
  try {
    // the node is usable once sinfo reports it idle
    await poll('node idle', () => /idle/.test(run('sinfo', ['-h', '-N', '-o', '%t'], env).out), 600);
  } catch (e) {
    await cluster.stop();
    throw new Error(`${(e as Error).message}; slurmctld.log: ${tail(join(dir, 'slurmctld.log'))} slurmd.log: ${tail(join(dir, 'slurmd.log'))}`);
  }
  return cluster;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(none)';
  }
}
