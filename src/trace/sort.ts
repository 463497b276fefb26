import { BATCH_ROWS, BatchBuilder, type EventBatch } from './batch';
import type { StringTable } from './strings';

/**
 * Stable sort of a whole trace by `tNs` (equal times keep input order). Holds the trace in memory: for
 * importers of unordered sources and the canonical CSV reader's `sort` option, not for huge traces. Always
 * returns at least one batch (an empty one for an empty trace).
 */
export function sortByTime(batches: readonly EventBatch[], strings: StringTable, rows = BATCH_ROWS): EventBatch[] {
  const out = [...sortedByTime(batches, strings, rows)];
  if (out.length === 0) out.push(new BatchBuilder(strings, rows).take());
  return out;
}

/** True when the rows of `batches`, read in order, have non-decreasing `tNs` (nothing to sort). */
export function isTimeOrdered(batches: readonly EventBatch[]): boolean {
  let prev = -Infinity;
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const t = b.tNs[i]!;
      if (t < prev) return false;
      prev = t;
    }
  }
  return true;
}

/**
 * The one stable time sort of gmemlab (`sortByTime`, and `RowCollector` of the importers): the rows of
 * `batches` copied into new batches of `rows` rows ordered by (`tNs`, input position) — equal times keep
 * input order, which is the canonical sequence number. Yields nothing when there are no rows. Memory: the
 * rows once more, 12 bytes per row for times and permutation, plus 8 bytes per row when the input batches
 * are not all of one length (the last may be shorter).
 */
export function* sortedByTime(batches: readonly EventBatch[], strings: StringTable, rows = BATCH_ROWS): Generator<EventBatch> {
  const total = batches.reduce((n, b) => n + b.length, 0);
  if (total === 0) return;
  const t = new Float64Array(total);
  let k = 0;
  for (const b of batches) for (let i = 0; i < b.length; i++, k++) t[k] = b.tNs[i]!;
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  // Array.prototype.sort is stable, but the index tie-break makes the order explicit
  order.sort((a, b) => t[a]! - t[b]! || a - b);
  // Row g of the concatenation: batch g / stride, row g % stride when every batch but the last has `stride`
  // rows (what BatchBuilder produces); otherwise looked up in `where` (batch, row) pairs.
  const stride = batches[0]!.length;
  const last = batches.length - 1;
  const uniform = stride > 0 && batches[last]!.length <= stride && batches.every((b, bi) => bi === last || b.length === stride);
  let where: Uint32Array | undefined;
  if (!uniform) {
    where = new Uint32Array(total * 2);
    k = 0;
    batches.forEach((b, bi) => {
      for (let i = 0; i < b.length; i++, k++) {
        where![2 * k] = bi;
        where![2 * k + 1] = i;
      }
    });
  }
  const builder = new BatchBuilder(strings, rows);
  for (let j = 0; j < total; j++) {
    const g = order[j]!;
    if (where === undefined) copyRow(batches[(g / stride) | 0]!, g % stride, builder);
    else copyRow(batches[where[2 * g]!]!, where[2 * g + 1]!, builder);
    if (builder.full) yield builder.take();
  }
  if (builder.length > 0) yield builder.take();
}

/** Append row `i` of `src` to `dst` (same string table assumed). */
export function copyRow(src: EventBatch, i: number, dst: BatchBuilder): void {
  const j = dst.addRow(src.op[i]!, src.tNs[i]!, src.agent[i]!, src.va[i]!, src.bytes[i]!);
  const c = dst.cols;
  c.target[j] = src.target[i]!;
  c.offsetBytes[j] = src.offsetBytes[i]!;
  c.pageBytes[j] = src.pageBytes[i]!;
  c.durNs[j] = src.durNs[i]!;
  c.access[j] = src.access[i]!;
  c.code[j] = src.code[i]!;
  c.flags[j] = src.flags[i]!;
  c.count[j] = src.count[i]!;
  c.resource[j] = src.resource[i]!;
  c.label[j] = src.label[i]!;
}
