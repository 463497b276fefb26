import { GmemlabError, fail, type Location } from '../../log/diagnostic';
import { profileMessages } from '../../log/messages/profiles';
import { runMessages } from '../../log/messages/run';
import { sweepMessages } from '../../log/messages/sweep';
import { getImporter } from '../../importers/index';
import type { JsonPath } from '../../io/json-positions';
import type { ParamValue } from '../../params';
import { platformPreset } from '../../profiles/index';
import { fieldSpec, isProfileKey, parseFieldValue } from '../../profiles/resolve';
import { checkedParam, setMatchesNothing } from '../../run/normalize';
import { parseSystemItems } from '../../run/run-spec';
import { listSystemPresets, systemPreset } from '../../systems/index';
import { getWorkload } from '../../workloads/index';
import { resolveWorkloadParams } from '../../workloads/params';

/**
 * The names and values of a checked sweep (`checkSweepSpec`) that mean the same in every run, checked where they
 * are written: system items, platform ids, workload ids and parameters, input formats, `--set`/`grid`/`scale`
 * keys, and the fields every leaf sub-sweep needs. The run resolution checks them too, but one point at a time
 * and after the traces are scanned, and its messages say `argument:` — a sweep file's `"systems": ["uvmx"]`
 * read `error [run.unknown-system] argument: unknown system 'uvmx'`, naming neither the file, nor the line, nor
 * the field. Each problem keeps the run resolution's own code and message, located at its field (`at`).
 * What depends on the combination of a run (a value valid alone but not with another) is left to the resolution.
 */
export function checkSweepNames(spec: SweepNode, at: (path: JsonPath) => Location): void {
  const bare = new Map<string, { path: JsonPath; used: boolean }>();
  walk(spec, [], { keys: [], hasProfiles: false, oversubRatio: false }, at, bare);
  for (const [key, { path, used }] of bare) {
    if (used) continue;
    relocate(at, path, () => fail(setMatchesNothing(key, allSystems(spec).map((s) => parseSystemItems(s)[0]!))));
  }
}

/** A sweep node as `checkSweepSpec` leaves it: shapes checked, names not yet. */
export interface SweepNode {
  readonly traces?: readonly unknown[];
  readonly systems?: readonly string[];
  readonly profiles?: readonly string[];
  readonly oversub?: readonly (number | null)[];
  readonly set?: Readonly<Record<string, ParamValue>>;
  readonly grid?: Readonly<Record<string, readonly ParamValue[]>>;
  readonly scale?: Readonly<Record<string, readonly number[]>>;
  readonly sweeps?: readonly SweepNode[];
}

/** What a sub-sweep inherits: where its traces and systems were given, and every `set`/`grid` key above it. */
interface Inherited {
  readonly traces?: JsonPath;
  readonly systems?: readonly string[];
  /** Where `systems` was given (for a system that needs a platform the leaf does not name). */
  readonly systemsAt?: JsonPath;
  readonly hasProfiles: boolean;
  /** True when some `oversub` ratio (not null) applies: capacity then comes from it, not from `set`. */
  readonly oversubRatio: boolean;
  readonly keys: ReadonlyArray<{ readonly key: string; readonly path: JsonPath }>;
}

function walk(node: SweepNode, path: JsonPath, parent: Inherited, at: (p: JsonPath) => Location, bare: Map<string, { path: JsonPath; used: boolean }>): void {
  node.systems?.forEach((s, i) => relocate(at, [...path, 'systems', i], () => checkSystemItem(s)));
  node.profiles?.forEach((p, i) => relocate(at, [...path, 'profiles', i], () => platformPreset(p)));
  node.traces?.forEach((t, i) => checkTrace(t, [...path, 'traces', i], at));
  const keys = [...parent.keys];
  for (const field of ['set', 'grid'] as const) {
    const entries = node[field];
    if (entries === undefined) continue;
    for (const k of Object.keys(entries)) {
      const values = field === 'set' ? [entries[k] as ParamValue] : (entries[k] as readonly ParamValue[]);
      values.forEach((v, i) => relocate(at, field === 'set' ? [...path, field, k] : [...path, field, k, i], () => checkSetEntry(k, v)));
      // a sub-sweep's key replaces its parent's (merged key by key), so the nearest one is the one to blame
      const own = { key: k, path: [...path, field, k] };
      const same = keys.findIndex((e) => e.key === k);
      if (same >= 0) keys[same] = own;
      else keys.push(own);
    }
  }
  for (const k of Object.keys(node.scale ?? {})) relocate(at, [...path, 'scale', k], () => checkScaleKey(k));
  const here: Inherited = {
    traces: node.traces ? [...path, 'traces'] : parent.traces,
    systems: node.systems ?? parent.systems,
    systemsAt: node.systems ? [...path, 'systems'] : parent.systemsAt,
    hasProfiles: node.profiles !== undefined || parent.hasProfiles,
    oversubRatio: node.oversub !== undefined ? node.oversub.some((x) => x !== null) : parent.oversubRatio,
    keys,
  };
  if (node.sweeps) {
    node.sweeps.forEach((s, i) => walk(s, [...path, 'sweeps', i], here, at, bare));
    return;
  }
  // a leaf: what expandSweep needs, and the keys its runs apply (checked against its own systems)
  // located at the sub-sweep that lacks it (the missing path falls back to it); the field names the whole path
  if (here.traces === undefined) relocate(at, [...path, 'traces'], () => fail(sweepMessages.missingField({}, 'traces')));
  if (here.systems === undefined) relocate(at, [...path, 'systems'], () => fail(sweepMessages.missingField({}, 'systems')));
  checkLeafKeys(here.keys, here.systems!, at, bare);
  checkLeafRuns(here, at);
}

/** One sweep entry is one run's system: `uvm,gmem-linux` in one entry ran uvm alone (the resolution took the first item). */
function checkSystemItem(text: string): void {
  const items = parseSystemItems(text);
  if (items.length !== 1) fail(runMessages.badItem({}, text, 'a sweep lists one system item per entry ("uvm", "gmem-linux"), not a comma list'));
  const item = items[0]!;
  const preset = systemPreset(item.preset);
  if (!preset) fail(runMessages.unknownSystem({}, item.preset, listSystemPresets().map((p) => p.name)));
  for (const [k, v] of item.params) checkedParam(preset, k, v);
}

function checkTrace(t: unknown, path: JsonPath, at: (p: JsonPath) => Location): void {
  // a path (opened later) or an in-memory Trace (API only) has nothing to check here
  if (typeof t !== 'object' || t === null || typeof (t as { read?: unknown }).read === 'function') return;
  const o = t as { from?: string; workload?: string; seed?: number; set?: Record<string, ParamValue> };
  if (o.from !== undefined && o.from !== 'auto') relocate(at, [...path, 'from'], () => getImporter(o.from!));
  if (o.workload === undefined) return;
  const def = relocate(at, [...path, 'workload'], () => getWorkload(o.workload!));
  if (o.set === undefined) return;
  try {
    resolveWorkloadParams(def, o.set);
  } catch (e) {
    // the workload's message names the parameter (its `field`): point at that key of `set`
    const field = e instanceof GmemlabError ? e.diagnostic.field : undefined;
    relocate(at, field !== undefined && Object.hasOwn(o.set, field) ? [...path, 'set', field] : [...path, 'set'], () => {
      throw e;
    });
  }
}

/** A `set`/`grid` key on its own: a profile field and its value, or `<preset>.<param>` of a known preset. */
function checkSetEntry(key: string, value: ParamValue): void {
  if (isProfileKey(key)) {
    fieldSpec(key);
    const v = typeof value === 'string' ? parseFieldValue(key, value) : value;
    // "1e999" parses as a number too large for a double; the platform would refuse it later, without a location
    if (typeof v === 'number' && !Number.isFinite(v)) fail(profileMessages.badValue({}, key, 'a finite number', String(value)));
    return;
  }
  const dot = key.indexOf('.');
  const preset = dot > 0 ? systemPreset(key.slice(0, dot)) : undefined;
  if (preset) checkedParam(preset, key.slice(dot + 1), value);
}

function checkScaleKey(key: string): void {
  const spec = fieldSpec(key);
  if (!['bytes', 'ns', 'rate', 'count', 'number'].includes(spec.kind)) fail(runMessages.badNumber({}, `scale ${key}`, 'a numeric profile field', spec.kind));
}

/**
 * The keys a leaf's runs get, against the leaf's systems (as expandSweep and the run resolution apply them): a
 * `<preset>.<param>` key of a preset the leaf does not select is an error; a bare key must be a parameter of some
 * system of some leaf (recorded in `bare`, judged once every leaf is seen).
 */
function checkLeafKeys(keys: Inherited['keys'], systems: readonly string[], at: (p: JsonPath) => Location, bare: Map<string, { path: JsonPath; used: boolean }>): void {
  const presets = systems.map((s) => parseSystemItems(s)[0]!.preset);
  for (const { key, path } of keys) {
    if (isProfileKey(key)) continue;
    const dot = key.indexOf('.');
    if (dot > 0 && systemPreset(key.slice(0, dot))) {
      if (!presets.includes(key.slice(0, dot))) relocate(at, path, () => fail(runMessages.setPresetNotSelected({}, key, key.slice(0, dot))));
      continue;
    }
    // a bare key, or a dotted one whose prefix is no preset (the resolution takes `foo.bar` as a bare key too)
    const used = presets.some((p) => Object.hasOwn(systemPreset(p)!.def.defaults, key));
    const seen = bare.get(key);
    bare.set(key, { path: seen?.path ?? path, used: (seen?.used ?? false) || used });
  }
}

/**
 * What the run resolution would refuse in every run of a leaf: a system without a default platform when the leaf
 * names none (run.no-profile), and a capacity set together with an oversub ratio (run.oversub-with-capacity).
 */
function checkLeafRuns(leaf: Inherited, at: (p: JsonPath) => Location): void {
  if (!leaf.hasProfiles) {
    leaf.systems!.forEach((s, i) => {
      const preset = systemPreset(parseSystemItems(s)[0]!.preset)!;
      if (preset.defaultProfile === undefined) relocate(at, [...leaf.systemsAt!, i], () => fail(runMessages.noProfile({}, s)));
    });
  }
  const capacity = leaf.keys.find((k) => k.key === 'device.memory.capacityBytes');
  if (leaf.oversubRatio && capacity) relocate(at, capacity.path, () => fail(runMessages.oversubWithCapacity({})));
}

function allSystems(spec: SweepNode): string[] {
  const out = new Set<string>(spec.systems ?? []);
  for (const s of spec.sweeps ?? []) for (const x of allSystems(s)) out.add(x);
  return [...out];
}

/** Run `f`; a `GmemlabError` it throws is thrown again located at `path` of the sweep file, code and text kept. */
function relocate<T>(at: (p: JsonPath) => Location, path: JsonPath, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof GmemlabError)) throw e;
    throw new GmemlabError({ ...e.diagnostic, ...at(path) });
  }
}
