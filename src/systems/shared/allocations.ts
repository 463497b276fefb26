import { IdPool } from '../../model/id-pool';
import { IntervalSet } from '../../model/interval-set';
import { grown } from '../../io/typed-arrays';
import type { EventBatch } from '../../trace/batch';
import { Op } from '../../trace/event';
import type { Reporter } from '../../sim/reporter';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): a local copy.
const OP_FREE = Op.free;

/**
 * Live allocations of a trace (`alloc`/`free` rows) as the comparison systems see them: address range,
 * kind flags (`Flag.managed`, `Flag.device`, …) and resource id, looked up by address. Ids are reused after
 * `remove`; per-id fields stay readable until the id is handed out again.
 */
export class Allocations {
  readonly ranges = new IntervalSet<number>();
  private readonly ids = new IdPool(64);
  start: Float64Array = new Float64Array(64);
  bytes: Float64Array = new Float64Array(64);
  flags: Uint32Array = new Uint32Array(64);
  resource: Uint32Array = new Uint32Array(64);
  /** Start addresses of allocations refused by `refuseRow` (never added): their free is silent. */
  private readonly refused = new Set<number>();
  /**
   * The allocation `find` last found, `[lastStart, lastEnd)` (an empty range when none): consecutive access rows
   * fall in the same allocation, and the interval search is several calls per row. A live allocation never
   * overlaps another (`add` refuses that), so only its removal makes the entry stale.
   */
  private lastId = -1;
  private lastStart = 0;
  private lastEnd = 0;

  get count(): number {
    return this.ids.used;
  }

  /** Add `[va, va + bytes)`; returns its id, or -1 if it overlaps a live allocation. */
  add(va: number, bytes: number, flags: number, resource: number): number {
    if (!(bytes > 0) || this.ranges.overlapping(va, va + bytes).length > 0) return -1;
    let id = this.ids.take();
    if (id < 0) {
      this.grow(this.start.length * 2);
      id = this.ids.take();
    }
    this.ranges.insert(va, va + bytes, id);
    this.start[id] = va;
    this.bytes[id] = bytes;
    this.flags[id] = flags;
    this.resource[id] = resource;
    return id;
  }

  /**
   * `add` for the `alloc` row `i` of `b` (its va, bytes, flags and resource). An overlap with a live
   * allocation, or no size, is reported through `rep` (an `alloc-error` event, `errorEvents`, a warning) and
   * gives -1.
   */
  addRow(b: EventBatch, i: number, rep: Reporter): number {
    const id = this.add(b.va[i]!, b.bytes[i]!, b.flags[i]!, b.resource[i]!);
    if (id < 0) rep.allocError(b.tNs[i]!, b.agent[i]!, b.va[i]!, b.bytes[i]!);
    return id;
  }

  /**
   * Refuse the `alloc` row `i` of `b`: larger than the system tracks (`limitBytes` of live managed memory). Reported
   * through `rep` (an `alloc-error` event, `errorEvents`, the `systems.alloc-too-large` warning); accesses to it are
   * unmapped and its free (`removeRow`) is silent.
   */
  refuseRow(b: EventBatch, i: number, rep: Reporter, limitBytes: number): void {
    rep.allocTooLarge(b.tNs[i]!, b.agent[i]!, b.va[i]!, b.bytes[i]!, limitBytes);
    this.refused.add(b.va[i]!);
  }

  /**
   * `removeAt` for the `free` row `i` of `b`: -1 when no live allocation starts at its address, reported through
   * `rep` (a `fault-error` event, a bad-free warning) unless the allocation was refused (`refuseRow`).
   */
  removeRow(b: EventBatch, i: number, rep: Reporter): number {
    const va = b.va[i]!;
    const id = this.removeAt(va);
    if (id < 0 && !this.refused.delete(va)) rep.badFree(b.tNs[i]!, b.agent[i]!, OP_FREE, va);
    return id;
  }

  /** Remove the allocation starting at `va`; returns its id (fields still readable) or -1. */
  removeAt(va: number): number {
    const it = this.ranges.remove(va);
    if (it === undefined) return -1;
    this.ids.give(it.value);
    if (it.value === this.lastId) {
      this.lastId = -1;
      this.lastStart = this.lastEnd = 0;
    }
    return it.value;
  }

  /** Id of the allocation containing `va`, or -1 (a NaN address is in none). */
  find(va: number): number {
    if (va >= this.lastStart && va < this.lastEnd) return this.lastId;
    const it = this.ranges.find(va);
    if (it === undefined) return -1;
    this.lastId = it.value;
    this.lastStart = it.start;
    this.lastEnd = it.end;
    return it.value;
  }

  end(id: number): number {
    return this.start[id]! + this.bytes[id]!;
  }

  private grow(n: number): void {
    this.start = grown(this.start, n);
    this.bytes = grown(this.bytes, n);
    this.flags = grown(this.flags, n);
    this.resource = grown(this.resource, n);
    this.ids.ensure(n);
  }
}
