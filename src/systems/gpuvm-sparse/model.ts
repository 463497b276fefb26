import { IdPool } from '../../model/id-pool';
import { IntervalSet } from '../../model/interval-set';
import { grown } from '../../io/typed-arrays';
import * as costMod from '../../model/cost';
import type { UnitCosts } from '../../model/cost';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import { Allocations } from '../shared/allocations';
import type { Reporter } from '../../sim/reporter';
import type { SystemEnv, SystemModel } from '../../sim/system';
import { BindAttr, bindAttributes, INEXPRESSIBLE_ATTRS, ResourceExtents } from '../shared/bind-attributes';
import { BindQueue } from './bind-queue';
import { CLEARS_COMP_TAGS, CompTags } from './compression';
import { choosePageSize, DRIVER_BEHAVIOUR, entryRuns, type DriverBehaviour, type EntryRun } from './drivers';
import { RadixPageTable } from './page-tables';
import type { GpuvmSparseParams } from './params';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { remoteAccessNs, unitCosts } = costMod;
const { Cause } = clockMod;
const { Flag, isWrite, Op } = ev;

const DEV = 1;
const OP_MAP = Op.map;
const OP_UNMAP = Op.unmap;
const ASYNC = Flag.async;
const BO_KINDS = Flag.managed | Flag.peer_shared | Flag.device;
const HOSTKIND = Flag.host | Flag.pinned_host;
const MiB2 = 2 * 1024 * 1024;

/**
 * Driver-managed device VA with explicit binding (drm_gpuvm / VM_BIND / Vulkan sparse; docs/systems.md
 * §gpuvm-sparse, docs/gmem-model.md §8, §11). `reserve` takes VA, `map` binds a backing object (or NULL),
 * `unmap` unbinds; there are no device faults: an access to an unbound or NULL page reads zero
 * (`extra.nullAccesses`). What one bind writes — entries (large ones for NULL and contiguous ranges, the
 * driver's 64 KiB encoding), page tables created and cleared, kept neighbours rewritten on a split — and how
 * binds are submitted and invalidated follow the `driver` (drivers.ts, each rule citing its code). Costs:
 * per op `opNs` + `device.map.pteNs` per entry written + `tableAllocNs` per new table, per submission
 * `device.map.submitNs`, per invalidation `device.tlb.invalidateNs`; `asahi` charges the measured composite
 * `device.map.bindNs`/`unbindNs` alone. Attributes follow the shared rule of src/systems/shared/bind-attributes.ts;
 * `flags=async` binds run on the sparse-binding queue (bind-queue.ts); compressed binds cost per compression.ts.
 */
export class GpuvmSparseModel implements SystemModel {
  private readonly allocs = new Allocations();
  private readonly reservations = new IntervalSet<number>();
  private readonly binds = new IntervalSet<number>();
  private readonly bindIds = new IdPool(64);
  private bResource: Uint32Array = new Uint32Array(64);
  private bFlags: Uint32Array = new Uint32Array(64);
  private bPage: Float64Array = new Float64Array(64);
  private bOffset: Float64Array = new Float64Array(64);
  private bLargest: Float64Array = new Float64Array(64);
  private readonly pt: RadixPageTable;
  private readonly rep: Reporter;
  private readonly c: UnitCosts;
  private readonly d: DriverBehaviour;
  private readonly perOpSubmission: boolean;
  private readonly pageSizes: readonly number[];
  private readonly runs: EntryRun[] = [];
  private readonly extents = new ResourceExtents();
  /** Resource id → allocation id (backing memory kind). */
  private readonly resourceAlloc = new Map<number, number>();
  /** The sparse-binding queue (`bindQueue=sparse`), null when async binds run on the render path. */
  private readonly queue: BindQueue | null;
  private readonly tags = new CompTags();
  private readonly clearsTags: boolean;
  private deviceBytes = 0;
  // submission state
  private subOpen = false;
  private subTNs = NaN;
  private subUnbinds = 0;
  private subQueued = false; // the open submission runs on the sparse-binding queue
  private flushPending = false;
  // extra
  private submissions = 0;
  private reservationsPeak = 0;
  private bindsPeak = 0;
  private pteWrites = 0;
  private pdeWrites = 0;
  private largeEntries = 0;
  private keptRewrites = 0;
  private keptRewriteEntries = 0;
  private nullEntryWrites = 0;
  private remaps = 0;
  private nullAccesses = 0;
  private nullBinds = 0;
  private flaggedBinds = 0;
  private honouredNull = 0;
  private honouredCompressed = 0;
  private honouredReadonly = 0;
  private honouredAliased = 0;
  private honouredPageSize = 0;
  private pageSizeFallbacks = 0;
  private readonlyViolations = 0;

  constructor(private readonly p: GpuvmSparseParams, private readonly env: SystemEnv) {
    const dev = env.platform.device;
    this.pt = new RadixPageTable(dev.ptLevels, p.leafTableBytes, p.tableEntries);
    this.rep = env.report;
    this.c = unitCosts(env.platform, 4096);
    this.d = DRIVER_BEHAVIOUR[p.driver];
    this.perOpSubmission = p.submission === 'per-op' || (p.submission === 'driver' && this.d.submission === 'per-op');
    this.pageSizes = dev.pageSizesBytes.length > 0 ? dev.pageSizesBytes : [4096];
    this.queue = p.bindQueue === 'sparse' ? new BindQueue(env.clock) : null;
    this.clearsTags = CLEARS_COMP_TAGS[p.driver];
  }

  /**
   * A bind submission groups the map/unmap rows of one ioctl: it ends at any other row, at a row with another
   * time stamp, or after every row when the driver (or `submission=per-op`) submits per operation.
   */
  beforeRow(b: EventBatch, i: number): void {
    if (!this.subOpen) return;
    const o = b.op[i]!;
    const queued = this.queue !== null && (b.flags[i]! & ASYNC) !== 0;
    if ((o !== OP_MAP && o !== OP_UNMAP) || this.perOpSubmission || b.tNs[i] !== this.subTNs || queued !== this.subQueued) this.endSubmission();
  }

  /** Device work waits for the sparse-binding queue (semaphore); amdgpu flushes the TLB before the VM's next job (vm->tlb_seq). */
  kernelBegin(): void {
    this.queue?.wait();
    if (this.flushPending) this.invalidate();
  }

  /** The CPU does not use the GPU VA (its accesses are ignored); advice and prefetch hints mean nothing for explicit binds. */
  cpuAccess(): void {}
  advise(): void {}
  prefetch(): void {}

  residentBytes(): number {
    return this.deviceBytes;
  }

  finish(): Readonly<Record<string, number>> {
    if (this.subOpen) this.endSubmission();
    if (this.flushPending) this.invalidate();
    this.queue?.wait(); // the process ends when the queue has drained
    return {
      ...this.queue?.extra(),
      compTagClears: this.tags.clears,
      submissions: this.submissions, reservationsPeak: this.reservationsPeak, gpuvaPeak: this.bindsPeak,
      pteWrites: this.pteWrites, pdeWrites: this.pdeWrites, largeEntries: this.largeEntries, nullEntryWrites: this.nullEntryWrites,
      keptRewrites: this.keptRewrites, keptRewriteEntries: this.keptRewriteEntries, pageTablesCreated: this.pt.created,
      remaps: this.remaps, nullAccesses: this.nullAccesses, nullBinds: this.nullBinds, flaggedBinds: this.flaggedBinds,
      honouredNull: this.honouredNull, honouredCompressed: this.honouredCompressed, honouredReadonly: this.honouredReadonly,
      honouredAliased: this.honouredAliased, honouredPageSize: this.honouredPageSize,
      pageSizeFallbacks: this.pageSizeFallbacks, readonlyViolations: this.readonlyViolations,
    };
  }

  // ---- submissions and invalidations ---------------------------------------------------------------------

  /** Open a submission at trace time `tNs` unless one is open (`beforeRow` closed it when this row starts another). */
  private joinSubmission(b: EventBatch, i: number): void {
    if (this.subOpen) return;
    this.subOpen = true;
    this.subTNs = b.tNs[i]!;
    this.subQueued = this.queue !== null && (b.flags[i]! & ASYNC) !== 0;
    this.subUnbinds = 0;
  }

  /** One submission ends: its ioctl/job/fence cost and, for per-call drivers, one TLB invalidation if it unbound anything. */
  private endSubmission(): void {
    this.subOpen = false;
    this.submissions++;
    if (!this.d.composite) {
      this.spend(Cause.map, this.env.platform.device.map.submitNs);
      if (this.subUnbinds > 0 && this.d.invalidation === 'per-call') this.invalidate();
    }
    this.subQueued = false;
  }

  /** Bind work of the open submission: on the sparse-binding queue when it runs there, else on the clock. */
  private spend(cause: clockMod.CauseCode, ns: number): void {
    if (this.subQueued) this.queue!.add(ns);
    else this.env.clock.charge(cause, ns);
  }

  private invalidate(): void {
    this.flushPending = false;
    this.env.counters.tlbInvalidations++;
    this.spend(Cause.invalidate, this.c.invalidateNs);
  }

  /** A bind or unbind operation was written: per-op and deferred invalidation rules. */
  private afterOp(unbound: boolean): void {
    if (this.d.invalidation === 'per-op') this.invalidate();
    else if (unbound && this.d.invalidation === 'next-gpu-work') this.flushPending = true;
  }

  /** Charge one operation writing `entries` entries and `pdes` directory entries, creating `tables` tables. */
  private chargeOp(isBind: boolean, entries: number, pdes: number, tables: number): void {
    const m = this.env.platform.device.map;
    let ns: number;
    if (this.d.composite) ns = isBind ? m.bindNs : m.unbindNs;
    else if (this.d.stacked) ns = (isBind ? m.bindNs : m.unbindNs) + (entries + pdes) * this.c.pteNs;
    else ns = this.p.opNs + (entries + pdes) * this.c.pteNs + tables * this.p.tableAllocNs;
    this.spend(Cause.map, ns);
  }

  // ---- VA reservations, allocations ----------------------------------------------------------------------

  reserve(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    if (!(bytes > 0) || !this.reservations.insert(va, va + bytes, 0)) return this.rep.allocError(b.tNs[i]!, b.agent[i]!, va, bytes);
    if (this.reservations.size > this.reservationsPeak) this.reservationsPeak = this.reservations.size;
  }

  release(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const r = this.reservations.remove(va);
    if (r === undefined) return this.rep.badFree(b.tNs[i]!, b.agent[i]!, Op.release, va);
    // releasing the VA implicitly unbinds what is still bound inside it (one submission)
    if (this.binds.overlapping(r.start, r.end).length > 0) this.ownSubmission(() => this.unbindRange(r.start, r.end));
  }

  /** A driver-internal bind or unbind outside the trace's map/unmap rows: its own submission. */
  private ownSubmission(fn: () => void): void {
    if (this.subOpen) this.endSubmission();
    this.subOpen = true;
    this.subQueued = false;
    this.subUnbinds = 0;
    fn();
    this.endSubmission();
  }

  /** A buffer object: device memory (device kinds) plus one bind of the whole allocation into the VM. */
  alloc(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    const flags = b.flags[i]!;
    const id = this.allocs.addRow(b, i, this.rep);
    if (id < 0) return;
    if (b.resource[i]! !== 0) this.resourceAlloc.set(b.resource[i]!, id);
    if (!(flags & BO_KINDS)) return;
    const need = Math.ceil(bytes / MiB2) * MiB2;
    if (this.deviceBytes + need > this.env.platform.device.memory.capacityBytes) {
      this.rep.oom(b.tNs[i]!, b.agent[i]!, va, 'device', need);
      return;
    }
    this.deviceBytes += need;
    if (!this.p.allocBinds || b.resource[i]! !== 0) return; // a named memory object is bound by its own map rows
    this.ownSubmission(() => this.bind(va, bytes, 0, 0, 0, NaN));
  }

  free(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const id = this.allocs.removeRow(b, i, this.rep);
    if (id < 0) return;
    const flags = this.allocs.flags[id]!;
    const bytes = this.allocs.bytes[id]!;
    if (this.allocs.resource[id]! !== 0) this.resourceAlloc.delete(this.allocs.resource[id]!);
    if (!(flags & BO_KINDS)) return;
    this.deviceBytes -= Math.ceil(bytes / MiB2) * MiB2;
    if (this.binds.overlapping(va, va + bytes).length > 0 && this.allocs.resource[id]! === 0) this.ownSubmission(() => this.unbindRange(va, va + bytes));
  }

  // ---- bind / unbind -----------------------------------------------------------------------------------

  map(b: EventBatch, i: number): void {
    this.joinSubmission(b, i);
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    if (Number.isNaN(va) || !(bytes > 0)) return this.rep.faultError(b.tNs[i]!, b.agent[i]!, va, 'map without address or size');
    const end = va + bytes;
    if (!this.insideReservation(va, end) && this.allocs.find(va) < 0) {
      return this.rep.faultError(b.tNs[i]!, b.agent[i]!, va, 'map outside every reservation');
    }
    // binding over live binds replaces them (drm_gpuvm REMAP/UNMAP ops of the same ioctl)
    if (this.binds.overlapping(va, end).length > 0) this.unbindRange(va, end);
    this.bind(va, bytes, b.resource[i]!, b.offsetBytes[i]!, b.flags[i]!, b.pageBytes[i]!);
  }

  private insideReservation(va: number, end: number): boolean {
    const r = this.reservations.find(va);
    return r !== undefined && end <= r.end;
  }

  /** Write a bind: the driver's entries for the range, directory entries and tables for what is new. */
  private bind(va: number, bytes: number, resource: number, offset: number, flags: number, pageBytes: number): void {
    const aliased = this.extents.add(resource, offset, bytes);
    const attrs = bindAttributes(flags, aliased, pageBytes);
    const isNull = (attrs & BindAttr.null) !== 0;
    if (isNull) (this.honouredNull++, this.nullBinds++);
    if (attrs & BindAttr.compressed) this.honouredCompressed++;
    if (attrs & BindAttr.compressed && this.clearsTags && resource !== 0 && this.tags.get(resource)) this.spend(Cause.map, this.p.compTagClearNs);
    if (attrs & BindAttr.readonly) this.honouredReadonly++;
    if (attrs & BindAttr.aliased) this.honouredAliased++;
    if (attrs & BindAttr.pageSize) this.honouredPageSize++;
    if (attrs & INEXPRESSIBLE_ATTRS) this.flaggedBinds++; // the shared rule (bind-attributes.ts)
    const ps = choosePageSize(this.pageSizes, va, bytes, pageBytes);
    const size = ps.size;
    if (ps.fellBack) this.pageSizeFallbacks++;
    const before = this.pt.created;
    const w = this.write(va, va + bytes, size, isNull);
    this.env.counters.mapOps++;
    this.chargeOp(true, w.entries, w.pdes, this.pt.created - before);
    this.afterOp(false);
    let id = this.bindIds.take();
    if (id < 0) {
      this.growBinds();
      id = this.bindIds.take();
    }
    this.binds.insert(va, va + bytes, id);
    this.bResource[id] = resource;
    this.bFlags[id] = flags | (aliased ? Flag.aliased : 0);
    this.bPage[id] = size;
    this.bOffset[id] = Number.isNaN(offset) ? 0 : offset;
    this.bLargest[id] = w.largest;
    if (this.binds.size > this.bindsPeak) this.bindsPeak = this.binds.size;
  }

  /** Add the driver's entries for `[va, end)` to the page tables; count them as written unless `kept`. */
  private write(va: number, end: number, size: number, isNull: boolean, kept = false): { entries: number; pdes: number; largest: number } {
    const r = entryRuns(this.d, va, end, size, isNull, this.runs);
    let pdes = 0;
    for (const run of this.runs) {
      pdes += this.pt.add(run.va, run.entryBytes, run.count);
      if (!kept && run.entryBytes >= MiB2 && !this.d.stacked) this.largeEntries += run.count;
    }
    this.pdeWrites += pdes;
    if (!kept) this.pteWrites += r.entries;
    if (!kept && isNull) this.nullEntryWrites += r.entries;
    return { entries: r.entries, pdes, largest: r.largest };
  }

  /** Remove the driver's entries for `[va, end)` from the page tables (no writes counted); directory entries cleared. */
  private drop(va: number, end: number, size: number, isNull: boolean): number {
    entryRuns(this.d, va, end, size, isNull, this.runs);
    let pdes = 0;
    for (const run of this.runs) pdes += this.pt.remove(run.va, run.entryBytes, run.count);
    return pdes;
  }

  unmap(b: EventBatch, i: number): void {
    this.joinSubmission(b, i);
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    if (Number.isNaN(va) || !(bytes > 0)) return this.rep.faultError(b.tNs[i]!, b.agent[i]!, va, 'unmap without address or size');
    if (this.binds.overlapping(va, va + bytes).length === 0) return this.rep.badFree(b.tNs[i]!, b.agent[i]!, Op.unmap, va);
    this.unbindRange(va, va + bytes);
  }

  /**
   * Unbind everything bound in `[va, end)`: the removed part's entries are cleared; a bind cut by the range
   * keeps its outside pieces (REMAP), rewritten or not by the driver's rule (`rewriteKept`).
   */
  private unbindRange(va: number, end: number): void {
    for (const it of this.binds.overlapping(va, end)) {
      const id = it.value;
      const size = this.bPage[id]!;
      const isNull = (this.bFlags[id]! & Flag.null) !== 0;
      const a = Math.max(va, it.start);
      const e = Math.min(end, it.end);
      const left = it.start < a;
      const right = it.end > e;
      const before = this.pt.created;
      let entries: number;
      let pdes: number;
      if (this.d.stacked) {
        // legacy: the removed part's pages at the bind's page size
        entries = Math.ceil((e - a) / size);
        pdes = this.pt.remove(a, size, entries);
        this.pteWrites += entries;
        this.pdeWrites += pdes;
      } else {
        entries = entryRuns(this.d, a, e, size, isNull, this.runs).entries; // entries cleared
        this.pteWrites += entries;
        if (isNull) this.nullEntryWrites += entries;
        // kept pieces are (re)written before the old entries go, so shared tables stay referenced
        pdes = 0;
        const largest = this.bLargest[id]!;
        for (const [ks, ke, boundary] of [[it.start, a, a], [e, it.end, e]] as const) {
          if (ke <= ks) continue;
          const rewrite = this.d.rewriteKept === 'always' || (this.d.rewriteKept === 'unaligned' && boundary % largest !== 0);
          const w = this.write(ks, ke, size, isNull, !rewrite); // not rewritten: bookkeeping only
          pdes += w.pdes;
          if (rewrite) (entries += w.entries, this.keptRewrites++, (this.keptRewriteEntries += w.entries));
        }
        const dropped = this.drop(it.start, it.end, size, isNull);
        this.pdeWrites += dropped;
        pdes += dropped;
      }
      this.env.counters.unmapOps++;
      this.subUnbinds++;
      this.chargeOp(false, entries, pdes, this.pt.created - before);
      this.afterOp(true);
      this.binds.remove(it.start);
      const res = this.bResource[id]!;
      const off = this.bOffset[id]!;
      this.extents.remove(res, off + (a - it.start), e - a);
      if (left || right) this.remaps++; // drm_gpuvm REMAP: the kept parts stay bound with the same attributes
      if (left) {
        this.binds.insert(it.start, a, id);
        this.bLargest[id] = this.largestOf(it.start, a, size, isNull);
      }
      if (right) {
        const rid = left ? this.cloneBind(id) : id;
        this.binds.insert(e, it.end, rid);
        this.bOffset[rid] = off + (e - it.start);
        this.bLargest[rid] = this.largestOf(e, it.end, size, isNull);
      }
      if (this.clearsTags && res !== 0 && this.bFlags[id]! & Flag.compressed) {
        if (left && right) this.tags.ref(res); // both kept pieces hold the tags
        else if (!left && !right) this.tags.put(res);
      }
      if (!left && !right) this.bindIds.give(id);
    }
  }

  private largestOf(va: number, end: number, size: number, isNull: boolean): number {
    return entryRuns(this.d, va, end, size, isNull, this.runs).largest;
  }

  private cloneBind(from: number): number {
    let id = this.bindIds.take();
    if (id < 0) {
      this.growBinds();
      id = this.bindIds.take();
    }
    this.bResource[id] = this.bResource[from]!;
    this.bFlags[id] = this.bFlags[from]!;
    this.bPage[id] = this.bPage[from]!;
    this.bOffset[id] = this.bOffset[from]!;
    this.bLargest[id] = this.bLargest[from]!;
    return id;
  }

  // ---- accesses --------------------------------------------------------------------------------------------

  deviceAccess(b: EventBatch, i: number): void {
    const tNs = b.tNs[i]!;
    let va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const write = isWrite(b.access[i]!);
    const count = b.count[i]!;
    while (va < end) {
      const it = this.binds.find(va);
      if (it === undefined) {
        const a = this.allocs.find(va);
        if (a >= 0) {
          // memory the driver maps when it is allocated (a BO at its own VA, not bound by map rows)
          const aEnd = Math.min(end, this.allocs.end(a));
          if (this.allocs.flags[a]! & HOSTKIND) {
            this.env.counters.remoteAccesses += count;
            this.env.clock.charge(Cause.remote, count * remoteAccessNs(this.c, aEnd - va, write));
          }
          va = aEnd;
          continue;
        }
        const r = this.reservations.find(va);
        if (r === undefined) return this.rep.unmapped(tNs, DEV, va);
        // unbound page of a sparse reservation: reads zero, writes are dropped
        this.nullAccesses += count;
        va = Math.min(end, this.nextBindStart(va, r.end));
        continue;
      }
      const segEnd = Math.min(end, it.end);
      const id = it.value;
      const flags = this.bFlags[id]!;
      if (flags & Flag.null) this.nullAccesses += count;
      else if (write && flags & Flag.readonly) {
        this.readonlyViolations++;
        this.rep.faultError(tNs, DEV, va, 'GPU write to a read-only binding');
      } else {
        const res = this.bResource[id]!;
        const a = res !== 0 ? this.resourceAlloc.get(res) : this.allocs.find(va);
        if (a !== undefined && a >= 0 && this.allocs.flags[a]! & HOSTKIND) {
          this.env.counters.remoteAccesses += count;
          this.env.clock.charge(Cause.remote, count * remoteAccessNs(this.c, segEnd - va, write));
        }
      }
      va = segEnd;
    }
  }

  private nextBindStart(va: number, limit: number): number {
    const next = this.binds.overlapping(va, limit)[0];
    return next === undefined ? limit : Math.max(va + 1, next.start);
  }

  checkInvariants(): void {
    if (this.deviceBytes > this.env.platform.device.memory.capacityBytes) throw new Error('gpuvm-sparse: device memory over capacity');
    const list = this.binds.list();
    for (let k = 1; k < list.length; k++) if (list[k]!.start < list[k - 1]!.end) throw new Error('gpuvm-sparse: overlapping binds');
    if (list.length === 0 && this.pt.liveTables !== 0) throw new Error(`gpuvm-sparse: ${this.pt.liveTables} page tables with nothing bound`);
  }

  private growBinds(): void {
    const n = this.bResource.length * 2;
    this.bResource = grown(this.bResource, n);
    this.bFlags = grown(this.bFlags, n);
    this.bPage = grown(this.bPage, n);
    this.bOffset = grown(this.bOffset, n);
    this.bLargest = grown(this.bLargest, n);
    this.bindIds.ensure(n);
  }
}
