import { formatBytes } from '../../units';
import { rowsOf, type TableInput } from '../table-input';
import { cell, colorScale, fieldRef, finish, labelOf, useLog, type ChartOptions, type Datum, type TopLevelSpec } from './common';

/** Options of `migrationHistogramChart`. */
export interface MigrationHistogramOptions extends ChartOptions {
  /** Column with the size of one migration (or of a bucket) in bytes (default `sizeBytes`). */
  readonly size?: string;
  /** Column with how many migrations had that size (default `count`; absent = 1 per row). */
  readonly count?: string;
  /** Bars side by side per value of this column (default `system` when present). */
  readonly color?: string;
  /** Show each colour group's share of its migrations instead of counts. */
  readonly normalize?: boolean;
  readonly logY?: boolean | 'auto';
}

/** The power-of-two bucket a size falls in: the smallest 2^k ≥ bytes (4 KiB pages stay 4 KiB). */
export function sizeBucket(bytes: number): number {
  return bytes <= 1 ? 1 : 2 ** Math.ceil(Math.log2(bytes));
}

/**
 * Migration-size histogram: how many migrations (contiguous transfers) fell in each power-of-two size bucket
 * (≤ 4 KiB, 8 KiB, …, 2 MiB, …), bars side by side per system. Input: rows with a size and optionally a
 * count — individual transfers (e.g. observations of a UVM fault log) or an already bucketed histogram.
 *
 * @example migrationHistogramChart([{ system: 'uvm', sizeBytes: 65536, count: 120 }, …])
 */
export function migrationHistogramChart(input: TableInput, opts: MigrationHistogramOptions = {}): TopLevelSpec {
  const rows = rowsOf(input);
  const size = opts.size ?? 'sizeBytes';
  const countCol = opts.count ?? 'count';
  const color = opts.color ?? (rows.some((r) => r.system !== undefined) ? 'system' : undefined);
  const buckets = new Map<string, { group: string | number | boolean | null; bucket: number; n: number }>();
  for (const r of rows) {
    const bytes = Number(r[size]);
    if (!(bytes > 0)) continue;
    const n = r[countCol] === undefined ? 1 : Number(r[countCol]);
    const group = color ? cell(r[color]) : null;
    const bucket = sizeBucket(bytes);
    const key = JSON.stringify([group, bucket]);
    const b = buckets.get(key);
    if (b) b.n += n;
    else buckets.set(key, { group, bucket, n });
  }
  const totals = new Map<unknown, number>();
  for (const b of buckets.values()) totals.set(b.group, (totals.get(b.group) ?? 0) + b.n);
  const sorted = [...buckets.values()].sort((a, b) => a.bucket - b.bucket || String(a.group).localeCompare(String(b.group)));
  const values: Datum[] = sorted.map((b) => {
    const d: Datum = { bucketBytes: b.bucket, size: formatBytes(b.bucket), migrations: b.n, share: b.n / (totals.get(b.group) || 1) };
    if (color) d[color] = b.group;
    return d;
  });
  // every power of two between the smallest and largest bucket, so the axis is a continuous size scale
  const order: string[] = [];
  if (sorted.length) for (let b = sorted[0]!.bucket; b <= sorted[sorted.length - 1]!.bucket; b *= 2) order.push(formatBytes(b));
  const y = opts.normalize ? 'share' : 'migrations';
  const logY = !opts.normalize && useLog(values.map((v) => v.migrations as number), opts.logY);
  const encoding: Record<string, unknown> = {
    x: { field: 'size', type: 'ordinal', sort: order, scale: { domain: order }, title: 'migration size (power-of-two bucket, upper bound)', axis: { labelAngle: 0 } },
    y: { field: y, type: 'quantitative', title: opts.normalize ? 'share of migrations' : 'migrations', scale: logY ? { type: 'log' } : {}, ...(opts.normalize ? { axis: { format: '%' } } : {}) },
    tooltip: [
      ...(color ? [{ field: fieldRef(color), type: 'nominal', title: labelOf(color) }] : []),
      { field: 'size', type: 'ordinal', title: 'size ≤' },
      { field: 'migrations', type: 'quantitative', format: ',' },
      { field: 'share', type: 'quantitative', format: '.1%' },
    ],
  };
  if (color) {
    const colors = colorScale(values.map((v) => String(v[color])));
    encoding.color = { field: fieldRef(color), type: 'nominal', title: labelOf(color), scale: colors, sort: colors.domain };
    encoding.xOffset = { field: fieldRef(color), type: 'nominal', sort: colors.domain };
  }
  return finish({ data: { values }, width: opts.width ?? { step: 34 }, height: opts.height ?? 220, mark: { type: 'bar' }, encoding }, 'Migration sizes', opts);
}
