import { BatchBuilder, BATCH_ROWS, type EventBatch } from '../../trace/batch';
import type { StringTable } from '../../trace/strings';

/**
 * Collects rows for a source whose records are not in time order (Kineto, GFXReconstruct with pre-state,
 * snapshots with reconstructed pre-existing state): rows go into batches as they come, and `sorted()` yields
 * them again ordered by `tNs`, ties in arrival order (a stable sort: equal times keep input order, which
 * is the canonical sequence number). Memory: the rows once plus a permutation of 8 bytes per row.
 */
export class RowCollector {
  readonly builder: BatchBuilder;
  private readonly done: EventBatch[] = [];
  constructor(strings: StringTable, private readonly rowsPerBatch: number = BATCH_ROWS) {
    this.builder = new BatchBuilder(strings, rowsPerBatch);
  }

  /** Call after each `builder.addRow`/`push` (moves a full batch aside). */
  flush(): void {
    if (this.builder.full) this.done.push(this.builder.take());
  }

  get length(): number {
    return this.done.length * this.rowsPerBatch + this.builder.length;
  }

  /** Rows ordered by (tNs, arrival). The collector is empty afterwards. */
  *sorted(): Generator<EventBatch> {
    if (this.builder.length > 0) this.done.push(this.builder.take());
    const parts = this.done.splice(0);
    const n = parts.reduce((s, b) => s + b.length, 0);
    const cap = this.rowsPerBatch;
    const order = new Uint32Array(n);
    const times = new Float64Array(n);
    let k = 0;
    for (const b of parts) for (let i = 0; i < b.length; i++, k++) times[k] = b.tNs[i]!;
    for (let i = 0; i < n; i++) order[i] = i;
    let ordered = true;
    for (let i = 1; i < n && ordered; i++) if (times[i]! < times[i - 1]!) ordered = false;
    if (ordered) {
      for (const p of parts) yield p;
      return;
    }
    // Array.prototype.sort is stable, but the index tie-break makes the order explicit
    order.sort((a, b) => times[a]! - times[b]! || a - b);
    const out = new BatchBuilder(parts[0]!.strings, cap);
    for (let j = 0; j < n; j++) {
      const g = order[j]!;
      copyRow(parts[(g / cap) | 0]!, g % cap, out);
      if (out.full) yield out.take();
    }
    if (out.length > 0) yield out.take();
  }
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
