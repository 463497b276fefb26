/**
 * Test harness for system models. Platforms come from the profile resolver (`resolvePlatform`) with `--set`
 * style overrides, so tests read every cost back from the resolved platform to derive expectations (never
 * literals). Replays go through the public `compare()` (item parameters → normalize → simulate), with
 * debug invariants on.
 */
import { resolvePlatform, type FieldValue } from '../../src/profiles/resolve';
import type { Platform } from '../../src/profiles/types';
import { compare } from '../../src/run/run';
import type { RunResult } from '../../src/sim/run-types';
import type { SystemModel } from '../../src/sim/system';
import type { ParamValue } from '../../src/params';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { GiB, KiB, MiB } from '../../src/units';

/** The platform every system test runs on (affine PCIe 4 link). */
export const TEST_PROFILE = 'a100-pcie4';
/** A small device so eviction tests stay small. */
const BASE_OVERRIDES: Record<string, FieldValue> = { 'device.memory.capacityBytes': 64 * MiB };

export type Overrides = Record<string, FieldValue>;

/** The resolved test platform with `o` applied (key paths as for `--set`). */
export function testPlatform(o: Overrides = {}): Platform {
  return resolvePlatform(TEST_PROFILE, { ...BASE_OVERRIDES, ...o });
}

/** Replay `events` through system preset `preset` with `params` (as `--set preset.k=v`) on `testPlatform(o)`. */
export async function replay(
  preset: string,
  params: Record<string, ParamValue>,
  events: readonly TraceEvent[],
  o: Overrides = {},
  seed = 0,
): Promise<RunResult> {
  const set: Record<string, ParamValue | FieldValue> = { ...BASE_OVERRIDES, ...o };
  for (const [k, v] of Object.entries(params)) set[`${preset}.${k}`] = v;
  const [r] = await compare(memoryTrace('test-trace', eventsToBatches([...events])), { system: preset, profile: TEST_PROFILE, set, seed, debug: true });
  return r!;
}

/**
 * Let `corrupt` damage a model's state just before its `finish` (tests of debug checks: the engine's check after
 * `finish` must then throw). Returns `m`; no-op without `corrupt`.
 */
export function corruptBeforeFinish<T>(m: SystemModel, state: T, corrupt?: (s: T) => void): SystemModel {
  if (!corrupt) return m;
  const finish = m.finish.bind(m);
  m.finish = () => {
    corrupt(state);
    return finish();
  };
  return m;
}

export { GiB, KiB, MiB };
