// Validation of the uvm batch model against a recorded driver fault log (docs/systems.md "fault front",
// "Validation"): the batches the driver recorded vs the batches the model's front rule forms from the same
// faults. Importer-free: callers pass the recorded faults (e.g. decoded from the uvm-eval kernel log by
// src/importers/uvm-fault-log or by a test).

/** One fault-buffer entry as the driver recorded it: its 4 KiB page, the managed range (row) it lies in, its batch. */
export interface RecordedFault {
  readonly page: number;
  readonly range: number;
  readonly batch: number;
}

/** The parameters of the front rule (src/systems/uvm/params.ts). */
export interface FrontRule {
  readonly batchMax: number;
  readonly frontPages: number;
  readonly frontEntriesPerPage: number;
}

export interface BatchShape {
  readonly batches: number;
  /** Per batch, in order. */
  readonly entries: readonly number[];
  readonly distinctPages: readonly number[];
}

export interface BatchAgreement {
  readonly recorded: BatchShape;
  readonly model: BatchShape;
  /** model / recorded of the batch count, the mean entries and the mean distinct pages per batch. */
  readonly batchRatio: number;
  readonly entriesRatio: number;
  readonly distinctRatio: number;
  /** Mean |model − recorded| distinct pages per batch, pairing batches in order (null when the counts differ). */
  readonly meanAbsDistinctDiff: number | null;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The batches as recorded: one entry per recorded fault, distinct pages per batch. */
export function recordedShape(faults: readonly RecordedFault[]): BatchShape {
  const order: number[] = [];
  const byBatch = new Map<number, { entries: number; pages: Set<number> }>();
  for (const f of faults) {
    let b = byBatch.get(f.batch);
    if (!b) {
      b = { entries: 0, pages: new Set() };
      byBatch.set(f.batch, b);
      order.push(f.batch);
    }
    b.entries++;
    b.pages.add(f.page);
  }
  return { batches: order.length, entries: order.map((k) => byBatch.get(k)!.entries), distinctPages: order.map((k) => byBatch.get(k)!.pages.size) };
}

/**
 * The batches the model forms from the same faults: each managed range is one access row (rows in order of
 * their first recorded fault) touching the distinct pages that faulted in it, in address order; the row's front
 * takes at most `frontPages` distinct pages and `batchMax` entries per batch, `frontEntriesPerPage` entries per
 * page (fractional means alternate, as in fault-batch.ts). The prefetcher is not applied: the recorded faults
 * already exclude what the driver made resident.
 */
export function modelShape(faults: readonly RecordedFault[], rule: FrontRule): BatchShape {
  const rows: number[] = [];
  const pages = new Map<number, Set<number>>();
  for (const f of faults) {
    let s = pages.get(f.range);
    if (!s) {
      s = new Set();
      pages.set(f.range, s);
      rows.push(f.range);
    }
    s.add(f.page);
  }
  const entries: number[] = [];
  const distinct: number[] = [];
  let carry = 0;
  for (const r of rows) {
    const ps = [...pages.get(r)!].sort((a, b) => a - b);
    let e = 0;
    let d = 0;
    for (let k = 0; k < ps.length; k++) {
      carry += rule.frontEntriesPerPage;
      let n = Math.floor(carry + 1e-9);
      carry -= n;
      n = Math.min(n, rule.batchMax - e);
      e += n;
      d++;
      if (e >= rule.batchMax || d >= rule.frontPages) {
        entries.push(e);
        distinct.push(d);
        e = 0;
        d = 0;
      }
    }
    if (d > 0) {
      entries.push(e);
      distinct.push(d);
    }
  }
  return { batches: entries.length, entries, distinctPages: distinct };
}

/** Recorded vs modelled batch shape for the same faults. */
export function compareBatches(faults: readonly RecordedFault[], rule: FrontRule): BatchAgreement {
  const recorded = recordedShape(faults);
  const model = modelShape(faults, rule);
  const ratio = (m: number, r: number): number => (r === 0 ? (m === 0 ? 1 : Infinity) : m / r);
  let diff: number | null = null;
  if (model.batches === recorded.batches) {
    diff = mean(model.distinctPages.map((d, i) => Math.abs(d - recorded.distinctPages[i]!)));
  }
  return {
    recorded,
    model,
    batchRatio: ratio(model.batches, recorded.batches),
    entriesRatio: ratio(mean(model.entries), mean(recorded.entries)),
    distinctRatio: ratio(mean(model.distinctPages), mean(recorded.distinctPages)),
    meanAbsDistinctDiff: diff,
  };
}
