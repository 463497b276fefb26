import { planRuns, scanTrace, type TraceScan } from '../run/run';
import { simulate } from '../sim/engine';
import { setEntries, type RunSpec } from '../run/run-spec';
import { fieldSpec, fieldValue, placeholderFields, rangedFields, type FieldValue } from '../profiles/resolve';
import { systemPreset } from '../systems/index';
import type { ParamValue } from '../params';
import type { RunResult } from '../sim/run-types';
import type { Trace } from '../trace/trace';
import { statusOf } from './flatten';
import { COUNTER_FIELDS } from '../sim/counters';
import { SYNTHESIZED_ADDRESSES_KEY } from '../trace/meta-keys';

/**
 * Robustness of a comparison (docs/analysis.md §Robustness): does its conclusion hold when each uncertain
 * input varies? The conclusion of a run of ≥ 2 systems on one trace and profile is (a) the ranking of the
 * systems by simulated time and (b) which side of 1 the ratio `time(first system) / time(second system)`
 * (the first two `--system` items, in the order given) lies on. Uncertain inputs:
 * - every profile field whose source is a placeholder (status P) or gives a range (`Source.range`), numeric,
 *   scaled one at a time by `factors` (default ×0.5 and ×2);
 * - the modelling parameters of the systems in the run (`MODELLING_PARAMS`: victim order, copy accounting)
 *   over their documented values, one system at a time.
 * A field whose doubling (the largest factor) leaves every system's time unchanged is reported as not charged
 * (the result does not depend on it) and not tried further. Only cost terms are varied (kinds `ns` and
 * `rate`); sizes and counts (`host.dramBytes`, `host.cores`) are capacities, not costs. When an end of the range flips the conclusion, the flip point is located by bisection (on a
 * log scale) between ×1 and that end. The ends are always simulated. The bisection points are recomputed
 * instead of simulated (`recompute`, default on) when the field only scales clock charges in these runs:
 * every system's counters (faults, migrations, bytes, evictions, … — the decisions) are identical at ×1 and at
 * every end tried, and its time is affine in the field's cost (the value for `ns` fields, its inverse for
 * `rate` fields) through those points (relative error ≤ 1e-9). Then time(x) = time(1) + (x − 1)·slope, the
 * counters × cost the issue describes, with the slope measured rather than assumed. Any difference — a
 * time-dependent policy (thrashing or flush windows), overlap with a wait, a status change — fails the check
 * and the bisection is simulated (docs/analysis.md §Robustness). Only the ends and the bisection points are
 * looked at: a conclusion that flips and flips back strictly inside the range is not seen.
 */

/** Modelling parameters that are choices the real system does not pin down, with what they model. */
export const MODELLING_PARAMS: Readonly<Record<string, string>> = {
  victim: 'victim order',
  copyBack: 'copy accounting',
  overlapCopyCompute: 'copy accounting',
};

/** Options of `robustness`. */
export interface RobustnessOptions {
  /** Results of `spec` already computed (skips the baseline simulation). */
  readonly baseline?: readonly RunResult[];
  /** Multipliers tried for each uncertain field (default `[0.5, 2]`). */
  readonly factors?: readonly number[];
  /** Profile fields to vary (default: placeholder and ranged numeric fields of the run's platform). */
  readonly fields?: readonly string[];
  /** Also vary the modelling parameters (default true). */
  readonly modelling?: boolean;
  /** Bisection steps to locate a flip (default 5). */
  readonly bisectSteps?: number;
  /**
   * Recompute bisection points from the ends when the field only scales clock charges (see the file comment;
   * default true). False simulates every bisection point.
   */
  readonly recompute?: boolean;
  readonly signal?: AbortSignal;
}

/** The conclusion of a comparison. */
export interface Conclusion {
  /** Systems fastest first. */
  readonly ranking: readonly string[];
  /** time(first system) / time(second system), systems in the order given. */
  readonly ratio: number;
}

/** One varied input. */
export interface RobustnessInput {
  /** `device.fault.serviceNs`, or `uvm.victim` for a modelling parameter. */
  readonly input: string;
  readonly kind: 'placeholder' | 'range' | 'modelling';
  /** Values tried (multipliers for profile fields, parameter values for modelling parameters). */
  readonly tried: readonly (number | string | boolean)[];
  /** False when no tried value changed any system's time. */
  readonly charged: boolean;
  /** The conclusion flips somewhere in the tried values. */
  readonly flips: boolean;
  /**
   * Where it flips: for a profile field the multiplier (bisected) and the field value there, e.g.
   * `{ factor: 1.62, value: 40500 }`; for a modelling parameter the first value that flips it.
   */
  readonly flipAt: { readonly factor?: number; readonly value: number | string | boolean } | null;
  /** The conclusion at the flip (or at the last value tried). */
  readonly conclusion: Conclusion | null;
}

/** Result of `robustness`. */
export interface RobustnessReport {
  readonly systems: readonly string[];
  readonly profile: string;
  readonly conclusion: Conclusion;
  /** True when no input flips the conclusion. */
  readonly holds: boolean;
  readonly inputs: readonly RobustnessInput[];
  /** Placeholder (P) fields the result depends on (charged: varying them changed a time). */
  readonly dependsOnPlaceholders: readonly string[];
  /** Runs that were not `ok` in the baseline (their time is not comparable; the check is refused). */
  readonly failed: readonly string[];
  /** Simulations run. */
  readonly simulations: number;
  /** Comparisons recomputed from counters × costs instead of simulated (bisection points). */
  readonly recomputed: number;
  /** Uncertain inputs that were not varied, each with why (today: a synthesized address layout). */
  readonly notVaried: readonly string[];
  /** One line stating the outcome, for a notebook's answer. */
  readonly line: string;
}

/** The conclusion of a set of results (same order as the systems; `names` default: their `system` fields). */
export function conclusionOf(results: readonly RunResult[], names: readonly string[] = results.map((r) => r.summary.system)): Conclusion {
  return conclusionFromTimes(results.map((r) => r.summary.simTimeNs), names);
}

/** The conclusion of simulated times `t` (same order as `names`). */
export function conclusionFromTimes(t: readonly number[], names: readonly string[]): Conclusion {
  const ranking = names.map((s, i) => ({ s, t: t[i]!, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.s);
  return { ranking, ratio: t[0]! / t[1]! };
}

/** Whether `c` draws the same conclusion as `base`: same ranking, ratio on the same side of 1. */
export function sameConclusion(base: Conclusion, c: Conclusion): boolean {
  return base.ranking.join('\u0000') === c.ranking.join('\u0000') && Math.sign(Math.log(base.ratio)) === Math.sign(Math.log(c.ratio));
}

function setRecord(spec: RunSpec): Record<string, ParamValue | FieldValue> {
  const out: Record<string, ParamValue | FieldValue> = {};
  for (const [k, v] of setEntries(spec.set)) out[k] = v;
  return out;
}

/**
 * Check whether the conclusion of `compare(trace, spec)` holds under every uncertain input (see the file
 * comment). `spec` must name at least two systems; all must end `ok`. Runs `1 + Σ variants` comparisons.
 */
export async function robustness(trace: Trace, spec: RunSpec, opts: RobustnessOptions = {}): Promise<RobustnessReport> {
  let simulations = 0;
  const simOpts = opts.signal ? { signal: opts.signal } : {};
  let scan: TraceScan | undefined;
  // one scan pass (footprint, digest) for every variant; then only the simulations
  const run = async (s: RunSpec): Promise<RunResult[]> => {
    scan ??= await scanTrace(trace, opts.signal);
    const out: RunResult[] = [];
    for (const r of planRuns(s, scan)) out.push(await simulate(r, systemPreset(r.preset)!.def, trace, simOpts));
    simulations += out.length;
    return out;
  };
  const base = opts.baseline ?? (await run(spec));
  if (base.length < 2) throw new Error('robustness: a comparison needs at least two systems (--system a,b)');
  const systems = base.map((r) => r.summary.system);
  const platform = base[0]!.run.platform;
  const failed = base.filter((r) => statusOf(r) !== 'ok').map((r) => `${r.summary.system} (${statusOf(r)})`);
  const conclusion = conclusionOf(base);
  const notVaried = notVariedInputs(base[0]!.provenance.traceMeta as Readonly<Record<string, string>> | undefined);
  const times = base.map((r) => r.summary.simTimeNs);
  const changed = (rs: readonly RunResult[]): boolean => rs.some((r, i) => Math.abs(r.summary.simTimeNs - times[i]!) > 1e-9 * Math.max(1, times[i]!));
  const holdsFor = (rs: readonly RunResult[]): boolean => rs.every((r) => statusOf(r) === 'ok') && sameConclusion(conclusion, conclusionOf(rs, systems));
  if (failed.length > 0) {
    return { systems, profile: platform.id, conclusion, holds: false, inputs: [], dependsOnPlaceholders: [], failed, simulations, recomputed: 0, notVaried, line: `robustness: not checked — ${failed.join(', ')} did not finish ok, so the times are not comparable` };
  }
  const baseSet = setRecord(spec);
  const placeholders = new Set(placeholderFields(platform));
  const ranged = new Set(rangedFields(platform));
  // cost terms only: durations and rates (sizes and counts such as host.dramBytes or host.cores are capacities)
  const numeric = (k: string): boolean => ['ns', 'rate'].includes(fieldSpec(k).kind) && typeof fieldValue(platform, k) === 'number' && (fieldValue(platform, k) as number) > 0;
  const fields = (opts.fields ?? [...new Set([...placeholders, ...ranged])].sort()).filter((k) => !Object.hasOwn(baseSet, k) && numeric(k));
  // the largest factor first: a field whose doubling changes no time is not charged, and is not tried again
  const factors = [...(opts.factors ?? [0.5, 2])].sort((a, b) => Math.abs(Math.log(b)) - Math.abs(Math.log(a)));
  const steps = opts.bisectSteps ?? 5;
  const inputs: RobustnessInput[] = [];

  const recompute = opts.recompute ?? true;
  let recomputed = 0;
  for (const key of fields) {
    const v0 = fieldValue(platform, key) as number;
    const kind = fieldSpec(key).kind;
    const valueAt = (f: number): number => (kind === 'bytes' ? Math.max(1, Math.round(v0 * f)) : v0 * f);
    const at = (f: number): Promise<RunResult[]> => run({ ...spec, set: { ...baseSet, [key]: valueAt(f) } });
    // the ends, largest first; a field whose largest change moves no time is not charged
    const ends: Array<{ readonly f: number; readonly rs: RunResult[] }> = [];
    let charged = false;
    for (const [fi, f] of factors.entries()) {
      const rs = await at(f);
      ends.push({ f, rs });
      if (changed(rs)) charged = true;
      else if (fi === 0) break;
    }
    const last: Conclusion = conclusionOf(ends[ends.length - 1]!.rs, systems);
    const flipEnd = ends.find((e) => !holdsFor(e.rs));
    let flipFactor: number | null = null;
    let flipConclusion: Conclusion | null = null;
    if (flipEnd) {
      // time at a factor: recomputed from the ends when the field only scales clock charges, else simulated
      const line = recompute ? affineTimes(base, ends, kind === 'rate') : null;
      const holdsAt = async (f: number): Promise<{ holds: boolean; c: Conclusion }> => {
        if (line) {
          recomputed++;
          const c = conclusionFromTimes(line(f), systems);
          return { holds: sameConclusion(conclusion, c), c };
        }
        const m = await at(f);
        return { holds: holdsFor(m), c: conclusionOf(m, systems) };
      };
      // bisect on log(f) between 1 (holds) and the first end that flips
      let lo = 0;
      let hi = Math.log(flipEnd.f);
      let hiC = conclusionOf(flipEnd.rs, systems);
      for (let k = 0; k < steps; k++) {
        const mid = (lo + hi) / 2;
        const m = await holdsAt(Math.exp(mid));
        if (m.holds) lo = mid;
        else {
          hi = mid;
          hiC = m.c;
        }
      }
      flipFactor = Math.exp(hi);
      flipConclusion = hiC;
    }
    inputs.push({
      input: key,
      kind: placeholders.has(key) ? 'placeholder' : 'range',
      tried: [...factors].sort((a, b) => a - b),
      charged,
      flips: flipFactor !== null,
      flipAt: flipFactor === null ? null : { factor: Number(flipFactor.toPrecision(3)), value: Number(valueAt(flipFactor).toPrecision(4)) },
      conclusion: flipConclusion ?? last,
    });
  }

  if (opts.modelling ?? true) {
    for (const [i, r] of base.entries()) {
      const preset = systemPreset(r.summary.preset);
      if (!preset) continue;
      for (const param of Object.keys(MODELLING_PARAMS)) {
        const doc = preset.def.params[param];
        if (!doc || !Object.hasOwn(r.summary.params, param)) continue;
        const current = r.summary.params[param]!;
        const values: (string | boolean)[] = doc.values ? doc.values.filter((v) => v !== current) : typeof current === 'boolean' ? [!current] : [];
        let charged = false;
        let flip: string | boolean | null = null;
        let flipC: Conclusion | null = null;
        let last: Conclusion | null = null;
        for (const v of values) {
          const one = await run({ ...spec, systems: [`${r.summary.system}:${param}=${v}`] });
          const rs = base.map((b, j) => (j === i ? one[0]! : b));
          if (changed(rs)) charged = true;
          last = conclusionOf(rs, systems);
          if (flip === null && !holdsFor(rs)) {
            flip = v;
            flipC = last;
          }
        }
        if (values.length === 0) continue;
        inputs.push({ input: `${r.summary.system}.${param}`, kind: 'modelling', tried: values, charged, flips: flip !== null, flipAt: flip === null ? null : { value: flip }, conclusion: flipC ?? last });
      }
    }
  }

  const holds = inputs.every((x) => !x.flips);
  const dependsOnPlaceholders = inputs.filter((x) => x.kind === 'placeholder' && x.charged).map((x) => x.input);
  return { systems, profile: platform.id, conclusion, holds, inputs, dependsOnPlaceholders, failed, simulations, recomputed, notVaried, line: robustnessLine(systems, conclusion, holds, inputs, factors, notVaried) };
}

/** Same decisions: every counter (faults, migrations, bytes, evictions, …) and every system-specific `extra` equal. */
function sameDecisions(a: RunResult, b: RunResult): boolean {
  if (COUNTER_FIELDS.some((k) => a.summary[k] !== b.summary[k])) return false;
  const ka = Object.keys(a.summary.extra);
  return ka.length === Object.keys(b.summary.extra).length && ka.every((k) => a.summary.extra[k] === b.summary.extra[k]);
}

/**
 * When a varied field only scales clock charges in these runs — at least two ends, every system ok with the
 * baseline's counters and `extra` at every end, and its time affine in the cost x (x = f for durations, 1/f for rates)
 * through ×1 and the ends (relative error ≤ 1e-9) — the times at any factor: time(1) + (x − 1)·slope per
 * system. Otherwise null (simulate).
 */
export function affineTimes(base: readonly RunResult[], ends: ReadonlyArray<{ readonly f: number; readonly rs: readonly RunResult[] }>, inverse: boolean): ((f: number) => number[]) | null {
  if (ends.length < 2) return null;
  const x = (f: number): number => (inverse ? 1 / f : f);
  const slopes: number[] = [];
  for (const [i, b] of base.entries()) {
    const t1 = b.summary.simTimeNs;
    for (const e of ends) {
      const r = e.rs[i]!;
      if (r.summary.status !== 'ok' || !sameDecisions(r, b)) return null;
    }
    const slope = (ends[0]!.rs[i]!.summary.simTimeNs - t1) / (x(ends[0]!.f) - 1);
    for (const e of ends.slice(1)) {
      const t = e.rs[i]!.summary.simTimeNs;
      if (Math.abs(t1 + (x(e.f) - 1) * slope - t) > 1e-9 * Math.max(1, t)) return null;
    }
    slopes.push(slope);
  }
  return (f) => base.map((b, i) => b.summary.simTimeNs + (x(f) - 1) * slopes[i]!);
}

function ratioText(systems: readonly string[], c: Conclusion): string {
  return `${systems[0]} / ${systems[1]} = ${Number(c.ratio.toPrecision(3))}×`;
}

/**
 * Inputs robustness cannot vary for this trace. A synthesized address layout (`synthesized_addresses` in the
 * trace metadata, docs/importers.md) is a modelling choice the run depends on, but the trace holds the
 * importer's output, not its input: `kineto-legacy` has no alternative layout at all
 * (src/importers/kineto/legacy.ts), and `rocprofv3-scratch`'s `alignBytes`/`baseVa` options can only be varied
 * by importing the source again with `--opt` and comparing.
 */
export function notVariedInputs(meta: Readonly<Record<string, string>> | undefined): string[] {
  const layout = meta?.[SYNTHESIZED_ADDRESSES_KEY];
  if (layout === undefined) return [];
  const why = layout === 'kineto-legacy'
    ? 'the importer defines one layout only, so there is nothing to vary it over'
    : `the trace holds the importer's output; vary the importer's layout options (--opt alignBytes=…, baseVa=…) by importing again`;
  return [`synthesized address layout ${layout} not varied: ${why}`];
}

function robustnessLine(systems: readonly string[], c: Conclusion, holds: boolean, inputs: readonly RobustnessInput[], factors: readonly number[], notVaried: readonly string[] = []): string {
  const span = `×${Math.min(...factors)}…×${Math.max(...factors)}`;
  const varied = inputs.filter((x) => x.kind !== 'modelling').length;
  const modelling = inputs.filter((x) => x.kind === 'modelling').length;
  const head = `robustness of "${c.ranking.join(' < ')}" (${ratioText(systems, c)}) over ${varied} uncertain profile field${varied === 1 ? '' : 's'} (${span}) and ${modelling} modelling parameter${modelling === 1 ? '' : 's'}`;
  const dep = inputs.filter((x) => x.kind === 'placeholder' && x.charged).map((x) => x.input);
  const depText = dep.length ? `; depends on placeholder fields ${dep.join(', ')}` : '; depends on no placeholder field';
  const nv = notVaried.length ? `; ${notVaried.join('; ')}` : '';
  if (holds) return `${head}: HOLDS${depText}${nv}`;
  const flips = inputs.filter((x) => x.flips).map((x) => (x.flipAt?.factor !== undefined ? `${x.input} at ×${x.flipAt.factor} (= ${x.flipAt.value})` : `${x.input} = ${x.flipAt?.value}`));
  return `${head}: FLIPS with ${flips.join(', ')}${depText}${nv}`;
}

/** A robustness report as text: the line, then one row per input that is charged or flips. */
export function formatRobustness(r: RobustnessReport): string {
  const lines = ['', r.line];
  for (const x of r.inputs) {
    if (!x.charged && !x.flips) continue;
    const what = x.flips ? `flips at ${x.flipAt?.factor !== undefined ? `×${x.flipAt.factor} (${x.flipAt.value})` : String(x.flipAt?.value)} → ${x.conclusion?.ranking.join(' < ')}` : 'holds';
    lines.push(`  ${x.input.padEnd(28)} ${x.kind.padEnd(11)} ${what}`);
  }
  const uncharged = r.inputs.filter((x) => !x.charged).length;
  if (uncharged > 0) lines.push(`  (${uncharged} input${uncharged === 1 ? '' : 's'} not charged by these runs: varying them changed no time)`);
  lines.push(`  (${r.simulations} simulations${r.recomputed ? `, ${r.recomputed} bisection points recomputed from counters × costs` : ''})`);
  return `${lines.join('\n')}\n`;
}
