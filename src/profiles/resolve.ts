import { fail } from '../log/diagnostic';
import { profileMessages } from '../log/messages/profiles';
import { parseQuantity } from '../units';
import { DEVICE_DEFAULTS, HOST_DEFAULTS, LINK_DEFAULTS } from './defaults';
import { FIELD_BY_KEY, FIELDS, type FieldSpec, splitKey, type ProfilePart } from './fields';
import { platformParts, platformPreset } from './index';
import type { PresetData } from './preset-types';
import type { Platform, Source } from './types';

/** A profile field value: numbers in base units (bytes, ns, bytes/ns), booleans, enum strings, size lists. */
export type FieldValue = number | boolean | string | readonly number[];

/**
 * Overrides by key path (`device.memory.capacityBytes`, `link.h2dBytesPerNs`, `host.dramBytes`). String
 * values are parsed by the field's kind with unit suffixes (`80GB`, `45us`, `4KiB,2MiB`); numbers are taken
 * in the field's base unit. Later keys do not depend on earlier ones: all overrides apply before derived
 * defaults are computed.
 */
export type ProfileOverrides = Readonly<Record<string, FieldValue>>;

const NOT_OVERRIDABLE = new Set(['id', 'summary', 'sources']);

/** True when `key` names a profile field (`device.`/`link.`/`host.` prefix). */
export function isProfileKey(key: string): boolean {
  return key.startsWith('device.') || key.startsWith('link.') || key.startsWith('host.');
}

/**
 * Check `key` is an overridable field and return its spec; otherwise throw `profiles.not-overridable` or
 * `profiles.unknown-key` listing the valid keys of the same part (or all keys).
 */
export function fieldSpec(key: string, owner = 'the profile'): FieldSpec {
  const spec = FIELD_BY_KEY.get(key);
  if (spec) return spec;
  const [part, rest] = splitKey(key);
  if (NOT_OVERRIDABLE.has(rest) || rest.startsWith('sources')) fail(profileMessages.notOverridable({}, key));
  const sameKind = FIELDS.filter((f) => f.key.startsWith(`${part}.`)).map((f) => f.key);
  fail(profileMessages.unknownKey({}, key, owner, sameKind.length > 0 ? sameKind : FIELDS.map((f) => f.key)));
}

const RATE_SUFFIX = /\s*(gb\/s|gbps|b\/ns)\s*$/i;

/** Parse a `--set` text for `key` by its kind (`80GB`, `45us`, `true`, `affine`, `4KiB,2MiB`). */
export function parseFieldValue(key: string, text: string): FieldValue {
  const spec = fieldSpec(key);
  const bad = (expected: string): never => fail(profileMessages.badValue({}, key, expected, text));
  switch (spec.kind) {
    case 'bool':
      if (text === 'true') return true;
      if (text === 'false') return false;
      return bad('true or false');
    case 'enum':
      if (spec.values!.includes(text)) return text;
      return bad(`one of ${spec.values!.join(', ')}`);
    case 'bytesList': {
      const parts = text.split(/[,|/]/).map((t) => parseQuantity(t, 'bytes'));
      if (parts.some((v) => v === undefined)) return bad('a list of sizes such as 4KiB,64KiB,2MiB');
      return parts as number[];
    }
    case 'bytes':
    case 'ns': {
      const v = parseQuantity(text, spec.kind);
      if (v === undefined) return bad(spec.kind === 'bytes' ? 'a size such as 80GB, 64KiB or 4096' : 'a duration such as 45us, 1.5ms or 500');
      return v;
    }
    case 'rate': {
      const v = parseQuantity(text.replace(RATE_SUFFIX, ''), 'ns');
      if (v === undefined || /[a-zµμ]$/i.test(text.replace(RATE_SUFFIX, ''))) return bad('a rate in GB/s (= bytes/ns) such as 24.8');
      return v;
    }
    case 'count':
    case 'number': {
      const v = Number(text);
      if (text.trim() === '' || !Number.isFinite(v)) return bad(spec.kind === 'count' ? 'an integer' : 'a number');
      return v;
    }
  }
}

/** Check a typed value against its field (kind, range, integer counts, ascending size lists). */
function checkValue(spec: FieldSpec, value: FieldValue): void {
  const found = Array.isArray(value) ? value.join(',') : String(value);
  const bad = (expected: string): never => fail(profileMessages.badValue({}, spec.key, expected, found));
  switch (spec.kind) {
    case 'bool':
      if (typeof value !== 'boolean') bad('true or false');
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values!.includes(value)) bad(`one of ${spec.values!.join(', ')}`);
      return;
    case 'bytesList': {
      const list = value as readonly number[];
      if (!Array.isArray(list) || list.length === 0 || list.some((v, i) => !(Number.isInteger(v) && v > 0) || (i > 0 && v <= list[i - 1]!))) {
        bad('a non-empty ascending list of positive integer sizes');
      }
      return;
    }
    default: {
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad('a finite number');
      if ((spec.kind === 'count' || spec.kind === 'bytes') && !Number.isInteger(value)) bad('an integer');
      if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min)) bad(`${spec.exclusiveMin ? '>' : '>='} ${spec.min}`);
    }
  }
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, FieldValue>): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = `${prefix}.${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out.set(key, v as FieldValue);
  }
}

function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = root;
  for (let i = 0; i < parts.length - 1; i++) o = (o[parts[i]!] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]!] = value;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

interface Layer {
  readonly part: ProfilePart;
  readonly defaults: PresetData<unknown>;
  readonly preset: PresetData<unknown>;
}

/**
 * Resolve a platform preset with overrides into the complete, frozen `Platform` systems read.
 *
 * Order: shared defaults ← preset values ← overrides; then every derived field (`fields.ts`) that neither
 * the preset nor an override set explicitly is computed from the resulting values, so overriding a base field
 * moves what derives from it while an explicit override of a derived field wins. Every field gets a source:
 * the preset's or the default's, `O` for overrides, `P` "derived: …" for derived defaults.
 * Errors (bad input → CLI exit 2): unknown platform, unknown or non-overridable key (listing valid keys),
 * ill-typed or out-of-range value.
 */
export function resolvePlatform(id: string, overrides: ProfileOverrides = {}): Platform {
  const pp = platformPreset(id);
  const parts = platformParts(pp);
  const layers: Layer[] = [
    { part: 'device', defaults: DEVICE_DEFAULTS, preset: parts.device },
    { part: 'link', defaults: LINK_DEFAULTS, preset: parts.link },
    { part: 'host', defaults: HOST_DEFAULTS, preset: parts.host },
  ];
  const values = new Map<string, FieldValue>();
  const sources = new Map<string, Source>();
  const explicit = new Set<string>();
  for (const l of layers) {
    const d = new Map<string, FieldValue>();
    flatten(l.defaults.values as Record<string, unknown>, l.part, d);
    for (const [k, v] of d) {
      values.set(k, v);
      const s = l.defaults.sources[k.slice(l.part.length + 1)];
      if (s) sources.set(k, s);
    }
    const p = new Map<string, FieldValue>();
    flatten(l.preset.values as Record<string, unknown>, l.part, p);
    for (const [k, v] of p) {
      fieldSpec(k, `${l.part} '${l.preset.id}'`);
      values.set(k, v);
      explicit.add(k);
      const s = l.preset.sources[k.slice(l.part.length + 1)];
      sources.set(k, s ?? { status: 'U', ref: `stated by preset '${l.preset.id}' without a source` });
    }
  }
  for (const [k, raw] of Object.entries(overrides)) {
    const spec = fieldSpec(k);
    const v = typeof raw === 'string' && spec.kind !== 'enum' ? parseFieldValue(k, raw) : raw;
    checkValue(spec, v);
    values.set(k, v);
    explicit.add(k);
    sources.set(k, { status: 'O', ref: `--set ${k}=${Array.isArray(v) ? v.join(',') : String(v)}` });
  }
  const get = (k: string): number => values.get(k) as number;
  for (const spec of FIELDS) {
    if (spec.derive && !explicit.has(spec.key)) {
      values.set(spec.key, spec.derive.compute(get));
      const base = spec.derive.from.map((b) => `${b}: ${sources.get(b)?.status ?? '?'}`).join(', ');
      sources.set(spec.key, { status: 'P', ref: `derived: = ${spec.derive.rule} (${base})` });
    }
  }
  const out: Record<ProfilePart, Record<string, unknown>> = { device: {}, link: {}, host: {} };
  const srcOut: Record<ProfilePart, Record<string, Source>> = { device: {}, link: {}, host: {} };
  for (const spec of FIELDS) {
    const v = values.get(spec.key);
    const owner = layers.find((l) => l.part === splitKey(spec.key)[0])!;
    if (v === undefined) fail(profileMessages.missingField({}, owner.preset.id, spec.key));
    checkValue(spec, v);
    const [part, rest] = splitKey(spec.key);
    setPath(out[part], rest, Array.isArray(v) ? [...v] : v);
    srcOut[part][rest] = sources.get(spec.key) ?? { status: 'U', ref: 'no source recorded' };
  }
  const platform: Platform = {
    id: pp.id,
    summary: pp.summary,
    device: { id: parts.device.id, summary: parts.device.summary, ...out.device, sources: srcOut.device } as unknown as Platform['device'],
    link: { id: parts.link.id, summary: parts.link.summary, ...out.link, sources: srcOut.link } as unknown as Platform['link'],
    host: { id: parts.host.id, summary: parts.host.summary, ...out.host, sources: srcOut.host } as unknown as Platform['host'],
  };
  return deepFreeze(platform);
}

/** Value of a field of a resolved platform by key path (`device.tlb.invalidateNs`). */
export function fieldValue(p: Platform, key: string): FieldValue {
  fieldSpec(key);
  const [part, rest] = splitKey(key);
  let o: unknown = p[part];
  for (const k of rest.split('.')) o = (o as Record<string, unknown>)[k];
  return o as FieldValue;
}

/** Fields of a resolved platform whose source gives a range (`Source.range`), as key paths. */
export function rangedFields(p: Platform): string[] {
  const out: string[] = [];
  for (const part of ['device', 'link', 'host'] as const) {
    for (const [k, s] of Object.entries(p[part].sources)) if (s.range !== undefined) out.push(`${part}.${k}`);
  }
  return out.sort();
}

/** Fields of a resolved platform whose source is a placeholder (status P), as key paths. */
export function placeholderFields(p: Platform): string[] {
  const out: string[] = [];
  for (const part of ['device', 'link', 'host'] as const) {
    for (const [k, s] of Object.entries(p[part].sources)) if (s.status === 'P') out.push(`${part}.${k}`);
  }
  return out.sort();
}
