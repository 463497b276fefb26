import type { DiagnosticLog } from '../log/collector';
import { fail, type Location } from '../log/diagnostic';
import { traceMessages } from '../log/messages/trace';
import type { EventBatch } from './batch';
import { Op } from './event';
import { ByteRangeSet } from './byte-range-set';
import { sourceLineOf } from './source-lines';

const OP_ALLOC = Op.alloc, OP_FREE = Op.free, OP_RESERVE = Op.reserve, OP_RELEASE = Op.release;
const OP_MAP = Op.map, OP_UNMAP = Op.unmap, OP_KBEGIN = Op.kernelBegin, OP_KEND = Op.kernelEnd, OP_ACCESS = Op.access;

/**
 * Streaming semantic checks (docs/trace-formats.md part 1, "Validation"), applied by `openTrace` to the output of
 * every importer: `free`/`release` of something not live (and size mismatches), `unmap` of a range not
 * mapped, `map` outside any live reservation or allocation, overlapping maps, overlapping live allocations
 * or reservations, `access` rows outside every live allocation and mapping (counted, one warning at the end), and at the end allocations never freed and kernels never ended (a file cut exactly at a
 * line break parses cleanly, so this is the only sign of it). These are warnings: the trace stays usable and simulations report the same situations
 * as result events (gmem-model decision E). Decreasing `t_ns` is an error here, because importers must sort.
 *
 * State is proportional to the live ranges, not to the trace. Releasing a reservation (or freeing an
 * allocation) also drops the mappings inside it, as destroying a Vulkan resource or a VA range does.
 */
export class SemanticChecker {
  private readonly allocs = new Map<number, number>();
  private readonly allocSet = new ByteRangeSet();
  private readonly reservations = new Map<number, number>();
  private readonly reservedSet = new ByteRangeSet();
  private readonly mapped = new ByteRangeSet();
  private lastTNs = 0;
  /** Rows checked so far (the next row's 0-based sequence number). */
  events = 0;
  /** kernel_begin and kernel_end events seen (a row's `count` included). */
  private kernelBegins = 0;
  private kernelEnds = 0;
  /** A live allocation or mapping that covered the last access checked (`[covered[0], covered[1])`; empty after a free). */
  private readonly covered = new Float64Array(2);
  /** Access rows outside every live allocation and mapping, and where the first one is. */
  private outsideAccesses = 0;
  private firstOutside: { at: Location; va: number; bytes: number } | undefined;

  constructor(
    private readonly file: string,
    private readonly log: DiagnosticLog,
  ) {}

  /** Check one batch (rows in trace order). */
  update(b: EventBatch): void {
    const { op, tNs, va, bytes, count } = b;
    for (let i = 0; i < b.length; i++) {
      const t = tNs[i]!;
      if (t < this.lastTNs) fail(traceMessages.timeBackwards(this.at(b, i, 't_ns'), this.lastTNs, t));
      this.lastTNs = t;
      const o = op[i]!;
      if (o < OP_MAP + 2) this.range(b, i, o, va[i]!, bytes[i]!);
      else if (o === OP_ACCESS) {
        // the allocation or mapping of the previous access covers most accesses: two compares, no search
        const a = va[i]!;
        const e = a + bytes[i]!;
        if (!(a >= this.covered[0]! && e <= this.covered[1]!) && e === e && !this.coveredNow(a, e)) this.outside(b, i, a, e - a);
      } else if (o === OP_KBEGIN) this.kernelBegins += count[i]!;
      else if (o === OP_KEND) this.kernelEnds += count[i]!;
    }
    this.events += b.length;
  }

  /**
   * End of trace: warnings for a trace with no events at all, for allocations still live (count and bytes) and
   * for more kernel starts than ends. Reservations left live are not reported (a VA reservation commonly lives
   * as long as the process).
   */
  finish(): void {
    if (this.events === 0) this.log.add(traceMessages.noEvents({ file: this.file }));
    if (this.allocs.size > 0) {
      let liveBytes = 0;
      for (const n of this.allocs.values()) liveBytes += n;
      this.log.add(traceMessages.liveAtEnd({ file: this.file }, this.allocs.size, liveBytes));
    }
    if (this.kernelBegins > this.kernelEnds) this.log.add(traceMessages.kernelOpenAtEnd({ file: this.file }, this.kernelBegins, this.kernelEnds));
    const first = this.firstOutside;
    if (first !== undefined) this.log.add(traceMessages.accessOutsideAllocation(first.at, this.outsideAccesses, first.va, first.bytes));
  }

  /** Whether a live allocation or mapping covers `[a, e)`; remembers it for the next access. */
  private coveredNow(a: number, e: number): boolean {
    return this.allocSet.coveringRange(a, e, this.covered) || this.mapped.coveringRange(a, e, this.covered);
  }

  private outside(b: EventBatch, i: number, a: number, n: number): void {
    if (this.outsideAccesses++ === 0) this.firstOutside = { at: this.at(b, i, 'va'), va: a, bytes: n };
  }

  private range(b: EventBatch, i: number, o: number, a: number, n: number): void {
    if (a !== a) return; // no address: nothing to track
    switch (o) {
      case OP_ALLOC:
      case OP_RESERVE: {
        if (n !== n) return;
        const set = o === OP_ALLOC ? this.allocSet : this.reservedSet;
        const live = o === OP_ALLOC ? this.allocs : this.reservations;
        const overlap = set.overlapBytes(a, a + n);
        if (overlap > 0) this.log.add(traceMessages.overlappingRange(this.at(b, i, 'va'), this.seq(i), o === OP_ALLOC ? 'alloc' : 'reserve', a, n, overlap));
        const old = live.get(a);
        if (old !== undefined) set.remove(a, a + old);
        live.set(a, n);
        set.add(a, a + n);
        return;
      }
      case OP_FREE:
      case OP_RELEASE: {
        const live = o === OP_FREE ? this.allocs : this.reservations;
        const name = o === OP_FREE ? 'free' : 'release';
        const size = live.get(a);
        if (size === undefined) {
          this.log.add(traceMessages.freeNotLive(this.at(b, i, 'va'), this.seq(i), name, a));
          return;
        }
        if (n === n && n !== size) this.log.add(traceMessages.sizeMismatch(this.at(b, i, 'bytes'), this.seq(i), name, size, n));
        live.delete(a);
        (o === OP_FREE ? this.allocSet : this.reservedSet).remove(a, a + size);
        this.mapped.remove(a, a + size);
        this.covered[0] = this.covered[1] = 0;
        return;
      }
      case OP_MAP: {
        if (n !== n) return;
        if (!this.reservedSet.covers(a, a + n) && !this.allocSet.covers(a, a + n)) {
          this.log.add(traceMessages.mapOutsideReservation(this.at(b, i, 'va'), this.seq(i), a, n));
        }
        const overlap = this.mapped.overlapBytes(a, a + n);
        if (overlap > 0) this.log.add(traceMessages.overlappingMap(this.at(b, i, 'va'), this.seq(i), a, n, overlap));
        this.mapped.add(a, a + n);
        return;
      }
      case OP_UNMAP: {
        if (n !== n) return;
        const covered = this.mapped.overlapBytes(a, a + n);
        if (covered < n) this.log.add(traceMessages.unmapNotMapped(this.at(b, i, 'va'), this.seq(i), a, n, covered));
        this.mapped.remove(a, a + n);
        this.covered[0] = this.covered[1] = 0;
        return;
      }
      default:
        return;
    }
  }

  private seq(i: number): number {
    return this.events + i;
  }

  private at(b: EventBatch, i: number, field: string): Location {
    const line = sourceLineOf(b, i);
    return line === undefined ? { file: this.file, field } : { file: this.file, line, field };
  }
}
