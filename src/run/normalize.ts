import { fail, type Diagnostic } from '../log/diagnostic';
import { runMessages } from '../log/messages/run';
import { isProfileKey, resolvePlatform, type FieldValue } from '../profiles/resolve';
import { listSystemPresets, systemPreset } from '../systems/index';
import type { DeviceUnit, SystemPreset } from '../sim/system';
import { maxOf } from '../extremes';
import type { ParamDoc, ParamValue } from '../params';
import { FOOTPRINT_GRANULE_BYTES } from '../trace/footprint';
import { parseQuantity, roundDown } from '../units';
import { VERSION } from '../version';
import { hashOf } from '../io/hash';
import { OVERSUB_BASES, parseSystemItems, setEntries, type RunSpec, type SystemItem } from './run-spec';
import { TOUCHED_PAGE_BYTES } from './touched-pages';
import type { ResolvedRun } from '../sim/run-types';

/** What normalize needs to know about the trace (from the footprint/digest pass). */
export interface TraceFacts {
  readonly name: string;
  readonly digest: string;
  readonly footprintBytes: number;
  /** Distinct 4 KiB pages touched by access rows, bytes (`TouchedPages`); needed for `--oversub` on the touched basis. */
  readonly touchedBytes?: number;
  /** Highest device agent code of any row's `agent` or `target` (0: only the CPU appears; `TraceScan.maxAgent`). */
  readonly maxAgent?: number;
}

/** Parse a parameter value given as text by its kind (the default's type and the doc's unit/values). */
export function parseParamValue(owner: string, key: string, doc: ParamDoc, def: ParamValue, value: ParamValue | FieldValue): ParamValue {
  const bad = (expected: string): never => fail(runMessages.badParamValue({}, owner, key, expected, String(value)));
  if (typeof def === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true') return true;
    if (value === 'false') return false;
    return bad('true or false');
  }
  if (typeof def === 'number') {
    let v: number | undefined;
    if (typeof value === 'number') v = value;
    else if (typeof value === 'string') v = doc.unit === 'bytes' || doc.unit === 'ns' ? parseQuantity(value, doc.unit) : value.trim() === '' ? undefined : Number(value);
    if (v === undefined || !Number.isFinite(v)) return bad(doc.unit === 'bytes' ? 'a size such as 4KiB or 2MiB' : doc.unit === 'ns' ? 'a duration such as 45us' : 'a number');
    return v;
  }
  if (typeof value !== 'string') return bad(doc.values ? `one of ${doc.values.join(', ')}` : 'a string');
  if (doc.values && !doc.values.includes(value)) return bad(`one of ${doc.values.join(', ')}`);
  return value;
}

/**
 * `run.set-matches-nothing` for the bare `--set` key `key`, which no system of `items` has: the keys those systems
 * do have, and the other forms a key can take (the run resolution, a sweep's preparation and a sweep file's check
 * all report it so).
 */
export function setMatchesNothing(key: string, items: ReadonlyArray<Pick<SystemItem, 'text' | 'preset'>>): Diagnostic {
  const valid = [...new Set(items.flatMap((i) => Object.keys(systemPreset(i.preset)?.def.defaults ?? {})))].sort();
  return runMessages.setMatchesNothing({}, key, items.map((i) => i.text), [...valid, 'device.<path>', 'link.<path>', 'host.<path>', '<preset>.<param>']);
}

/** Parameter `key` of `preset` given as `value`: a parameter the preset's model has (run.unknown-param), parsed by its kind. */
export function checkedParam(preset: SystemPreset, key: string, value: ParamValue | FieldValue): ParamValue {
  const def = preset.def;
  const owner = `system '${preset.name}'`;
  if (!Object.hasOwn(def.defaults, key)) fail(runMessages.unknownParam({}, owner, key, Object.keys(def.defaults).sort()));
  return parseParamValue(owner, key, def.params[key]!, def.defaults[key]!, value);
}

interface Classified {
  readonly profile: Record<string, FieldValue>;
  readonly bare: Array<[string, ParamValue | FieldValue]>;
  readonly scoped: Map<string, Array<[string, ParamValue | FieldValue]>>;
}

function classify(spec: RunSpec, items: readonly SystemItem[]): Classified {
  const profile: Record<string, FieldValue> = Object.create(null);
  const bare: Array<[string, ParamValue | FieldValue]> = [];
  const scoped = new Map<string, Array<[string, ParamValue | FieldValue]>>();
  const selected = new Set(items.map((i) => i.preset));
  for (const [key, value] of setEntries(spec.set)) {
    if (isProfileKey(key)) {
      profile[key] = value as FieldValue;
      continue;
    }
    const dot = key.indexOf('.');
    if (dot > 0 && systemPreset(key.slice(0, dot))) {
      const preset = key.slice(0, dot);
      if (!selected.has(preset)) fail(runMessages.setPresetNotSelected({}, key, preset));
      if (!scoped.has(preset)) scoped.set(preset, []);
      scoped.get(preset)!.push([key.slice(dot + 1), value]);
      continue;
    }
    // own properties only: `constructor`, `toString`, `__proto__` … are nobody's parameters
    const has = items.some((i) => Object.hasOwn(systemPreset(i.preset)!.def.defaults, key));
    if (!has) fail(setMatchesNothing(key, items));
    bare.push([key, value]);
  }
  return { profile, bare, scoped };
}

function resolveParams(item: SystemItem, preset: SystemPreset, c: Classified): Record<string, ParamValue> {
  const def = preset.def;
  const out: Record<string, ParamValue> = { ...def.defaults, ...preset.params };
  const apply = (key: string, value: ParamValue | FieldValue): void => {
    out[key] = checkedParam(preset, key, value);
  };
  for (const [k, v] of c.bare) if (Object.hasOwn(def.defaults, k)) apply(k, v);
  for (const [k, v] of c.scoped.get(item.preset) ?? []) apply(k, v);
  for (const [k, v] of item.params) apply(k, v);
  const problem = def.validate?.(out);
  if (problem !== undefined) fail(runMessages.invalidParams({}, `system '${item.text}'`, problem));
  return out;
}

/**
 * Phase 3 (docs/architecture.md §2): a run spec plus trace facts → one `ResolvedRun` per `--system` item, every
 * default filled and validated. Parameter precedence, lowest first: model defaults, preset parameters, bare
 * `--set k=v`, `--set <preset>.k=v`, item parameters (`preset:k=v`). The platform is `--profile`, else the
 * preset's default platform; `--set device./link./host.` paths override it (derived fields after), and
 * `--oversub X` sets `device.memory.capacityBytes = floor(footprint / X)`: the touched footprint rounded down to
 * 4 KiB (default), or the allocated footprint rounded down to 2 MiB (`oversubBasis: 'allocated'`).
 * Pure; errors are `GmemlabError`s (exit 2).
 */
/**
 * Device memory a run may have at most: 1 TiB, more than any accelerator (every system keeps per-frame state, down
 * to 4 KiB frames: 2^28 of them here). A hostile footprint with `--oversub` (a 2^52-byte row at 4×: 1 PiB) made
 * a model fail inside a typed array; it is an input error (`run.capacity-too-large`, exit 2).
 */
export const MAX_DEVICE_BYTES = 2 ** 40;
/**
 * The platform's devices together (`host.devices × device.memory.capacityBytes`): 2 TiB, and 1024 devices at most.
 * GMEM serves every device with a frame pool of its own, set up at the start: `--set host.devices=64` on an
 * 80 GB profile took 21 GB of host memory at 4 KiB frames, 4096 devices exhausted the machine
 * (`run.platform-too-large`, exit 2). An 8-GPU H200 board (8 × 141 GB) is inside.
 */
export const MAX_PLATFORM_DEVICE_BYTES = 2 ** 41;
export const MAX_DEVICES = 1024;

export function normalize(spec: RunSpec, trace: TraceFacts): ResolvedRun[] {
  const itemsSpec = spec.systems ?? spec.system;
  if (itemsSpec === undefined || (Array.isArray(itemsSpec) && itemsSpec.length === 0)) {
    fail(runMessages.badItem({}, '', 'no system given (--system)'));
  }
  const items = parseSystemItems(itemsSpec);
  for (const i of items) {
    if (!systemPreset(i.preset)) fail(runMessages.unknownSystem({}, i.preset, listSystemPresets().map((p) => p.name)));
  }
  const c = classify(spec, items);
  const seed = spec.seed ?? 0;
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) fail(runMessages.badNumber({}, '--seed', 'an integer from 0 to 2^32-1', String(seed)));
  const oversub = spec.oversub ?? null;
  const basis = spec.oversubBasis ?? 'touched';
  if (!OVERSUB_BASES.includes(basis)) fail(runMessages.badNumber({}, '--oversub-basis', OVERSUB_BASES.join(' or '), String(basis)));
  const overrides: Record<string, FieldValue> = { ...c.profile };
  if (oversub !== null) {
    if (!(Number.isFinite(oversub) && oversub > 0)) fail(runMessages.badNumber({}, '--oversub', 'a ratio > 0 such as 1.25', String(oversub)));
    if (Object.hasOwn(c.profile, 'device.memory.capacityBytes')) fail(runMessages.oversubWithCapacity({}));
    let capacity: number;
    if (basis === 'allocated') {
      if (!(trace.footprintBytes > 0)) fail(runMessages.oversubNoFootprint({}, trace.name));
      capacity = roundDown(Math.floor(trace.footprintBytes / oversub), FOOTPRINT_GRANULE_BYTES);
      if (capacity === 0) fail(runMessages.oversubCapacityZero({}, oversub, basis, trace.footprintBytes));
    } else {
      if (!(trace.touchedBytes !== undefined && trace.touchedBytes > 0)) fail(runMessages.oversubNoTouched({}, trace.name));
      capacity = roundDown(Math.floor(trace.touchedBytes / oversub), TOUCHED_PAGE_BYTES);
      if (capacity === 0) fail(runMessages.oversubCapacityZero({}, oversub, basis, trace.touchedBytes));
    }
    overrides['device.memory.capacityBytes'] = capacity;
  }
  const debug = spec.debug ?? process.env.GMEMLAB_DEBUG === '1';
  const runs = items.map((item) => {
    const preset = systemPreset(item.preset)!;
    const params = resolveParams(item, preset, c);
    const profileId = spec.profile ?? preset.defaultProfile;
    if (profileId === undefined) fail(runMessages.noProfile({}, item.text));
    const platform = resolvePlatform(profileId, overrides);
    const cap = platform.device.memory.capacityBytes;
    if (cap > MAX_DEVICE_BYTES) {
      const how = oversub !== null ? `--oversub ${oversub} of the ${basis} footprint` : Object.hasOwn(c.profile, 'device.memory.capacityBytes') ? '--set device.memory.capacityBytes' : `profile ${profileId}`;
      fail(runMessages.capacityTooLarge({}, cap, MAX_DEVICE_BYTES, how));
    }
    const devices = platform.host.devices;
    if (devices > MAX_DEVICES || devices * cap > MAX_PLATFORM_DEVICE_BYTES) {
      fail(runMessages.platformTooLarge({}, devices, cap, MAX_PLATFORM_DEVICE_BYTES, MAX_DEVICES));
    }
    const body = {
      system: item.text,
      preset: preset.name,
      model: preset.def.name,
      modelRevision: preset.def.revision,
      params,
      platform,
      capacityBytes: platform.device.memory.capacityBytes,
      footprintBytes: trace.footprintBytes,
      touchedBytes: trace.touchedBytes ?? null,
      oversub,
      oversubBasis: oversub === null ? null : basis,
      seed,
      traceDigest: trace.digest,
      version: VERSION,
    };
    // the trace's highest device agent is a fact of its digest, not of the run: not hashed (as the name)
    return { ...body, traceName: trace.name, maxAgent: trace.maxAgent ?? null, debug, specHash: hashOf(body) };
  });
  return oversub === null ? runs : withUnitWarning(runs, oversub, basis);
}

/**
 * `--oversub` runs whose device is smaller than one device-memory unit of their system (`SystemDef.deviceUnit`:
 * gmem's unitBytes, uvm's root chunk, hmm-svm's granularityBytes) can place nothing on the device and end `oom`.
 * One `run.oversub-below-unit` warning names every such system with its unit, and each of those runs carries it
 * (`ResolvedRun.warnings`); the others are returned as they are.
 */
function withUnitWarning(runs: readonly ResolvedRun[], oversub: number, basis: string): ResolvedRun[] {
  const below: { run: ResolvedRun; unit: DeviceUnit }[] = [];
  for (const run of runs) {
    const unit = systemPreset(run.preset)!.def.deviceUnit?.(run.params);
    if (unit !== undefined && run.capacityBytes < unit.bytes) below.push({ run, unit });
  }
  if (below.length === 0) return [...runs];
  // --oversub gives every run of the plan the same device memory
  const capacity = below[0]!.run.capacityBytes;
  const systems = below.map(({ run, unit }) => `${run.system} (${unit.what}${unit.param !== undefined ? ` ${unit.param}` : ''} = ${unit.bytes} bytes)`).join(', ');
  const warning = runMessages.oversubBelowUnit({}, oversub, basis, capacity, systems, maxOf(below.map((b) => b.unit.bytes)));
  const affected = new Set(below.map((b) => b.run));
  return runs.map((r) => (affected.has(r) ? { ...r, warnings: [warning] } : r));
}
