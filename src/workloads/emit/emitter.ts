import { BATCH_ROWS, BatchBuilder, type EventBatch } from '../../trace/batch';
import { markerKindOf, NO_AGENT, Op } from '../../trace/event';
import { StringTable } from '../../trace/strings';

/**
 * Row writer shared by every generator: typed methods per op over a `BatchBuilder`, with full batches
 * queued until the generator yields them (`yield* em.drain()`), so one method may add any number of rows
 * and a generator only has to drain at convenient points (memory stays bounded by what it adds between
 * drains). Enforces the canonical-trace invariants generators rely on: integer, non-decreasing `tNs`.
 *
 * Hot path: no allocation per row; strings (resources, labels) are interned once by `id()`.
 */
export class TraceEmitter {
  private readonly builder: BatchBuilder;
  private readonly ready: EventBatch[] = [];
  private lastTNs = 0;
  /** Rows added so far. */
  rows = 0;

  constructor(readonly strings: StringTable = new StringTable(), rowsPerBatch: number = BATCH_ROWS) {
    this.builder = new BatchBuilder(strings, rowsPerBatch);
  }

  /** The interned id of `s` (0 for ''). */
  id(s: string): number {
    return this.strings.intern(s);
  }

  /** Time of the last row added (ns). */
  get nowNs(): number {
    return this.lastTNs;
  }

  private add(op: number, tNs: number, agent: number, va: number, bytes: number): number {
    if (!(tNs >= this.lastTNs) || !Number.isInteger(tNs)) {
      throw new Error(`generator bug: t_ns ${tNs} after ${this.lastTNs} (times must be non-decreasing integers)`);
    }
    this.lastTNs = tNs;
    const b = this.builder;
    if (b.full) this.ready.push(b.take());
    this.rows++;
    return b.addRow(op, tNs, agent, va, bytes);
  }

  reserve(tNs: number, agent: number, va: number, bytes: number, labelId = 0): void {
    const i = this.add(Op.reserve, tNs, agent, va, bytes);
    this.builder.cols.label[i] = labelId;
  }

  release(tNs: number, agent: number, va: number, bytes: number): void {
    this.add(Op.release, tNs, agent, va, bytes);
  }

  /** `alloc` of `[va, va+bytes)`; `kindFlags` holds exactly one kind bit (plus optional others). */
  alloc(tNs: number, agent: number, va: number, bytes: number, kindFlags: number, resourceId = 0): void {
    const i = this.add(Op.alloc, tNs, agent, va, bytes);
    const c = this.builder.cols;
    c.flags[i] = kindFlags;
    c.resource[i] = resourceId;
  }

  free(tNs: number, agent: number, va: number, bytes: number): void {
    this.add(Op.free, tNs, agent, va, bytes);
  }

  /** Bind `[va, va+bytes)` to `resourceId` at `offsetBytes` (resource 0 with `Flag.null`). */
  map(
    tNs: number, agent: number, va: number, bytes: number, resourceId: number, offsetBytes: number,
    pageBytes: number, flags = 0,
  ): void {
    const i = this.add(Op.map, tNs, agent, va, bytes);
    const c = this.builder.cols;
    c.resource[i] = resourceId;
    c.offsetBytes[i] = offsetBytes;
    c.pageBytes[i] = pageBytes;
    c.flags[i] = flags;
  }

  unmap(tNs: number, agent: number, va: number, bytes: number, flags = 0): void {
    const i = this.add(Op.unmap, tNs, agent, va, bytes);
    this.builder.cols.flags[i] = flags;
  }

  /** An explicit copy of `bytes` from `agent` to `target`, landing at `va` (docs/trace-formats.md `copy`). */
  copy(tNs: number, agent: number, target: number, va: number, bytes: number, flags = 0): void {
    const i = this.add(Op.copy, tNs, agent, va, bytes);
    this.builder.cols.target[i] = target;
    this.builder.cols.flags[i] = flags;
  }

  /** `agent` touches `[va, va+bytes)` `count` times; `access` is an `Access` code. */
  access(tNs: number, agent: number, va: number, bytes: number, access: number, count = 1, flags = 0): void {
    const i = this.add(Op.access, tNs, agent, va, bytes);
    const c = this.builder.cols;
    c.access[i] = access;
    c.count[i] = count;
    c.flags[i] = flags;
  }

  prefetch(tNs: number, agent: number, va: number, bytes: number, target: number, flags = 0): void {
    const i = this.add(Op.prefetch, tNs, agent, va, bytes);
    const c = this.builder.cols;
    c.target[i] = target;
    c.flags[i] = flags;
  }

  /** `advice` is an `Advice` code; `target` names the device for location advice (`NO_AGENT` otherwise). */
  advise(tNs: number, agent: number, va: number, bytes: number, advice: number, target = NO_AGENT): void {
    const i = this.add(Op.advise, tNs, agent, va, bytes);
    const c = this.builder.cols;
    c.code[i] = advice;
    c.target[i] = target;
  }

  /** Kernel start; `durNs` is its compute time without memory stalls (NaN = not given). */
  kernelBegin(tNs: number, agent: number, labelId: number, durNs: number): void {
    const i = this.add(Op.kernelBegin, tNs, agent, NaN, NaN);
    const c = this.builder.cols;
    c.label[i] = labelId;
    c.durNs[i] = durNs;
  }

  kernelEnd(tNs: number, agent: number, labelId: number): void {
    const i = this.add(Op.kernelEnd, tNs, agent, NaN, NaN);
    this.builder.cols.label[i] = labelId;
  }

  /** A marker (`frame`, `phase:<name>`, …); `durNs` on a phase marker is charged as compute. */
  marker(tNs: number, agent: number, labelId: number, durNs = NaN): void {
    const i = this.add(Op.marker, tNs, agent, NaN, NaN);
    const c = this.builder.cols;
    c.label[i] = labelId;
    c.code[i] = markerKindOf(this.strings.get(labelId));
    c.durNs[i] = durNs;
  }

  /** Yield the full batches queued so far (call often: they are held in memory until drained). */
  *drain(): Generator<EventBatch, void, undefined> {
    while (this.ready.length > 0) yield this.ready.shift()!;
  }

  /** Yield everything, including the last partial batch (at least one batch, possibly empty). */
  *finish(): Generator<EventBatch, void, undefined> {
    yield* this.drain();
    if (this.builder.length > 0 || this.rows === 0) yield this.builder.take();
  }
}
