import { fail } from '../log/diagnostic';
import { figureMessages } from '../log/messages/figures';
import { FigureContext, type FigureOptions } from './context';
import { gtx1080tiRealOversub } from './real-oversub';
import { gmemIommu } from './iommu-rx';
import { isca19Oversub, isca19PolicyMatrix } from './isca19-oversub';
import { isca19Prefetchers } from './isca19-prefetchers';
import { openEulerOversub } from './openeuler-oversub';
import { sc21UvmCosts } from './sc21-costs';
import { gtx1080tiTransfer } from './transfer-time';
import { isFrozenCompared, isFrozenOrdering, missingFrozen } from './frozen';
import type { ComparedRow, FigureDef, FigureResult, OrderingCheck } from './types';
import { x97Faults } from './x97-faults';

/**
 * The registry of reproduced figures, in presentation order. Adding a figure: a file in src/figures/ exporting
 * a `FigureDef`, one line here, a section in docs/figures.md.
 */
export const FIGURES: readonly FigureDef[] = [
  isca19Prefetchers,
  isca19Oversub,
  isca19PolicyMatrix,
  gtx1080tiTransfer,
  gtx1080tiRealOversub,
  sc21UvmCosts,
  x97Faults,
  gmemIommu,
  openEulerOversub,
];

/** The figure ids, in registry order. */
export const FIGURE_IDS: readonly string[] = FIGURES.map((f) => f.id);

/** Options of `computeFigures`. */
export interface ComputeFiguresOptions extends FigureOptions {
  /** Figure ids to compute (default all); unknown ids are errors (`figures.unknown-figure`). */
  readonly only?: readonly string[];
  /** Reuse a context (its traces and runs) instead of a new one. */
  readonly context?: FigureContext;
  /** Called when a figure is done. */
  readonly onFigure?: (figure: FigureResult, wallMs: number) => void;
}

/** Everything `computeFigures` returns. */
export interface FiguresOutcome {
  readonly figures: readonly FigureResult[];
  /** Every compared number of every figure (the rows of reproduction-summary.csv). */
  readonly summary: readonly ComparedRow[];
  readonly orderings: readonly OrderingCheck[];
  /**
   * Reproduced numbers meeting their criterion, and their total: the frozen compared numbers (src/figures/frozen.ts)
   * minus the calibration rows. Added numbers are counted apart (`added`).
   */
  readonly passed: number;
  readonly total: number;
  /** passed / total (0 when there is nothing to compare). */
  readonly passRate: number;
  /** Calibration rows (published numbers a profile value was fitted on): reported, not in the pass rate. */
  readonly calibrations: number;
  readonly calibrationsPassed: number;
  /** Compared numbers and rankings outside the frozen comparison: reported separately, never in the pass rate. */
  readonly added: readonly ComparedRow[];
  readonly addedOrderings: readonly OrderingCheck[];
  /** Frozen compared numbers of the computed figures that no figure produced (should be empty). */
  readonly missingFrozen: readonly string[];
  /** Frozen rankings computed, and how many match (the ranking rate's denominator and numerator). */
  readonly rankings: number;
  readonly orderingsPassed: number;
  readonly scale: FigureOptions['scale'];
  /** Simulation runs performed. */
  readonly runs: number;
  readonly wallMs: number;
}

/** The registered figure with this id (or a `figures.unknown-figure` error). */
export function figureDef(id: string): FigureDef {
  const f = FIGURES.find((x) => x.id === id);
  if (!f) fail(figureMessages.unknownFigure({}, id, FIGURE_IDS));
  return f;
}

/**
 * Compute the reproduced figures (all, or `only`): real simulation runs on generated traces, compared with
 * the published numbers of datasets/reference. The ONE function behind notebooks/paper-figures.ipynb and
 * `gmemlab figures`. Deterministic for a scale: the same runs, the same numbers, the same specHashes.
 */
export async function computeFigures(opts: ComputeFiguresOptions = {}): Promise<FiguresOutcome> {
  const t0 = Date.now();
  const defs = opts.only && opts.only.length ? opts.only.map(figureDef) : FIGURES;
  const ctx = opts.context ?? new FigureContext(opts);
  const figures: FigureResult[] = [];
  for (const def of defs) {
    const t = Date.now();
    const fig = await def.compute(ctx);
    figures.push(fig);
    opts.onFigure?.(fig, Date.now() - t);
  }
  const summary = figures.flatMap((f) => f.rows);
  const orderings = figures.flatMap((f) => f.orderings);
  const frozen = summary.filter(isFrozenCompared);
  const scored = frozen.filter((r) => !r.calibration);
  const calib = frozen.filter((r) => r.calibration);
  const passed = scored.filter((r) => r.pass).length;
  const frozenOrderings = orderings.filter(isFrozenOrdering);
  return {
    figures,
    summary,
    orderings,
    passed,
    total: scored.length,
    passRate: scored.length ? passed / scored.length : 0,
    calibrations: calib.length,
    calibrationsPassed: calib.filter((r) => r.pass).length,
    added: summary.filter((r) => !isFrozenCompared(r)),
    addedOrderings: orderings.filter((o) => !isFrozenOrdering(o)),
    missingFrozen: missingFrozen(figures.map((f) => f.id), summary),
    rankings: frozenOrderings.length,
    orderingsPassed: frozenOrderings.filter((o) => o.pass).length,
    scale: ctx.scale,
    runs: ctx.runCount,
    wallMs: Date.now() - t0,
  };
}

export { FigureContext, capacityForLevel, type FigureOptions, type FigureScale, type FigureTrace } from './context';
export type { ComparedRow, Criterion, FigureChart, FigureDef, FigureResult, OrderingCheck } from './types';
export { comparedRow, meets, orderingCheck, standardFindings, toleranceText } from './compare';
