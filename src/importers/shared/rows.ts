import { BatchBuilder, BATCH_ROWS, type EventBatch } from '../../trace/batch';
import { isTimeOrdered, sortedByTime } from '../../trace/sort';
import type { StringTable } from '../../trace/strings';

/** A row already added to a `RowCollector`, whose flags can still be changed until `sorted()`. */
export interface RowRef {
  readonly flags: Uint32Array;
  readonly i: number;
}

/**
 * Collects rows for a source whose records are not in time order (Kineto, GFXReconstruct with pre-state,
 * snapshots with reconstructed pre-existing state): rows go into batches as they come, and `sorted()` yields
 * them again ordered by `tNs`, ties in arrival order (a stable sort: equal times keep input order, which
 * is the canonical sequence number). Memory: the rows once more plus 12 bytes per row (see `sortedByTime`).
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

  /**
   * The row at builder index `i` (as `builder.addRow` returned it), to amend with `setFlags` until `sorted()`.
   * `BatchBuilder.take()` hands its column buffers on as views, so the reference survives `flush()`.
   */
  ref(i: number): RowRef {
    return { flags: this.builder.cols.flags, i };
  }

  /** Replace the flags of a row added earlier (before `sorted()`). */
  setFlags(r: RowRef, flags: number): void {
    r.flags[r.i] = flags;
  }

  get length(): number {
    return this.done.length * this.rowsPerBatch + this.builder.length;
  }

  /** Rows ordered by (tNs, arrival) (`sortedByTime` of src/trace/sort.ts). The collector is empty afterwards. */
  *sorted(): Generator<EventBatch> {
    if (this.builder.length > 0) this.done.push(this.builder.take());
    const parts = this.done.splice(0);
    if (isTimeOrdered(parts)) {
      for (const p of parts) yield p;
      return;
    }
    yield* sortedByTime(parts, parts[0]!.strings, this.rowsPerBatch);
  }
}
