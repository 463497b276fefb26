import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Process start measurements for `npm run bench` (scripts/bench/start.bench.ts): the CPU time of a child
 * process from exec to exit, start-up included, as the kernel accounts it — the `cutime` + `cstime` fields
 * of this process's /proc/self/stat (CPU of reaped children, in clock ticks, proc(5)) before and after a
 * synchronous spawn. Linux only; the tick is 10 ms (`getconf CLK_TCK` = 100 on Linux), so each figure is
 * the median of several runs' sums rather than one short run.
 */

/** CPU seconds of every child this process has reaped so far (user + system), or undefined off Linux. */
export function childrenCpuSeconds(ticksPerSecond = clockTicks()): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  return childrenTicks(stat) / ticksPerSecond;
}

/**
 * `cutime + cstime` (fields 16 and 17, clock ticks) of a `/proc/<pid>/stat` line. Fields are counted after
 * the parenthesised command name, which may itself contain spaces and parentheses (hence the last `)`).
 */
export function childrenTicks(stat: string): number {
  const rest = statFieldsAfterName(stat);
  return Number(rest[13]) + Number(rest[14]);
}

/**
 * The fields of a `/proc/<pid>/stat` (or `/proc/<pid>/task/<tid>/stat`) line after the parenthesised command name,
 * which may itself hold spaces and parentheses: field 3 (state) is element 0.
 */
export function statFieldsAfterName(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

let ticks: number | undefined;
/** `getconf CLK_TCK` (100 when it cannot be asked). */
export function clockTicks(): number {
  if (ticks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    ticks = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return ticks;
}

/** One child's CPU seconds (start to exit) and wall seconds; throws when it exits non-zero. */
export function childCost(cmd: string, args: readonly string[], cwd: string): { cpuS: number; wallS: number } {
  const c0 = childrenCpuSeconds();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = childrenCpuSeconds();
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  return { cpuS: c0 === undefined || c1 === undefined ? Number.NaN : c1 - c0, wallS };
}

/** Median of numbers (NaN for none). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * `a` and `b` run in turn `runs` times (A B A B …, so drift of the machine's speed hits both alike); returns
 * the median CPU and wall seconds of each and the median of the pairwise CPU ratios a/b.
 */
export function pairedCost(a: { cmd: string; args: readonly string[] }, b: { cmd: string; args: readonly string[] }, runs: number, cwd: string) {
  const ac: number[] = [];
  const bc: number[] = [];
  const aw: number[] = [];
  const bw: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const x = childCost(a.cmd, a.args, cwd);
    const y = childCost(b.cmd, b.args, cwd);
    ac.push(x.cpuS);
    bc.push(y.cpuS);
    aw.push(x.wallS);
    bw.push(y.wallS);
    if (y.cpuS > 0) ratios.push(x.cpuS / y.cpuS);
  }
  return { aCpuS: median(ac), bCpuS: median(bc), aWallS: median(aw), bWallS: median(bw), cpuRatio: median(ratios) };
}
