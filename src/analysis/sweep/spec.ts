import { fail, GmemlabError, type Location } from '../../log/diagnostic';
import { readTextFile } from '../../io/input';
import { foundText } from '../../log/found-text';
import { checkSweepNames, type SweepNode } from './check-names';
import { sweepMessages } from '../../log/messages/sweep';
import { JsonSyntaxError, parseJsonWithPositions, type JsonPath, type PositionedJson } from '../../io/json-positions';
import type { ParamValue } from '../../params';
import type { Trace } from '../../trace/trace';

/** A trace file: a path (relative paths are resolved against the sweep file's folder) with import options. */
export interface TraceFileSpec {
  readonly file: string;
  /** Input format (`--from`), default `auto`. */
  readonly from?: string;
  /** Column mapping for foreign CSV dialects (`--map`). */
  readonly map?: string;
  /** Import leniently (skip bad rows, counted in `warnings`). */
  readonly lenient?: boolean;
  /** Label in result tables (default: the path as written). */
  readonly name?: string;
}

/** A generated trace: a workload id with its seed and parameters (what `gmemlab generate` takes). */
export interface TraceWorkloadSpec {
  readonly workload: string;
  readonly seed?: number;
  readonly set?: Readonly<Record<string, ParamValue>>;
  readonly name?: string;
}

/**
 * One trace of a sweep: a file path, a file with options, a workload reference, or (API only, one worker)
 * a `Trace` held in memory.
 */
export type TraceSpec = string | TraceFileSpec | TraceWorkloadSpec | Trace;

/**
 * A sweep (the content of `sweep.json`; docs/analysis.md): the cross product of its lists. Every list
 * field is optional in a sub-sweep, which inherits what it does not set; `set`, `grid` and `scale` merge
 * key by key (the sub-sweep wins).
 */
export interface SweepSpec {
  /** Shown in progress and summaries. */
  readonly name?: string;
  readonly traces?: readonly TraceSpec[];
  /** `--system` items, one per run: `gmem-linux`, `uvm:prefetch=none`, … */
  readonly systems?: readonly string[];
  /** Platform presets (`--profile`); omitted = each system's default platform. */
  readonly profiles?: readonly string[];
  /** `--oversub` ratios; `null` = the profile's capacity. Default `[null]`. */
  readonly oversub?: readonly (number | null)[];
  /** What the ratios divide (`--oversub-basis`): `touched` (default) or `allocated` (docs/cli.md §3). */
  readonly oversubBasis?: 'touched' | 'allocated';
  /** Seeds; default `[0]`. */
  readonly seeds?: readonly number[];
  /** Fixed `--set` overrides for every run (`device.fault.serviceNs`, `uvm.eviction`, bare `param`). */
  readonly set?: Readonly<Record<string, ParamValue>>;
  /** `--set` keys swept over a list of values each (cross product, first key slowest). */
  readonly grid?: Readonly<Record<string, readonly ParamValue[]>>;
  /** Profile fields swept as multipliers of the resolved profile value (`link.h2dBytesPerNs`: [0.5, 1, 2, 4]). */
  readonly scale?: Readonly<Record<string, readonly number[]>>;
  /** Sub-sweeps, expanded in order after inheriting the fields above (e.g. different oversub lists per system). */
  readonly sweeps?: readonly SweepSpec[];
}

const FIELDS = ['name', 'traces', 'systems', 'profiles', 'oversub', 'oversubBasis', 'seeds', 'set', 'grid', 'scale', 'sweeps'] as const;
const FILE_FIELDS = ['file', 'from', 'map', 'lenient', 'name'];
const WORKLOAD_FIELDS = ['workload', 'seed', 'set', 'name'];

/** How much of a sweep to check. */
export interface CheckSweepOptions {
  /**
   * Check gmemlab's names too — systems, platforms, workloads, formats, `--set` keys (`checkSweepNames`) —
   * where they are written (default true). Off for a sweep run by another backend, whose systems may be its own.
   */
  readonly names?: boolean;
}

/** Read and check a sweep file. Errors name the file, line and column of the bad field (CLI exit 2). */
export function loadSweepSpec(path: string, opts: CheckSweepOptions = {}): SweepSpec {
  return parseSweepSpec(readTextFile(path), path, opts);
}

/** Parse and check sweep JSON text (`file` names it in errors). */
export function parseSweepSpec(text: string, file = 'sweep.json', opts: CheckSweepOptions = {}): SweepSpec {
  let parsed: PositionedJson;
  try {
    parsed = parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) fail(sweepMessages.badJson({ file, line: e.line, col: e.col }, e.reason));
    throw e;
  }
  const at = (path: JsonPath): Location => ({ file, ...parsed.where(path), field: fieldName(path) });
  return checkSweepSpec(parsed.value, at, [], opts);
}

/**
 * Check a sweep value (from JSON or built in a notebook) and return it typed. `at` locates a path for
 * messages. Throws `GmemlabError` on the first problem.
 */
export function checkSweepSpec(v: unknown, at: (path: JsonPath) => Location = (p) => ({ field: fieldName(p) }), path: JsonPath = [], opts: CheckSweepOptions = {}): SweepSpec {
  const o = obj(v, at, path, 'an object with fields traces, systems, …');
  for (const k of Object.keys(o)) if (!(FIELDS as readonly string[]).includes(k)) fail(sweepMessages.unknownField(at([...path, k]), k, FIELDS));
  if (o.name !== undefined && typeof o.name !== 'string') bad(at, [...path, 'name'], 'a string', o.name);
  if (o.traces !== undefined) list(o.traces, at, [...path, 'traces'], 'a list of trace files or workload references').forEach((t, i) => checkTrace(t, at, [...path, 'traces', i]));
  if (o.systems !== undefined) list(o.systems, at, [...path, 'systems'], 'a list of system items such as "uvm:prefetch=none"').forEach((s, i) => nonEmptyString(s, at, [...path, 'systems', i], 'a system item such as "gmem-linux" or "uvm:prefetch=none"'));
  if (o.profiles !== undefined) list(o.profiles, at, [...path, 'profiles'], 'a list of platform ids').forEach((s, i) => nonEmptyString(s, at, [...path, 'profiles', i], 'a platform id such as "a100-pcie4"'));
  if (o.oversub !== undefined) {
    list(o.oversub, at, [...path, 'oversub'], 'a list of oversubscription ratios (numbers > 0, or null)').forEach((x, i) => {
      if (x !== null && !(typeof x === 'number' && x > 0 && Number.isFinite(x))) bad(at, [...path, 'oversub', i], 'a ratio > 0 (1.5 = footprint is 150 % of capacity) or null', x);
    });
  }
  if (o.oversubBasis !== undefined && o.oversubBasis !== 'touched' && o.oversubBasis !== 'allocated') bad(at, [...path, 'oversubBasis'], '"touched" or "allocated"', o.oversubBasis);
  if (o.seeds !== undefined) {
    list(o.seeds, at, [...path, 'seeds'], 'a list of seeds').forEach((x, i) => {
      if (!(typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) bad(at, [...path, 'seeds', i], 'an integer seed in 0…4294967295', x);
    });
  }
  if (o.set !== undefined) checkParams(o.set, at, [...path, 'set']);
  if (o.grid !== undefined) {
    const g = obj(o.grid, at, [...path, 'grid'], 'an object of --set keys to lists of values');
    for (const [k, vals] of Object.entries(g)) list(vals, at, [...path, 'grid', k], 'a list of values').forEach((x, i) => paramValue(x, at, [...path, 'grid', k, i]));
  }
  if (o.scale !== undefined) {
    const s = obj(o.scale, at, [...path, 'scale'], 'an object of profile fields to lists of multipliers');
    for (const [k, vals] of Object.entries(s)) {
      if (!/^(device|link|host)\./.test(k)) bad(at, [...path, 'scale', k], 'a profile field path starting with device., link. or host.', k);
      list(vals, at, [...path, 'scale', k], 'a list of multipliers').forEach((x, i) => {
        if (!(typeof x === 'number' && x > 0 && Number.isFinite(x))) bad(at, [...path, 'scale', k, i], 'a multiplier > 0', x);
      });
    }
  }
  if (o.sweeps !== undefined) list(o.sweeps, at, [...path, 'sweeps'], 'a list of sub-sweeps').forEach((s, i) => checkSweepSpec(s, at, [...path, 'sweeps', i]));
  // the whole sweep's names, once its shape is known (a sub-sweep is checked with what it inherits)
  if (path.length === 0) checkSweepSize(o as SweepSpec, at);
  if (path.length === 0 && opts.names !== false) checkSweepNames(o as SweepNode, at);
  return o as SweepSpec;
}

/**
 * Runs a sweep may expand to: 100,000. Expansion and resolution happen before the first run, in memory, at about
 * 1.5 ms a point (the resolved platform is hashed for its specHash): a 1000 × 1000 grid (a 20 kB file) sat for
 * half an hour in `--dry-run` before printing anything; 100,000 points resolve in about 2.5 minutes, and their
 * runs take days.
 */
export const MAX_SWEEP_RUNS = 100_000;

/** Refuse a sweep whose cross product (summed over leaf sub-sweeps, before merging identical points) is too large. */
function checkSweepSize(spec: SweepSpec, at: (p: JsonPath) => Location): void {
  let total = 0;
  let largest = { runs: -1, path: [] as JsonPath, factors: '' };
  for (const { leaf, path } of sweepLeaves(spec)) {
    const lists: [string, number][] = [
      ['traces', leaf.traces?.length ?? 1],
      ['systems', leaf.systems?.length ?? 1],
      ['profiles', leaf.profiles?.length ?? 1],
      ['oversub', leaf.oversub?.length ?? 1],
      ...listLengths('grid', leaf.grid),
      ...listLengths('scale', leaf.scale),
      ['seeds', leaf.seeds?.length ?? 1],
    ];
    const runs = lists.reduce((n, [, k]) => n * k, 1);
    total += runs;
    if (runs > largest.runs) largest = { runs, path, factors: lists.map(([name, k]) => `${name} ${k}`).join(' × ') };
  }
  if (total <= MAX_SWEEP_RUNS) return;
  // at the largest sub-sweep; the whole file names no field
  const where = largest.path.length > 0 ? at(largest.path) : { ...at([]), field: undefined };
  fail(sweepMessages.tooLarge(where, total, MAX_SWEEP_RUNS, largest.factors));
}

/**
 * The leaf sub-sweeps of `spec` as their runs see them, each with its path in the sweep (`sweeps[1].sweeps[0]`): a
 * sub-sweep inherits what it leaves out from its parent — lists replaced as a whole, `set`, `grid` and `scale`
 * merged key by key, the nearest value winning. The one rule `expandSweep` expands and `checkSweepSize` counts.
 */
export function sweepLeaves(spec: SweepSpec, path: JsonPath = [], parent: SweepSpec = {}): { leaf: SweepSpec; path: JsonPath }[] {
  const merged: SweepSpec = {
    ...parent,
    ...spec,
    set: { ...(parent.set ?? {}), ...(spec.set ?? {}) },
    grid: { ...(parent.grid ?? {}), ...(spec.grid ?? {}) },
    scale: { ...(parent.scale ?? {}), ...(spec.scale ?? {}) },
    sweeps: undefined,
  };
  if (!spec.sweeps) return [{ leaf: merged, path }];
  return spec.sweeps.flatMap((s, i) => sweepLeaves(s, [...path, 'sweeps', i], merged));
}

/** `grid`/`scale` as factors of the run count: one per key (`grid link.latencyNs 1000`), or `grid 1` when empty. */
function listLengths(name: string, lists: Readonly<Record<string, readonly unknown[]>> | undefined): [string, number][] {
  const keys = Object.keys(lists ?? {});
  return keys.length === 0 ? [[name, 1]] : keys.map((k) => [`${name} ${k}`, lists![k]!.length]);
}

function checkTrace(t: unknown, at: (p: JsonPath) => Location, path: JsonPath): void {
  if (typeof t === 'string') return nonEmptyString(t, at, path, 'a trace file path');
  if (isTrace(t)) return;
  const o = obj(t, at, path, 'a path, { "file": … } or { "workload": … }');
  if ('file' in o) {
    for (const k of Object.keys(o)) if (!FILE_FIELDS.includes(k)) fail(sweepMessages.unknownField(at([...path, k]), k, FILE_FIELDS));
    nonEmptyString(o.file, at, [...path, 'file'], 'a trace file path');
    for (const k of ['from', 'map', 'name']) if (o[k] !== undefined) nonEmptyString(o[k], at, [...path, k], 'a string');
    if (o.lenient !== undefined && typeof o.lenient !== 'boolean') bad(at, [...path, 'lenient'], 'true or false', o.lenient);
  } else if ('workload' in o) {
    for (const k of Object.keys(o)) if (!WORKLOAD_FIELDS.includes(k)) fail(sweepMessages.unknownField(at([...path, k]), k, WORKLOAD_FIELDS));
    nonEmptyString(o.workload, at, [...path, 'workload'], 'a workload id such as "ml-train"');
    // the seed space of the generators (checkSeed): 2^32 and above failed later, as an `argument:` error
    if (o.seed !== undefined && !(typeof o.seed === 'number' && Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff)) bad(at, [...path, 'seed'], 'an integer seed in 0…4294967295', o.seed);
    if (o.set !== undefined) checkParams(o.set, at, [...path, 'set']);
    if (o.name !== undefined) nonEmptyString(o.name, at, [...path, 'name'], 'a string');
  } else bad(at, path, 'a trace given as { "file": path } or { "workload": id }', t);
}

/** True for an in-memory `Trace` (has a `read` function). */
export function isTrace(t: unknown): t is Trace {
  return typeof t === 'object' && t !== null && typeof (t as Trace).read === 'function';
}

function checkParams(v: unknown, at: (p: JsonPath) => Location, path: JsonPath): void {
  const o = obj(v, at, path, 'an object of keys to values');
  for (const [k, x] of Object.entries(o)) paramValue(x, at, [...path, k]);
}

function paramValue(x: unknown, at: (p: JsonPath) => Location, path: JsonPath): void {
  if (!(typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)))) bad(at, path, 'a number, a string such as "64KiB" or "45us", or true/false', x);
}

function obj(v: unknown, at: (p: JsonPath) => Location, path: JsonPath, expected: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(at, path, expected, v);
  return v as Record<string, unknown>;
}

function list(v: unknown, at: (p: JsonPath) => Location, path: JsonPath, expected: string): unknown[] {
  if (!Array.isArray(v)) bad(at, path, expected, v);
  if ((v as unknown[]).length === 0) bad(at, path, `${expected} (at least one)`, v);
  return v as unknown[];
}

function nonEmptyString(v: unknown, at: (p: JsonPath) => Location, path: JsonPath, expected: string): void {
  if (typeof v !== 'string' || v.trim() === '') bad(at, path, expected, v);
}

function bad(at: (p: JsonPath) => Location, path: JsonPath, expected: string, found: unknown): never {
  throw new GmemlabError(sweepMessages.badValue(at(path), expected, foundText(found)));
}

/** A JSON path as a field name: `traces[2].workload`, `grid.uvm.eviction`. */
export function fieldName(path: JsonPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}
