import { readdirSync, readFileSync } from 'node:fs';
import { clockTicks, statFieldsAfterName } from './start';

/**
 * CPU time per thread of this process, for the sweep benchmark's ceiling (scripts/bench/sweep.bench.ts): the
 * `utime` + `stime` fields of /proc/self/task/<tid>/stat (clock ticks, proc(5)). Linux only. The main thread's tid is
 * the process id; the others are worker threads and V8's own helper threads (optimising compiler, GC), which run
 * beside the main thread even when the program runs on one thread.
 */

/** `utime + stime` (fields 14 and 15, clock ticks) of a `/proc/<pid>/task/<tid>/stat` line. */
export function threadTicks(stat: string): number {
  const rest = statFieldsAfterName(stat);
  return Number(rest[11]) + Number(rest[12]);
}

/** CPU seconds of each live thread of this process by tid, or undefined off Linux. */
export function threadCpuSeconds(ticksPerSecond = clockTicks()): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const out = new Map<number, number>();
  for (const tid of tids) {
    try {
      out.set(Number(tid), threadTicks(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')) / ticksPerSecond);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/**
 * The CPU seconds this process's threads used between two `threadCpuSeconds` snapshots: the main thread's and
 * the rest's (threads that ended in between are missing from `after`: measure a span that starts none).
 */
export function cpuSplit(before: Map<number, number>, after: Map<number, number>, mainTid = process.pid): { mainS: number; othersS: number } {
  let mainS = 0;
  let othersS = 0;
  for (const [tid, s] of after) {
    const d = s - (before.get(tid) ?? 0);
    if (tid === mainTid) mainS += d;
    else othersS += d;
  }
  return { mainS, othersS };
}
