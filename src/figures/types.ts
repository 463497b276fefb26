import type { TopLevelSpec } from 'vega-lite';
import type { Cell } from '../analysis/table-input';
import type { FigureContext } from './context';

/**
 * How a reproduced number is judged against its published value (`ratio` = reproduced / published):
 * - `within`: |ratio − 1| ≤ tolerance (the ±25 % of issue 8 is tolerance 0.25);
 * - `factor`: max(ratio, 1/ratio) ≤ 1 + tolerance ("same magnitude": tolerance 1 = within a factor of 2);
 * - `direction`: published and reproduced lie on the same side of 1 (a speed-up is a speed-up), and the
 *   reproduced effect is larger than `tolerance` (|reproduced − 1| > tolerance; a smaller effect counts as none).
 * - `atLeast`: reproduced ≥ published × (1 − tolerance): a stated lower bound ("more than 1.6×" is `atLeast`
 *   1.6 with tolerance 0). The criterion follows what the source states, not what is easy to meet.
 */
export type Criterion = 'within' | 'factor' | 'direction' | 'atLeast';

/**
 * One compared number: a published value next to the value gmemlab reproduces from real simulation runs.
 * A row of `reproduction-summary.csv`.
 */
export interface ComparedRow {
  /** Figure id (the registry key, e.g. `isca19-prefetchers`). */
  readonly figure: string;
  /** Grouping inside the figure (a benchmark, an app, a transfer model). */
  readonly group: string;
  /** What the number is, inside its group (a configuration, a size, a level). */
  readonly series: string;
  /** The quantity compared, e.g. `slowdown vs no-oversubscription TBN`. */
  readonly metric: string;
  /** Unit of `published` and `reproduced` (`×` for ratios). */
  readonly unit: string;
  readonly published: number;
  readonly reproduced: number;
  /** reproduced / published (null when published is 0). */
  readonly ratio: number | null;
  readonly tolerance: number;
  readonly criterion: Criterion;
  /** Whether the reproduction meets its criterion. A miss is a result, not an error. */
  readonly pass: boolean;
  /**
   * Empty for a reproduction. For a calibration row — a published number a profile value was fitted on — the
   * profile value it fixed (e.g. `gtx1080ti-pcie3 link.latencyNs, link.h2dBytesPerNs (affine fit)`).
   * Calibration rows are reported, but excluded from the pass rate (meeting them proves nothing).
   */
  readonly calibration: string;
  /** specHash of the run behind `reproduced` (for a closed-form figure: hash of the profile fields used). */
  readonly specHash: string;
  /** specHash of the run the reproduced ratio is relative to (empty when there is none). */
  readonly baselineSpecHash: string;
  /** Kind of the published number (`sim`, `meas`, `fig`, `claim`) and its source. */
  readonly kind: string;
  readonly source: string;
}

/**
 * An ordering check: the published and the reproduced ranking of the configurations in one group. Pairs
 * whose published values differ by less than the tie band are ties (not ranked: their order is within the
 * published precision); every other pair must be ordered the same way (`pass`).
 */
export interface OrderingCheck {
  readonly figure: string;
  readonly group: string;
  readonly metric: string;
  /** Published ranking, highest first, `≈` between ties (e.g. `on-demand > random-4K > SL-64K > TBN`). */
  readonly publishedOrder: string;
  readonly reproducedOrder: string;
  /** Relative difference below which two published values are a tie. */
  readonly tieBand: number;
  /** Ranked (non-tied) pairs and how many of them the reproduction orders the same way. */
  readonly pairs: number;
  readonly agreeing: number;
  readonly pass: boolean;
}

/** A chart of a figure: a file stem (`<figure>-<name>`) and its vega-lite spec. */
export interface FigureChart {
  readonly name: string;
  readonly spec: TopLevelSpec;
}

/** What one figure function returns. */
export interface FigureResult {
  readonly id: string;
  readonly title: string;
  /** The compared numbers (empty for a figure shown without published numbers, e.g. x97). */
  readonly rows: readonly ComparedRow[];
  readonly orderings: readonly OrderingCheck[];
  /** Charts, the first being the figure itself. */
  readonly charts: readonly FigureChart[];
  /**
   * The figure's reproduced data as rows (every run behind the chart, with its specHash): written as
   * `<figure>.csv` by `gmemlab figures`, shown by the notebook.
   */
  readonly data: ReadonlyArray<Readonly<Record<string, Cell>>>;
  /** Plain-language statements computed from the numbers: what matched, what missed, and the likely model gap. */
  readonly findings: readonly string[];
  /** How the numbers were produced: traces and their scale, system items, profile, tolerance and why. */
  readonly method: string;
}

/** A registered figure. */
export interface FigureDef {
  readonly id: string;
  readonly title: string;
  /** One line: what is compared. */
  readonly summary: string;
  /** Compute the figure from real runs (cached in `ctx`, so figures sharing runs do not repeat them). */
  compute(ctx: FigureContext): Promise<FigureResult>;
}
