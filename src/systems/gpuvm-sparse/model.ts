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
import { RadixPageTable } from './page-tables';
import type { GpuvmSparseParams } from './params';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { remoteAccessNs, unitCosts } = costMod;
const { Cause } = clockMod;
const { Flag, isWrite, Op } = ev;

const DEV = 1;
const OP_MAP = Op.map;
const OP_UNMAP = Op.unmap;
const BO_KINDS = Flag.managed | Flag.peer_shared | Flag.device;
const HOSTKIND = Flag.host | Flag.pinned_host;
const MiB2 = 2 * 1024 * 1024;

/**
 * Driver-managed device VA with explicit binding (drm_gpuvm / VM_BIND / Vulkan sparse; docs/gmem-model.md §8,
 * §11). `reserve` takes VA, `map` binds a backing object (or NULL) at a page size, `unmap` unbinds; there are
 * no device faults: an access to an unbound or NULL page reads zero (`extra.nullAccesses`). A bind costs
 * `device.map.bindNs` + `device.map.pteNs` per entry written (one per page at the bind's page size, plus one
 * directory entry per page table it creates); an unbind `device.map.unbindNs` + `pteNs` per entry cleared;
 * every submission (a run of bind rows with the same t_ns, i.e. one vkQueueBindSparse call) costs
 * `device.map.submitNs` and, if it unbound anything, one device TLB invalidation. Flags are honoured natively
 * (NULL, compressed, read-only, aliasing, 4 KiB / 64 KiB / 2 MiB pages) and counted with the same rules the
 * GMEM model uses for what mmap cannot express, so `flaggedBinds` here equals `inexpressibleBinds` there.
 */
export class GpuvmSparseModel implements SystemModel {
  private readonly allocs = new Allocations();
  private readonly reservations = new IntervalSet<number>();
  private readonly binds = new IntervalSet<number>();
  private readonly bindIds = new IdPool(64);
  private bResource: Uint32Array = new Uint32Array(64);
  private bFlags: Uint32Array = new Uint32Array(64);
  private bPage: Float64Array = new Float64Array(64);
  private readonly pt: RadixPageTable;
  private readonly rep: Reporter;
  private readonly c: UnitCosts;
  private readonly pageSizes: readonly number[];
  /** Live binds per resource id (aliasing), and resource id → allocation id (backing memory kind). */
  private readonly liveResources = new Map<number, number>();
  private readonly resourceAlloc = new Map<number, number>();
  private deviceBytes = 0;
  // submission state
  private subOpen = false;
  private subTNs = NaN;
  private subUnbinds = 0;
  // extra
  private submissions = 0;
  private reservationsPeak = 0;
  private bindsPeak = 0;
  private pteWrites = 0;
  private pdeWrites = 0;
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
    const d = env.platform.device;
    this.pt = new RadixPageTable(d.ptLevels, p.leafTableBytes, p.tableEntries);
    this.rep = env.report;
    this.c = unitCosts(env.platform, 4096);
    this.pageSizes = d.pageSizesBytes.length > 0 ? d.pageSizesBytes : [4096];
  }

  /**
   * A bind submission groups the map/unmap rows of one ioctl: it ends at any other row, at a row with another
   * time stamp, or after every row with `submission=per-op`.
   */
  beforeRow(b: EventBatch, i: number): void {
    if (!this.subOpen) return;
    const o = b.op[i]!;
    if ((o !== OP_MAP && o !== OP_UNMAP) || this.p.submission === 'per-op' || b.tNs[i] !== this.subTNs) this.endSubmission();
  }

  /** The CPU does not use the GPU VA: its accesses are ignored. */
  cpuAccess(): void {}

  /** Advice and prefetch hints have no meaning for explicit bindings: ignored. */
  advise(): void {}
  prefetch(): void {}

  residentBytes(): number {
    return this.deviceBytes;
  }

  finish(): Readonly<Record<string, number>> {
    if (this.subOpen) this.endSubmission();
    return {
      submissions: this.submissions,
      reservationsPeak: this.reservationsPeak,
      gpuvaPeak: this.bindsPeak,
      pteWrites: this.pteWrites,
      pdeWrites: this.pdeWrites,
      pageTablesCreated: this.pt.created,
      remaps: this.remaps,
      nullAccesses: this.nullAccesses,
      nullBinds: this.nullBinds,
      flaggedBinds: this.flaggedBinds,
      honouredNull: this.honouredNull,
      honouredCompressed: this.honouredCompressed,
      honouredReadonly: this.honouredReadonly,
      honouredAliased: this.honouredAliased,
      honouredPageSize: this.honouredPageSize,
      pageSizeFallbacks: this.pageSizeFallbacks,
      readonlyViolations: this.readonlyViolations,
    };
  }

  // ---- submissions ---------------------------------------------------------------------------------------

  /** One bind submission ends: its sync cost, and one TLB invalidation if it unbound anything. */
  /** Open a submission at trace time `tNs` unless one is open (`beforeRow` closed it when this row starts another). */
  private joinSubmission(tNs: number): void {
    if (this.subOpen) return;
    this.subOpen = true;
    this.subTNs = tNs;
    this.subUnbinds = 0;
  }

  private endSubmission(): void {
    this.subOpen = false;
    this.submissions++;
    const clock = this.env.clock;
    clock.charge(Cause.map, this.env.platform.device.map.submitNs);
    if (this.subUnbinds > 0) {
      this.env.counters.tlbInvalidations++;
      clock.charge(Cause.invalidate, this.c.invalidateNs);
    }
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
    const had = this.binds.overlapping(r.start, r.end).length > 0;
    if (had) {
      this.subOpen = true;
      this.subUnbinds = 0;
      this.unbindRange(r.start, r.end);
      this.endSubmission();
    }
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
    this.subOpen = true;
    this.subUnbinds = 0;
    this.bind(va, bytes, 0, 0, NaN);
    this.endSubmission();
  }

  free(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const id = this.allocs.removeAt(va);
    if (id < 0) return this.rep.badFree(b.tNs[i]!, b.agent[i]!, Op.free, va);
    const flags = this.allocs.flags[id]!;
    const bytes = this.allocs.bytes[id]!;
    if (this.allocs.resource[id]! !== 0) this.resourceAlloc.delete(this.allocs.resource[id]!);
    if (!(flags & BO_KINDS)) return;
    this.deviceBytes -= Math.ceil(bytes / MiB2) * MiB2;
    if (this.binds.overlapping(va, va + bytes).length > 0 && this.allocs.resource[id]! === 0) {
      this.subOpen = true;
      this.subUnbinds = 0;
      this.unbindRange(va, va + bytes);
      this.endSubmission();
    }
  }

  // ---- bind / unbind -----------------------------------------------------------------------------------

  map(b: EventBatch, i: number): void {
    this.joinSubmission(b.tNs[i]!);
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    if (Number.isNaN(va) || !(bytes > 0)) return this.rep.faultError(b.tNs[i]!, b.agent[i]!, va, 'map without address or size');
    const end = va + bytes;
    if (!this.insideReservation(va, end) && this.allocs.find(va) < 0) {
      return this.rep.faultError(b.tNs[i]!, b.agent[i]!, va, 'map outside every reservation');
    }
    // binding over live binds replaces them (drm_gpuvm REMAP/UNMAP ops)
    if (this.binds.overlapping(va, end).length > 0) this.unbindRange(va, end);
    this.bind(va, bytes, b.resource[i]!, b.flags[i]!, b.pageBytes[i]!);
  }

  private insideReservation(va: number, end: number): boolean {
    const r = this.reservations.find(va);
    return r !== undefined && end <= r.end;
  }

  /**
   * Write a bind: PTEs at the chosen page size (the row's `page_bytes` if the device supports it and the range
   * is aligned to it, else the largest supported size that is), directory entries for new tables.
   */
  private bind(va: number, bytes: number, resource: number, flags: number, pageBytes: number): void {
    const clock = this.env.clock;
    const cn = this.env.counters;
    const isNull = (flags & Flag.null) !== 0;
    const aliased = (flags & Flag.aliased) !== 0 || (resource !== 0 && (this.liveResources.get(resource) ?? 0) > 0);
    const odd = !Number.isNaN(pageBytes) && pageBytes !== 4096 && pageBytes !== MiB2;
    if (isNull) this.honouredNull++;
    if (flags & Flag.compressed) this.honouredCompressed++;
    if (flags & Flag.readonly) this.honouredReadonly++;
    if (aliased) this.honouredAliased++;
    if (odd) this.honouredPageSize++;
    if (isNull || (flags & (Flag.compressed | Flag.readonly)) !== 0 || aliased || odd) this.flaggedBinds++;
    if (isNull) this.nullBinds++;
    const size = this.choosePageSize(va, bytes, pageBytes);
    const pages = Math.ceil(bytes / size);
    const pdes = this.pt.add(va, size, pages);
    this.pteWrites += pages;
    this.pdeWrites += pdes;
    cn.mapOps++;
    clock.charge(Cause.map, this.env.platform.device.map.bindNs + (pages + pdes) * this.c.pteNs);
    let id = this.bindIds.take();
    if (id < 0) {
      this.growBinds();
      id = this.bindIds.take();
    }
    this.binds.insert(va, va + bytes, id);
    this.bResource[id] = resource;
    this.bFlags[id] = flags;
    this.bPage[id] = size;
    if (this.binds.size > this.bindsPeak) this.bindsPeak = this.binds.size;
    if (resource !== 0) this.liveResources.set(resource, (this.liveResources.get(resource) ?? 0) + 1);
  }

  private choosePageSize(va: number, bytes: number, requested: number): number {
    const sizes = this.pageSizes;
    const want = Number.isNaN(requested) ? sizes[0]! : requested;
    if (sizes.includes(want) && va % want === 0 && bytes % want === 0) return want;
    if (!Number.isNaN(requested)) this.pageSizeFallbacks++;
    for (let k = sizes.length - 1; k >= 0; k--) {
      const s = sizes[k]!;
      if (s <= want && va % s === 0 && bytes % s === 0) return s;
    }
    return sizes[0]!;
  }

  unmap(b: EventBatch, i: number): void {
    this.joinSubmission(b.tNs[i]!);
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    if (Number.isNaN(va) || !(bytes > 0)) return this.rep.faultError(b.tNs[i]!, b.agent[i]!, va, 'unmap without address or size');
    if (this.binds.overlapping(va, va + bytes).length === 0) return this.rep.badFree(b.tNs[i]!, b.agent[i]!, Op.unmap, va);
    this.unbindRange(va, va + bytes);
  }

  /** Unbind everything bound in `[va, end)`: partial overlaps are split (REMAP), the rest unmapped. */
  private unbindRange(va: number, end: number): void {
    const clock = this.env.clock;
    const cn = this.env.counters;
    for (const it of this.binds.overlapping(va, end)) {
      const id = it.value;
      const size = this.bPage[id]!;
      const a = Math.max(va, it.start);
      const e = Math.min(end, it.end);
      const pages = Math.ceil((e - a) / size);
      const pdes = this.pt.remove(a, size, pages);
      this.pteWrites += pages;
      this.pdeWrites += pdes;
      cn.unmapOps++;
      this.subUnbinds++;
      clock.charge(Cause.map, this.env.platform.device.map.unbindNs + (pages + pdes) * this.c.pteNs);
      this.binds.remove(it.start);
      const res = this.bResource[id]!;
      const left = it.start < a;
      const right = it.end > e;
      if (left || right) this.remaps++; // drm_gpuvm REMAP: the kept parts stay bound with the same attributes
      if (left) this.binds.insert(it.start, a, id);
      if (right) this.binds.insert(e, it.end, left ? this.cloneBind(id) : id);
      if (!left && !right) {
        this.bindIds.give(id);
        if (res !== 0) this.liveResources.set(res, (this.liveResources.get(res) ?? 1) - 1);
      } else if (left && right && res !== 0) this.liveResources.set(res, (this.liveResources.get(res) ?? 0) + 1);
    }
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
    this.bindIds.ensure(n);
  }
}
