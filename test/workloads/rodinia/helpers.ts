import type { EventBatch } from '../../../src/trace/batch';
import { Rng } from '../../../src/sim/rng';
import { DeviceRun, type RodiniaCommon } from '../../../src/workloads/rodinia/device-run';
import { RODINIA_COMMON_DEFAULTS } from '../../../src/workloads/rodinia/define';

/** Run a Rodinia program on a fresh DeviceRun to the end (including `finish`); returns every batch. */
export function runProgram<P extends object>(
  program: (run: DeviceRun, p: P & RodiniaCommon, rng: Rng) => Iterable<EventBatch>,
  params: P,
  seed = 1,
): EventBatch[] {
  const p = { ...RODINIA_COMMON_DEFAULTS, ...params };
  const run = new DeviceRun(p);
  const out: EventBatch[] = [];
  for (const b of program(run, p, new Rng(seed))) out.push(b);
  for (const b of run.finish()) out.push(b);
  return out;
}

/** max |a − b| / max(|b|, 1e-30) over all elements (lengths must match). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-30));
  return m;
}

/** max |a − b| over all elements (lengths must match). */
export function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
