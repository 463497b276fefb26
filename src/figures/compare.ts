import { roundSig } from '../analysis/format';
import type { ComparedRow, Criterion, OrderingCheck } from './types';

/** What a figure states about one compared number (the rest is computed by `comparedRow`). */
export interface ComparedInput {
  readonly figure: string;
  readonly group: string;
  readonly series: string;
  readonly metric: string;
  readonly unit: string;
  readonly published: number;
  readonly reproduced: number;
  readonly tolerance: number;
  readonly criterion?: Criterion;
  /** The profile value this published number was used to fit (a calibration row); omit for a reproduction. */
  readonly calibration?: string;
  readonly specHash: string;
  readonly baselineSpecHash?: string;
  readonly kind: string;
  readonly source: string;
}

/** Whether `reproduced` meets `criterion` against `published` (see `Criterion`). */
export function meets(criterion: Criterion, published: number, reproduced: number, tolerance: number): boolean {
  if (!Number.isFinite(published) || !Number.isFinite(reproduced)) return false;
  switch (criterion) {
    case 'within':
      return published !== 0 && Math.abs(reproduced / published - 1) <= tolerance + 1e-12;
    case 'factor': {
      if (published <= 0 || reproduced <= 0) return false;
      const r = reproduced / published;
      return Math.max(r, 1 / r) <= 1 + tolerance + 1e-12;
    }
    case 'direction':
      return Math.sign(published - 1) === Math.sign(reproduced - 1) && Math.abs(reproduced - 1) > tolerance;
    case 'atLeast':
      return reproduced >= published * (1 - tolerance) - 1e-12 * Math.abs(published);
  }
}

/** A `ComparedRow` with its ratio and pass computed. */
export function comparedRow(c: ComparedInput): ComparedRow {
  const criterion = c.criterion ?? 'within';
  return {
    figure: c.figure,
    group: c.group,
    series: c.series,
    metric: c.metric,
    unit: c.unit,
    published: c.published,
    reproduced: roundSig(c.reproduced, 6),
    ratio: c.published !== 0 ? roundSig(c.reproduced / c.published, 4) : null,
    tolerance: c.tolerance,
    criterion,
    pass: meets(criterion, c.published, c.reproduced, c.tolerance),
    calibration: c.calibration ?? '',
    specHash: c.specHash,
    baselineSpecHash: c.baselineSpecHash ?? '',
    kind: c.kind,
    source: c.source,
  };
}

/** Text of a tolerance for tables: `±25 %`, `×/÷ 2`, `direction (> 5 %)`, `≥ published`. */
export function toleranceText(criterion: Criterion, tolerance: number): string {
  if (criterion === 'within') return `±${roundSig(tolerance * 100, 3)} %`;
  if (criterion === 'factor') return `×/÷ ${roundSig(1 + tolerance, 3)}`;
  if (criterion === 'atLeast') return tolerance > 0 ? `≥ published − ${roundSig(tolerance * 100, 3)} %` : '≥ published';
  return `direction (effect > ${roundSig(tolerance * 100, 3)} %)`;
}

function rankText(names: readonly string[], values: ReadonlyMap<string, number>, tieBand: number): string {
  const sorted = [...names].sort((a, b) => values.get(b)! - values.get(a)! || a.localeCompare(b));
  let out = sorted[0] ?? '';
  for (let i = 1; i < sorted.length; i++) {
    const hi = values.get(sorted[i - 1]!)!;
    const lo = values.get(sorted[i]!)!;
    out += (tieBand > 0 && isTie(hi, lo, tieBand) ? ' ≈ ' : ' > ') + sorted[i];
  }
  return out;
}

function isTie(a: number, b: number, tieBand: number): boolean {
  const m = Math.max(Math.abs(a), Math.abs(b));
  return m === 0 || Math.abs(a - b) / m < tieBand;
}

/**
 * Compare the published and reproduced ranking of `names` in one group. `published` and `reproduced` map
 * each name to its value (higher = ranked first). Pairs whose published values differ by less than
 * `tieBand` (relative) are ties and not checked; every other pair must have the same order in the
 * reproduction (a reproduced tie is not the same order).
 */
export function orderingCheck(
  figure: string,
  group: string,
  metric: string,
  published: ReadonlyMap<string, number>,
  reproduced: ReadonlyMap<string, number>,
  tieBand = 0.05,
): OrderingCheck {
  const names = [...published.keys()].filter((n) => reproduced.has(n));
  let pairs = 0;
  let agreeing = 0;
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const pa = published.get(names[i]!)!;
      const pb = published.get(names[j]!)!;
      if (isTie(pa, pb, tieBand)) continue;
      pairs++;
      const ra = reproduced.get(names[i]!)!;
      const rb = reproduced.get(names[j]!)!;
      if (Math.sign(pa - pb) === Math.sign(ra - rb)) agreeing++;
    }
  }
  return {
    figure,
    group,
    metric,
    publishedOrder: rankText(names, published, tieBand),
    reproducedOrder: rankText(names, reproduced, 0),
    tieBand,
    pairs,
    agreeing,
    pass: agreeing === pairs,
  };
}

/**
 * The standard findings of a figure, computed from its rows: how many numbers meet their criterion, which miss
 * (too low / too high, with their ratio), which rankings differ. `gaps` are the figure's explanations of the
 * misses (the likely model gap), appended only when there is a miss they explain: each is `[test, text]`,
 * included when `test(misses)` is true.
 */
export function standardFindings(
  rows: readonly ComparedRow[],
  orderings: readonly OrderingCheck[],
  gaps: ReadonlyArray<readonly [(misses: readonly ComparedRow[]) => boolean, string]> = [],
): string[] {
  const out: string[] = [];
  const repro = rows.filter((r) => !r.calibration);
  const calib = rows.filter((r) => r.calibration);
  const pass = repro.filter((r) => r.pass).length;
  const oPass = orderings.filter((o) => o.pass).length;
  out.push(
    `${pass} of ${repro.length} compared numbers meet their tolerance` +
      (calib.length ? ` (plus ${calib.length} calibration rows, ${calib.filter((r) => r.pass).length} within: not counted)` : '') +
      (orderings.length ? `; ${oPass} of ${orderings.length} rankings match the published order.` : '.'),
  );
  for (const fixed of [...new Set(calib.map((r) => r.calibration))]) {
    out.push(`Calibration: ${calib.filter((r) => r.calibration === fixed).map((r) => `${r.group} ${r.series}`).join(', ')} fixed ${fixed}; reported, not scored.`);
  }
  const misses = repro.filter((r) => !r.pass);
  const fmt = (r: ComparedRow): string => `${r.group} ${r.series} (${roundSig(r.reproduced, 3)} vs ${roundSig(r.published, 3)}${r.ratio !== null ? `, ratio ${roundSig(r.ratio, 3)}` : ''})`;
  const twoSided = (r: ComparedRow): boolean => r.criterion === 'within' || r.criterion === 'factor';
  const low = misses.filter((r) => twoSided(r) && r.ratio !== null && r.ratio < 1);
  const high = misses.filter((r) => twoSided(r) && r.ratio !== null && r.ratio >= 1);
  const dir = misses.filter((r) => r.criterion === 'direction');
  const bound = misses.filter((r) => r.criterion === 'atLeast');
  if (low.length) out.push(`MISS, reproduced too low: ${low.map(fmt).join('; ')}.`);
  if (high.length) out.push(`MISS, reproduced too high: ${high.map(fmt).join('; ')}.`);
  if (dir.length) out.push(`MISS, wrong direction or no effect: ${dir.map(fmt).join('; ')}.`);
  if (bound.length) out.push(`MISS, below the stated lower bound: ${bound.map(fmt).join('; ')}.`);
  for (const o of orderings.filter((x) => !x.pass)) {
    out.push(`MISS, ranking differs on ${o.group} (${o.metric}): published ${o.publishedOrder}; reproduced ${o.reproducedOrder} (${o.agreeing} of ${o.pairs} pairs agree).`);
  }
  if (misses.length || orderings.some((o) => !o.pass)) for (const [test, text] of gaps) if (test(misses)) out.push(text);
  return out;
}
