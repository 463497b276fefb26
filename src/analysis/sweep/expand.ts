import { isAbsolute, resolve } from 'node:path';
import { fail } from '../../log/diagnostic';
import { sweepMessages } from '../../log/messages/sweep';
import { stableStringify } from '../../io/hash';
import type { ParamValue } from '../../params';
import type { Trace } from '../../trace/trace';
import type { RunCoordinates } from '../flatten';
import { isTrace, sweepLeaves, type SweepSpec, type TraceSpec } from './spec';

/** A trace as the sweep runner opens it (serialisable except `memory`). */
export type TraceRef =
  | { readonly kind: 'file'; readonly path: string; readonly from?: string; readonly map?: string; readonly lenient?: boolean }
  | { readonly kind: 'workload'; readonly workload: string; readonly seed: number; readonly set: Readonly<Record<string, ParamValue>> }
  | { readonly kind: 'memory'; readonly trace: Trace };

/**
 * One run of a sweep: what `gmemlab run` would be given for one system item. `trace`, `set` and `scale` are
 * also the run's coordinates in result tables (`RunCoordinates`).
 */
export interface SweepPoint extends RunCoordinates {
  /** Position in the expansion (0-based); results are ordered by it. */
  readonly index: number;
  readonly source: TraceRef;
  readonly system: string;
  /** Platform preset, or null for the system's default platform. */
  readonly profile: string | null;
  readonly oversub: number | null;
  /** What `oversub` divides (sweep field `oversubBasis`; default `touched`). */
  readonly oversubBasis: 'touched' | 'allocated';
  readonly seed: number;
}

/** Options of `expandSweep`. */
export interface ExpandOptions {
  /** Folder relative trace paths are resolved against (the sweep file's folder; default the current folder). */
  readonly baseDir?: string;
}

const PROFILE_KEY = /^(device|link|host)\./;

/**
 * Expand a sweep deterministically into its runs. Order (first varies slowest): sub-sweep, trace, profile,
 * oversub, grid combination (keys in the order written, first slowest), scale combination, seed, system.
 * A `--set` key `<preset>.<param>` (fixed or grid) applies only to systems of that preset, so a grid over
 * `uvm.eviction` does not multiply the runs of the sweep's other systems: points identical after that
 * filtering are kept once (first occurrence). Pure apart from resolving relative paths.
 */
export function expandSweep(spec: SweepSpec, opts: ExpandOptions = {}): SweepPoint[] {
  const baseDir = opts.baseDir ?? process.cwd();
  const out: SweepPoint[] = [];
  const seen = new Set<string>();
  for (const { leaf } of sweepLeaves(spec)) {
    if (!leaf.traces) fail(sweepMessages.missingField({ field: 'traces' }, 'traces'));
    if (!leaf.systems) fail(sweepMessages.missingField({ field: 'systems' }, 'systems'));
    const traces = leaf.traces.map((t) => normalizeTrace(t, baseDir));
    const profiles: (string | null)[] = leaf.profiles ? [...leaf.profiles] : [null];
    const oversubs = leaf.oversub ?? [null];
    const seeds = leaf.seeds ?? [0];
    const grid = combinations(leaf.grid ?? {});
    const scales = combinations(leaf.scale ?? {}) as Record<string, number>[];
    const leafPresets = new Set(leaf.systems.map(presetOf));
    for (const t of traces)
      for (const profile of profiles)
        for (const oversub of oversubs)
          for (const g of grid)
            for (const scale of scales)
              for (const seed of seeds)
                for (const system of leaf.systems) {
                  const set = applicable({ ...(leaf.set ?? {}), ...g }, presetOf(system), leafPresets);
                  const point = { trace: t.label, source: t.ref, system, profile, oversub, oversubBasis: leaf.oversubBasis ?? 'touched', seed, set, scale };
                  const id = identity(point);
                  if (seen.has(id)) continue;
                  seen.add(id);
                  out.push({ index: out.length, ...point });
                }
  }
  if (out.length === 0) fail(sweepMessages.empty({}));
  return out;
}

/** The preset of a system item (`uvm:prefetch=none` → `uvm`). */
export function presetOf(system: string): string {
  const c = system.indexOf(':');
  return c < 0 ? system : system.slice(0, c);
}

/**
 * Drop `<other>.<param>` keys whose prefix is the preset of another system of the same sweep; keep the rest
 * (profile keys, bare keys, this preset's keys, and unknown prefixes, which the run resolution rejects).
 */
function applicable(set: Readonly<Record<string, ParamValue>>, preset: string, sweepPresets: ReadonlySet<string>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const k of Object.keys(set)) {
    const dot = k.indexOf('.');
    const prefix = dot < 0 ? '' : k.slice(0, dot);
    if (dot > 0 && !PROFILE_KEY.test(k) && prefix !== preset && sweepPresets.has(prefix)) continue;
    // defined, not assigned: a "__proto__" key stays a key (rejected by the run resolution)
    Object.defineProperty(out, k, { value: set[k], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Cross product of keyed value lists, first key varying slowest; `{}` gives one empty combination. */
function combinations<V>(lists: Readonly<Record<string, readonly V[]>>): Record<string, V>[] {
  let acc: Record<string, V>[] = [{}];
  for (const [k, vals] of Object.entries(lists)) acc = acc.flatMap((c) => vals.map((v) => ({ ...c, [k]: v })));
  return acc;
}

function identity(p: Omit<SweepPoint, 'index'>): string {
  const src = p.source.kind === 'memory' ? { kind: 'memory', label: p.trace } : p.source;
  return stableStringify({ ...p, source: src });
}

/** Normalise a trace spec to a reference and its label in result tables. */
export function normalizeTrace(t: TraceSpec, baseDir: string): { ref: TraceRef; label: string } {
  if (typeof t === 'string') return { ref: { kind: 'file', path: absolute(t, baseDir) }, label: t };
  if (isTrace(t)) return { ref: { kind: 'memory', trace: t }, label: t.name };
  if ('file' in t) {
    // a map spec is inline JSON or a file path; a path is relative to the sweep file like the trace
    const map = t.map === undefined ? undefined : t.map.trim().startsWith('{') ? t.map : absolute(t.map, baseDir);
    const ref: TraceRef = { kind: 'file', path: absolute(t.file, baseDir), ...(t.from ? { from: t.from } : {}), ...(map ? { map } : {}), ...(t.lenient ? { lenient: true } : {}) };
    return { ref, label: t.name ?? t.file };
  }
  const seed = t.seed ?? 0;
  const set = t.set ?? {};
  const parts = [`workload:${t.workload}`, ...(seed !== 0 ? [`seed=${seed}`] : []), ...Object.keys(set).sort().map((k) => `${k}=${set[k]}`)];
  return { ref: { kind: 'workload', workload: t.workload, seed, set }, label: t.name ?? parts.join(':') };
}

function absolute(p: string, baseDir: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}
