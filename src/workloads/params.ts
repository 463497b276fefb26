import { fail } from '../log/diagnostic';
import { workloadMessages } from '../log/messages/workloads';
import type { ParamDoc, ParamValue } from '../params';
import type { TraceMeta } from '../trace/trace';
import { parseQuantity } from '../units';
import type { WorkloadDef } from './types';

/** Parameters as a caller gives them: typed values, or text as on the command line (`64KiB`, `true`). */
export type WorkloadParamInput = Readonly<Record<string, ParamValue>>;

/** Seeds are unsigned 32-bit integers (the `Rng` seed space); `--seed` defaults to 0 (docs/cli.md §1). */
export function checkSeed(seed: number | string): number {
  const n = typeof seed === 'number' ? seed : /^\s*\d+\s*$/.test(seed) ? Number(seed) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) fail(workloadMessages.badSeed({}, String(seed)));
  return n;
}

function expectedText(doc: ParamDoc, dflt: ParamValue): string {
  if (typeof dflt === 'boolean') return 'true or false';
  if (typeof dflt === 'string') return doc.values ? `one of ${doc.values.join(', ')}` : 'a string';
  if (doc.unit === 'bytes') return 'a size in bytes, optionally with a unit (64KiB, 2MiB, 1GB)';
  if (doc.unit === 'ns') return 'a duration in ns, optionally with a unit (45us, 1.5ms, 2s)';
  return 'a number';
}

/** Parse one value against the parameter's type (from its default) and unit. Undefined when malformed. */
function parseValue(doc: ParamDoc, dflt: ParamValue, v: ParamValue): ParamValue | undefined {
  if (typeof dflt === 'boolean') {
    if (typeof v === 'boolean') return v;
    return v === 'true' ? true : v === 'false' ? false : undefined;
  }
  if (typeof dflt === 'string') {
    if (typeof v !== 'string') return undefined;
    return doc.values && !doc.values.includes(v) ? undefined : v;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const q = parseQuantity(v, doc.unit === 'ns' ? 'ns' : 'bytes');
  if (q === undefined || !Number.isFinite(q)) return undefined;
  // Unit suffixes only make sense for sizes and durations; counts and rates take plain numbers.
  if (doc.unit !== 'bytes' && doc.unit !== 'ns' && !/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v)) return undefined;
  return q;
}

/**
 * Resolve a workload's parameters: defaults, overridden by `given` (unknown keys, malformed values and
 * values the workload's `validate` rejects are bad input: `GmemlabError` naming the parameter and listing
 * the valid ones). The result has every parameter, in declaration order.
 */
export function resolveWorkloadParams<P extends Record<string, ParamValue>>(def: WorkloadDef<P>, given: WorkloadParamInput = {}): P {
  const keys = Object.keys(def.defaults);
  const out: Record<string, ParamValue> = { ...def.defaults };
  for (const [k, v] of Object.entries(given)) {
    if (!Object.prototype.hasOwnProperty.call(def.defaults, k)) fail(workloadMessages.unknownParam({ field: k }, def.name, k, keys));
    const doc = def.params[k as keyof P & string];
    const dflt = def.defaults[k]!;
    const parsed = parseValue(doc, dflt, v);
    if (parsed === undefined) fail(workloadMessages.badParam({ field: k }, def.name, k, expectedText(doc, dflt), String(v)));
    out[k] = parsed;
  }
  const resolved = out as P;
  const problems = def.validate?.(resolved) ?? [];
  if (problems.length > 0) {
    const [k, expected] = problems[0]!;
    fail(workloadMessages.badParam({ field: k }, def.name, k, expected, String(resolved[k])));
  }
  return resolved;
}

/** `--set` texts (`key=value`) → a parameter record (later keys win). Returns the bad text instead, if any. */
export function parseSetArgs(sets: readonly string[]): Record<string, string> | { bad: string } {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) return { bad: s };
    // defined, not assigned: `--set __proto__=1` stays an own key (then rejected as unknown), never a prototype change
    Object.defineProperty(out, s.slice(0, eq).trim(), { value: s.slice(eq + 1).trim(), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Text of a parameter value in metadata and listings (numbers in plain decimal). */
export function formatParamValue(v: ParamValue): string {
  return typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'true' : 'false') : v;
}

/**
 * The metadata lines of a generated trace: `workload`, `seed`, `devices` (when the trace names devices),
 * every `param.<name>` in declaration order, then `extra` (workload-specific facts such as derived sizes).
 */
export function workloadMeta(
  name: string,
  params: Readonly<Record<string, ParamValue>>,
  seed: number,
  devices: readonly string[] = [],
  extra: Readonly<Record<string, string>> = {},
): TraceMeta {
  const m: Record<string, string> = { workload: name, seed: String(seed) };
  if (devices.length) m.devices = devices.join(',');
  for (const [k, v] of Object.entries(params)) m[`param.${k}`] = formatParamValue(v);
  for (const [k, v] of Object.entries(extra)) m[k] = v;
  return m;
}

// ---- helpers for `validate` -------------------------------------------------------------------------------

/** Problem text when `v` is not an integer in [min, max]; undefined when fine. */
export function intIn(v: number, min: number, max = Number.MAX_SAFE_INTEGER): string | undefined {
  return Number.isInteger(v) && v >= min && v <= max ? undefined : `an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '2^53' : max}]`;
}

/** Problem text when `v` is not a number in [min, max]. */
export function numIn(v: number, min: number, max: number): string | undefined {
  return v >= min && v <= max ? undefined : `a number in [${min}, ${max}]`;
}

/** Problem text when `v` is not a positive power of two (page sizes). */
export function powerOfTwo(v: number, min = 1): string | undefined {
  return Number.isInteger(v) && v >= min && Number.isInteger(Math.log2(v)) ? undefined : `a power of two ≥ ${min}`;
}

/** Collect `[key, problem]` pairs from a record of optional problems (validate helpers). */
export function problems<K extends string>(checks: Partial<Record<K, string | undefined>>): Array<readonly [K, string]> {
  const out: Array<readonly [K, string]> = [];
  for (const [k, p] of Object.entries(checks) as Array<[K, string | undefined]>) if (p !== undefined) out.push([k, p]);
  return out;
}
