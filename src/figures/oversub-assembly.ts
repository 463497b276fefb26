import { responseCurveChart, type ResponseCurveOptions } from '../analysis/charts/response-curve';
import type { Cell } from '../analysis/table-input';
import { publishedVsReproducedBars } from './charts';
import { comparedRow, standardFindings, type ComparedInput } from './compare';
import type { ComparedRow, FigureResult, OrderingCheck } from './types';

/** Published and reproduced slowdown of one line, keyed `<level %> %`, for its `orderingCheck`. */
export interface OversubTrend {
  readonly pub: Map<string, number>;
  readonly rep: Map<string, number>;
}

/** The comparison of one level, less what `OversubAssembly.level` fills in (figure, numbers, kind). */
export type OversubCompared = Omit<ComparedInput, 'figure' | 'published' | 'reproduced' | 'kind'>;

/**
 * What the oversubscription-curve figures (isca19-oversub, gtx1080ti-real-oversub) share: per line (a
 * benchmark × policy, an app) and level, the reproduced and published slowdown as curve points, trend
 * entries and a compared row; then one `FigureResult` with the response curves and the published-vs-
 * reproduced bars. The figure itself runs the simulations and fills `data` and `orderings`.
 */
export class OversubAssembly {
  readonly rows: ComparedRow[] = [];
  readonly orderings: OrderingCheck[] = [];
  readonly data: Record<string, Cell>[] = [];
  readonly curve: Record<string, Cell>[] = [];

  constructor(readonly figure: string) {}

  /**
   * One level of one line: the reproduced curve point (`line` columns, `source`, `level`, `slowdown`) and
   * trend entry; when there is a published value also its curve point, trend entry and the compared row.
   * Returns whether there was a published value.
   */
  level(
    line: Readonly<Record<string, Cell>>,
    level: number,
    reproduced: number,
    published: { readonly slowdown: number; readonly kind: string } | undefined,
    trend: OversubTrend,
    compared: OversubCompared,
  ): boolean {
    const key = `${Math.round(level * 100)} %`;
    this.curve.push({ ...line, source: 'reproduced (dashed)', level, slowdown: reproduced });
    trend.rep.set(key, reproduced);
    if (!published) return false;
    this.curve.push({ ...line, source: 'published (solid)', level, slowdown: published.slowdown });
    trend.pub.set(key, published.slowdown);
    this.rows.push(comparedRow({ ...compared, figure: this.figure, published: published.slowdown, reproduced, kind: published.kind }));
    return true;
  }

  /** The figure: the response curves of `curve` (first chart), the bars of `rows`, findings and method. */
  result(
    title: string,
    curves: ResponseCurveOptions,
    barsTitle: string,
    gaps: ReadonlyArray<readonly [(misses: readonly ComparedRow[]) => boolean, string]>,
    method: string,
  ): FigureResult {
    return {
      id: this.figure,
      title,
      rows: this.rows,
      orderings: this.orderings,
      charts: [
        { name: 'curves', spec: responseCurveChart(this.curve, curves) },
        { name: 'bars', spec: publishedVsReproducedBars(this.rows, { title: barsTitle, log: true }) },
      ],
      data: this.data,
      findings: standardFindings(this.rows, this.orderings, gaps),
      method,
    };
  }
}
