import { BATCH_ROWS, BatchBuilder, type EventBatch } from './batch';
import type { StringTable } from './strings';

/**
 * Stable sort of a whole trace by `tNs` (equal times keep input order). Holds the trace in memory: for
 * importers of unordered sources and the canonical CSV reader's `sort` option, not for huge traces.
 */
export function sortByTime(batches: readonly EventBatch[], strings: StringTable, rows = BATCH_ROWS): EventBatch[] {
  const total = batches.reduce((n, b) => n + b.length, 0);
  const t = new Float64Array(total);
  const where = new Uint32Array(total * 2);
  let k = 0;
  batches.forEach((b, bi) => {
    for (let i = 0; i < b.length; i++, k++) {
      t[k] = b.tNs[i]!;
      where[2 * k] = bi;
      where[2 * k + 1] = i;
    }
  });
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => t[a]! - t[b]! || a - b);
  const out: EventBatch[] = [];
  const builder = new BatchBuilder(strings, rows);
  for (let j = 0; j < total; j++) {
    const o = order[j]!;
    const b = batches[where[2 * o]!]!;
    const i = where[2 * o + 1]!;
    const r = builder.addRow(b.op[i]!, b.tNs[i]!, b.agent[i]!, b.va[i]!, b.bytes[i]!);
    const c = builder.cols;
    c.target[r] = b.target[i]!;
    c.offsetBytes[r] = b.offsetBytes[i]!;
    c.pageBytes[r] = b.pageBytes[i]!;
    c.durNs[r] = b.durNs[i]!;
    c.access[r] = b.access[i]!;
    c.code[r] = b.code[i]!;
    c.flags[r] = b.flags[i]!;
    c.count[r] = b.count[i]!;
    c.resource[r] = b.resource[i]!;
    c.label[r] = b.label[i]!;
    if (builder.full) out.push(builder.take());
  }
  if (builder.length > 0 || out.length === 0) out.push(builder.take());
  return out;
}
