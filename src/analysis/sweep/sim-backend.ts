import { join } from 'node:path';
import { fail } from '../../log/diagnostic';
import { runMessages } from '../../log/messages/run';
import { fieldSpec, fieldValue, isProfileKey, resolvePlatform, type FieldValue } from '../../profiles/resolve';
import type { RunSpec } from '../../run/run-spec';
import { planRuns } from '../../run/run';
import { setMatchesNothing } from '../../run/normalize';
import { systemPreset } from '../../systems/index';
import type { ParamValue } from '../../params';
import type { Trace } from '../../trace/trace';
import type { PrepareOptions, PreparedRun, SweepBackend } from './backend';
import { presetOf, type SweepPoint } from './expand';
import { sourceKey } from './open-source';
import { runTask, type SimTask } from './sim-task';
import { scanAndShare, TRACE_CACHE_MAX_EVENTS, type ScannedTrace } from './trace-cache';
import { runTask as runScanTask, type ScanTask } from './scan-task';
import type { TraceRef } from './expand';

/** The module of the trace-preparation task (scan-task.ts), loaded by worker threads. */
const SCAN_TASK_MODULE = join(__dirname, 'scan-task.ts');
import { sweepMessages } from '../../log/messages/sweep';

/**
 * The simulator behind `sweep()`: gmemlab's run resolution (`planRuns`) and engine. `prepare` reads each
 * distinct trace once (the footprint/digest scan, keeping traces of up to `TRACE_CACHE_MAX_EVENTS` rows in
 * shared memory for every thread to replay; several traces at once on the sweep's pool, scan-task.ts),
 * gives each run its trace's event count as its cost and its system item as its cost class (the pool starts the
 * longest estimated first, learning each system's time per event from its finished runs), resolves every point — unknown systems, profiles, `--set`
 * keys and values fail here, before any run — and turns `scale` multipliers into `--set` values of the
 * resolved profile field (after the point's other overrides; sizes and counts rounded to integers).
 */
export const simBackend: SweepBackend = {
  module: join(__dirname, 'sim-task.ts'),
  runTask,
  async prepare(points: readonly SweepPoint[], opts: PrepareOptions = {}): Promise<PreparedRun[]> {
    const signal = opts.signal;
    const scans = new Map<string, Promise<ScannedTrace>>();
    const memoryIds = new WeakMap<Trace, number>();
    const used = new Map<string, boolean>(); // bare --set key → applied to some point
    const out: PreparedRun[] = [];
    // distinct traces that can travel to worker threads are prepared on the whole pool at once
    const refs = new Map<string, TraceRef>();
    for (const p of points) if (p.source.kind !== 'memory') refs.set(sourceKey(p.source, memoryIds), p.source);
    if (opts.pool && (opts.workers ?? 1) > 1 && refs.size > 1) {
      const keys = [...refs.keys()];
      const tasks: ScanTask[] = keys.map((k) => ({ source: refs.get(k)! }));
      await opts.pool.run<ScanTask, ScannedTrace>(tasks, {
        module: SCAN_TASK_MODULE,
        runner: runScanTask,
        ...(signal ? { signal } : {}),
        onDone: (i, r) => void scans.set(keys[i]!, Promise.resolve(r)),
      });
    }
    for (const p of points) {
      if (signal?.aborted) throw signal.reason;
      const key = sourceKey(p.source, memoryIds);
      let scan = scans.get(key);
      if (!scan) {
        scan = scanAndShare(p.source, TRACE_CACHE_MAX_EVENTS, signal);
        scans.set(key, scan);
      }
      const { scan: s, shared } = await scan;
      if (!shared && p.source.kind === 'memory' && (opts.workers ?? 1) > 1) fail(sweepMessages.workersNeedRefs({}, p.trace, TRACE_CACHE_MAX_EVENTS));
      const spec = runSpecOf(p, used);
      const [r] = planRuns(spec, s);
      const cloneable = p.source.kind !== 'memory' || (opts.workers ?? 1) <= 1;
      const task: SimTask = { traceKey: key, ...(cloneable ? { source: p.source } : {}), ...(shared ? { shared } : {}), spec, scan: s, specHash: r!.specHash };
      out.push({ index: p.index, specHash: r!.specHash, task, cost: s.events, costClass: p.system });
    }
    for (const [k, applied] of used) {
      if (!applied) {
        fail(setMatchesNothing(k, [...new Set(points.map((p) => p.system))].map((text) => ({ text, preset: presetOf(text) }))));
      }
    }
    return out;
  },
};

/**
 * The run spec of one point. Bare `--set` keys (no dot) apply only to systems that have the parameter (a
 * sweep mixes systems; `gmemlab run` with one system would reject them); `used` records whether each was
 * applied somewhere, so a key no system has is still an error.
 */
export function runSpecOf(p: SweepPoint, used: Map<string, boolean> = new Map()): RunSpec {
  const preset = systemPreset(presetOf(p.system));
  const set: Record<string, ParamValue | FieldValue> = {};
  // user keys are defined, not assigned: a "__proto__" key stays a key (rejected by the run resolution)
  const put = (k: string, v: ParamValue | FieldValue): void => void Object.defineProperty(set, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(p.set)) {
    if (k.includes('.')) {
      put(k, v);
      continue;
    }
    const applies = preset !== undefined && Object.hasOwn(preset.def.defaults, k);
    used.set(k, (used.get(k) ?? false) || applies || preset === undefined);
    if (applies || preset === undefined) put(k, v);
  }
  const scaleKeys = Object.keys(p.scale);
  if (scaleKeys.length > 0) {
    const profileId = p.profile ?? preset?.defaultProfile;
    if (profileId === undefined) fail(runMessages.noProfile({}, p.system));
    const base: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(set)) if (isProfileKey(k)) base[k] = v as FieldValue;
    const platform = resolvePlatform(profileId, base);
    for (const k of scaleKeys) {
      const spec = fieldSpec(k);
      const v = fieldValue(platform, k);
      if (typeof v !== 'number') fail(runMessages.badNumber({}, `scale ${k}`, 'a numeric profile field', String(v)));
      const scaled = v * p.scale[k]!;
      set[k] = spec.kind === 'bytes' || spec.kind === 'count' ? Math.round(scaled) : scaled;
    }
  }
  return {
    system: p.system,
    ...(p.profile !== null ? { profile: p.profile } : {}),
    set,
    oversub: p.oversub,
    oversubBasis: p.oversubBasis,
    seed: p.seed,
  };
}
