import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { publishedVsReproducedChart } from '../analysis/charts/published-vs-reproduced';
import { renderChart, saveChart } from '../analysis/render';
import { tableFromRows } from '../analysis/table-input';
import { writeFileAtomic } from '../io/atomic';
import { toleranceText } from './compare';
import { isFrozenCompared } from './frozen';
import type { FiguresOutcome } from './index';
import type { ComparedRow, OrderingCheck } from './types';

/** Columns of reproduction-summary.csv (one row per compared number), in order. */
export const SUMMARY_COLUMNS = [
  'figure', 'group', 'series', 'metric', 'unit', 'published', 'reproduced', 'ratio', 'tolerance', 'criterion', 'pass', 'specHash', 'baselineSpecHash', 'kind', 'source', 'calibration',
] as const;

/** Columns of orderings.csv. */
export const ORDERING_COLUMNS = ['figure', 'group', 'metric', 'publishedOrder', 'reproducedOrder', 'tieBand', 'pairs', 'agreeing', 'pass'] as const;

/** CSV text of rows with the given columns (arquero's writer: RFC 4180 quoting, empty = null). */
export function rowsToCsv(rows: ReadonlyArray<Readonly<Record<string, unknown>>>, columns: readonly string[]): string {
  return `${tableFromRows(rows, columns).toCSV()}\n`;
}

/** The reproduction summary as CSV text (`reproduction-summary.csv`). */
export function summaryCsv(rows: readonly ComparedRow[]): string {
  return rowsToCsv(rows as unknown as ReadonlyArray<Record<string, unknown>>, SUMMARY_COLUMNS);
}

/** The ordering checks as CSV text (`orderings.csv`). */
export function orderingsCsv(rows: readonly OrderingCheck[]): string {
  return rowsToCsv(rows as unknown as ReadonlyArray<Record<string, unknown>>, ORDERING_COLUMNS);
}

/**
 * One-line pass-rate statement, e.g. `61 of 107 compared numbers within tolerance (57 %), plus 10 calibration
 * rows (9 within, not counted); 24 of 32 rankings match the published order`.
 */
export function passRateText(
  o: Pick<FiguresOutcome, 'passed' | 'total' | 'passRate' | 'orderings' | 'orderingsPassed'> &
    Partial<Pick<FiguresOutcome, 'calibrations' | 'calibrationsPassed' | 'added' | 'addedOrderings' | 'rankings' | 'missingFrozen'>>,
): string {
  const calib = o.calibrations ? `, plus ${o.calibrations} calibration rows (${o.calibrationsPassed ?? 0} within, not counted)` : '';
  const added = o.added?.length || o.addedOrderings?.length
    ? `; added (not in the rate): ${o.added?.filter((r) => r.pass).length ?? 0} of ${o.added?.length ?? 0} numbers, ` +
      `${o.addedOrderings?.filter((x) => x.pass).length ?? 0} of ${o.addedOrderings?.length ?? 0} rankings`
    : '';
  const missing = o.missingFrozen?.length ? `; ${o.missingFrozen.length} frozen numbers missing` : '';
  return (
    `${o.passed} of ${o.total} compared numbers within tolerance (${Math.round(o.passRate * 100)} %)${calib}; ` +
    `${o.orderingsPassed} of ${o.rankings ?? o.orderings.length} rankings match the published order${added}${missing}`
  );
}

/** A Markdown report: per figure its method, its compared numbers and its findings (misses and likely gaps). */
export function findingsMarkdown(o: FiguresOutcome): string {
  const out: string[] = [`# Reproduced figures (scale: ${o.scale})`, '', passRateText(o) + '.', ''];
  for (const f of o.figures) {
    out.push(`## ${f.title} (\`${f.id}\`)`, '', f.method, '');
    if (f.rows.length) {
      out.push('| group | series | published | reproduced | ratio | tolerance | pass |', '|---|---|---|---|---|---|---|');
      for (const r of f.rows) {
        const mark = r.pass ? 'yes' : '**MISS**';
        const res = r.calibration ? `calibration (${r.pass ? 'within' : 'outside'}; fixed ${r.calibration})` : isFrozenCompared(r) ? mark : `${mark} (added, not in the rate)`;
        out.push(`| ${r.group} | ${r.series} | ${r.published} ${r.unit} | ${r.reproduced} ${r.unit} | ${r.ratio ?? '—'} | ${toleranceText(r.criterion, r.tolerance)} | ${res} |`);
      }
      out.push('');
    }
    for (const x of f.findings) out.push(`- ${x}`);
    out.push('');
  }
  return out.join('\n');
}

/** What `writeFigures` wrote. */
export interface WrittenFigures {
  readonly dir: string;
  /** Every file written, relative to `dir`. */
  readonly files: readonly string[];
}

/**
 * Write a figure computation to `dir`: every chart as PNG + SVG (`<figure>-<chart>.png|svg`), every figure's
 * data (`<figure>.csv`, each run with its specHash) and compared numbers (`<figure>-compared.csv`),
 * `reproduction-summary.csv` (one row per compared number), `orderings.csv`, the overall published-vs-reproduced
 * scatter (`reproduction-summary.png|svg`) and `reproduction-summary.md` (methods, tables, misses). Every file
 * is written atomically (temporary name, then rename). Throws when a chart renders with vega warnings.
 */
export async function writeFigures(o: FiguresOutcome, dir: string): Promise<WrittenFigures> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    writeFileAtomic(join(dir, name), text);
    files.push(name);
  };
  const chart = async (spec: Parameters<typeof renderChart>[0], stem: string): Promise<void> => {
    const r = await renderChart(spec);
    if (r.warnings.length) throw new Error(`chart ${stem}: ${r.warnings.join('; ')}`);
    saveChart(r, dir, stem);
    files.push(`${stem}.png`, `${stem}.svg`);
  };
  for (const f of o.figures) {
    for (const c of f.charts) await chart(c.spec, `${f.id}-${c.name}`);
    const cols = [...new Set(f.data.flatMap((d) => Object.keys(d)))];
    write(`${f.id}.csv`, rowsToCsv(f.data, cols));
    if (f.rows.length) write(`${f.id}-compared.csv`, summaryCsv(f.rows));
  }
  write('reproduction-summary.csv', summaryCsv(o.summary));
  write('orderings.csv', orderingsCsv(o.orderings));
  write('reproduction-summary.md', findingsMarkdown(o));
  if (o.summary.length) {
    await chart(publishedVsReproducedChart(o.summary as unknown as Array<Record<string, unknown>>, { title: `Published vs reproduced: ${passRateText(o)}` }), 'reproduction-summary');
  }
  return { dir, files };
}
