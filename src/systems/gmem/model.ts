import { gmemMessages } from '../../log/messages/gmem';
import { deviceCopyNs, remoteAccessNs, unitCosts, type UnitCosts } from '../../model/cost';
import { FramePool, WIRED } from '../../model/frame-pool';
import { IntervalSet, type Interval } from '../../model/interval-set';
import { LogicalTable, UnitBit, UnitState } from '../../model/logical-table';
import { VmaSet } from '../../model/vma';
import { evictionPolicy } from '../../policies/index';
import { TouchReason, type EvictionPolicy } from '../../policies/types';
import { Cause, type CauseCode } from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import { Access, ADVICE_NAMES, Advice, agentName, CPU, Flag, NO_AGENT } from '../../trace/event';
import { roundDown, roundUp } from '../../units';
import type { SystemEnv, SystemModel } from '../../sim/system';
import { GmemExtra } from './extra';
import { PageTableCharge } from './page-tables';
import type { GmemParams } from './params';
import { PREFETCH_GRANULE_BYTES, prefetchItems } from './prefetch-plan';

/** Allocation kinds as GMEM sees them (cli.md §6). */
const KIND_GMEM = 1; // managed, peer_shared: GMEM-managed demand paging
const KIND_DEVICE = 2; // device: resident from alloc, pinned
const KIND_HOST = 3; // host, pinned_host: stays on the CPU; device accesses are remote

/** VMA tags. */
const TAG_NONE = 0; // PROT_NONE reservation
const TAG_PEER = 1;
const TAG_DEVICE = 2;
const TAG_HOST = 3;

const MODE_EXCLUSIVE = 0;
const MODE_SHARE = 1;
const MODE_REPLICATE = 2;

/** OE `GMEM_MMAP_RETRY_TIMES`: placement attempts before a peer-shared mmap fails with NOMEM. */
const GMEM_MMAP_RETRY_TIMES = 10;

const CAUSES = 8;
// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths read local copies.
const C_FAULT = Cause.fault;
const C_TRANSFER = Cause.transfer;
const C_EVICT = Cause.evict;
const C_INVALIDATE = Cause.invalidate;
const C_MAP = Cause.map;
const C_REMOTE = Cause.remote;
const AGENT_CPU = CPU;
const ACC_WRITE = Access.w | Access.atomic;
const TOUCH_ACCESS = TouchReason.access;
const { NOMAP, CPU: ST_CPU, DEVICE } = UnitState;
const { PTE, WILLNEED, PINNED, DIRTY, COW, READONLY, MIGRATING } = UnitBit;

interface AllocInfo {
  readonly kind: number;
  readonly peer: boolean;
  /** Created by a `map` op (§11) rather than `alloc`. */
  readonly mapping: boolean;
  readonly resource: number;
  /** Home device index of a `device` allocation. */
  readonly home: number;
}

/**
 * The GMEM model (gmem-model.md §1–§7, §10–§11): one address space (`gm_as`) with one context per device
 * (`gm_context`, all in the run's MMU mode), a logical page table per migration unit, a frame pool and a
 * victim policy per device, host DRAM as the swap backup with its own capacity.
 *
 * Every cost is a term of `UnitCosts` (from the resolved profile). Time goes to causes: fault service and
 * zero-fills → fault; link transfers on fault paths → transfer; eviction (write-back and unmap) → evict;
 * CPU shootdowns and device TLB invalidations charged on their own → invalidate; peer_map/peer_unmap, DMA
 * map/unmap, mmap/munmap/mprotect, peer VA calls → map; SHARE/REPLICATE remote accesses → remote.
 */
export class GmemModel implements SystemModel {
  private readonly U: number;
  /** 1 / unitBytes (exact: unitBytes is a power of two), so unit numbers need no division. */
  private readonly invU: number;
  private readonly clock: SystemEnv['clock'];
  private readonly cn: SystemEnv['counters'];
  private readonly c: UnitCosts;
  private readonly nDev: number;
  private readonly mode: number;
  private readonly t = new LogicalTable(1024);
  private readonly pools: FramePool[] = [];
  private readonly policies: EvictionPolicy[] = [];
  private readonly pts: PageTableCharge[] = [];
  private readonly wiredFrames: number[][] = [];
  private readonly resident: Int32Array;
  private readonly allocs = new IntervalSet<AllocInfo>();
  private readonly reservations = new IntervalSet<number>();
  private readonly vmas = new VmaSet();
  private readonly liveResources = new Map<number, number>();
  private readonly hostCap: number;
  private readonly isPeer: boolean;
  private readonly x = new GmemExtra();
  private readonly where: { file: string };
  private hostUnits = 0;
  /** Host pages kept by the forked child (COW breaks, discarded COW units). */
  private childUnits = 0;
  private peerVaUsed = 0;
  // conservation bookkeeping (checkInvariants)
  private dataUnits = 0;
  private devIn = 0;
  private devOut = 0;
  // range-operation context
  private rangePtes = 0;
  private readonly rangeDev: Int32Array;
  // prefetch timing context
  private inPrefetch = false;
  private item = 0;
  private readonly linkAcc = new Float64Array(CAUSES);
  private itemAcc: Float64Array;
  private readonly migrating: number[] = [];

  constructor(
    private readonly p: Readonly<GmemParams>,
    private readonly env: SystemEnv,
  ) {
    const plat = env.platform;
    this.U = p.unitBytes;
    this.invU = 1 / p.unitBytes;
    this.clock = env.clock;
    this.cn = env.counters;
    this.c = unitCosts(plat, this.U);
    this.nDev = plat.host.devices;
    this.mode = p.mode === 'share' ? MODE_SHARE : p.mode === 'replicate' ? MODE_REPLICATE : MODE_EXCLUSIVE;
    this.hostCap = Math.floor(plat.host.dramBytes / this.U);
    this.isPeer = plat.device.capability.peer;
    this.resident = new Int32Array(this.nDev);
    this.rangeDev = new Int32Array(this.nDev);
    this.itemAcc = new Float64Array(p.prefetchWorkers * CAUSES);
    this.where = { file: env.traceName };
    const frames = Math.floor(plat.device.memory.capacityBytes / this.U);
    const def = evictionPolicy(p.victim)!;
    for (let d = 0; d < this.nDev; d++) {
      const pool = new FramePool(frames);
      const t = this.t;
      this.pools.push(pool);
      this.policies.push(
        def.create(def.defaults, {
          slots: frames,
          rng: env.rng.fork(),
          isEvictable: (f) => {
            const s = pool.holder[f]!;
            return s >= 0 && (t.bits[s]! & (PINNED | WILLNEED)) === 0;
          },
        }),
      );
      const pt = new PageTableCharge(this.U, p.chargePageTables);
      this.pts.push(pt);
      this.wiredFrames.push([]);
      this.wire(d, pt.framesNeeded);
      // gm_as_attach → pmap_create, once per device context at program start
      this.charge(C_MAP, this.c.pmapCreateNs);
      this.x.pmapCreates++;
    }
  }

  // ---- engine interface -------------------------------------------------------------------------------

  /** GMEM serves every device (one `gm_dev` per agent). */
  readonly allDevices = true;

  deviceAccess(b: EventBatch, i: number): void {
    this.accessRow(b, i);
  }

  cpuAccess(b: EventBatch, i: number): void {
    this.accessRow(b, i);
  }

  alloc(b: EventBatch, i: number): void {
    this.allocRange(b.va[i]!, b.bytes[i]!, b.flags[i]!, b.agent[i]!);
  }

  free(b: EventBatch, i: number): void {
    this.freeRange(b.va[i]!);
  }

  prefetch(b: EventBatch, i: number): void {
    this.prefetchRange(b.va[i]!, b.bytes[i]!, b.target[i]!);
  }

  advise(b: EventBatch, i: number): void {
    this.hmadvise(b.va[i]!, b.bytes[i]!, b.code[i]!, b.target[i]!);
  }

  reserve(b: EventBatch, i: number): void {
    this.reserveRange(b.va[i]!, b.bytes[i]!);
  }

  release(b: EventBatch, i: number): void {
    this.releaseRange(b.va[i]!);
  }

  map(b: EventBatch, i: number): void {
    this.mapRange(b.va[i]!, b.bytes[i]!, b.resource[i]!, b.flags[i]!, b.pageBytes[i]!);
  }

  unmap(b: EventBatch, i: number): void {
    this.unmapRange(b.va[i]!, b.bytes[i]!);
  }

  /** A copy with a destination is a write of its bytes by the target agent; one without is ignored (warning). */
  copy(b: EventBatch, i: number): void {
    if (Number.isNaN(b.va[i]!) || Number.isNaN(b.bytes[i]!) || b.target[i] === NO_AGENT) {
      this.x.copiesIgnored++;
      this.env.log.add(gmemMessages.copyIgnored(this.where));
    } else this.access(b.target[i]!, b.va[i]!, b.bytes[i]!, 2, 1);
  }

  protect(b: EventBatch, i: number): void {
    this.protectRange(b.va[i]!, b.bytes[i]!, b.flags[i]!);
  }

  residentBytes(): number {
    let n = 0;
    for (let d = 0; d < this.nDev; d++) n += this.resident[d]!;
    return n * this.U;
  }

  finish(): Readonly<Record<string, number>> {
    this.x.vmaCount = this.vmas.peak;
    return this.x.toRecord();
  }

  // ---- time -------------------------------------------------------------------------------------------

  /** Charge `ns` to `cause`; inside a prefetch, accumulate per work item (software) or on the link. */
  private charge(cause: CauseCode, ns: number, link = false): void {
    if (!this.inPrefetch) this.clock.charge(cause, ns);
    else if (link) this.linkAcc[cause]! += ns;
    else this.itemAcc[this.item * CAUSES + cause]! += ns;
  }

  // ---- accesses ---------------------------------------------------------------------------------------

  /** An access row (hot path): columns are read here so no float crosses a call boundary (no boxing). */
  private accessRow(b: EventBatch, i: number): void {
    const agent = b.agent[i]!;
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    const end = va + bytes;
    const a = this.allocs.find(va);
    if (a !== undefined && bytes > 0 && end <= a.end && this.mode === MODE_EXCLUSIVE && agent !== AGENT_CPU) {
      const dv = agent - 1;
      const t = this.t;
      const u0 = Math.floor(va * this.invU);
      if (dv < this.nDev && u0 === Math.floor((end - 1) * this.invU)) {
        // one unit, device agent, exclusive mode: the row-3 hit path inline
        const s = t.find(u0);
        if (s >= 0 && t.state[s] === DEVICE && t.owner[s] === dv && t.kind[s] === KIND_GMEM) {
          const bits = t.bits[s]!;
          const write = (b.access[i]! & ACC_WRITE) !== 0;
          if (!write || (bits & READONLY) === 0) {
            if (write) t.bits[s] = bits | DIRTY;
            if (this.p.accessBitsRefresh) this.policies[dv]!.onTouch(t.frame[s]!, this.clock.nowNs, TOUCH_ACCESS);
            return;
          }
        }
      }
    }
    this.access(agent, va, bytes, b.access[i]!, b.count[i]!);
  }

  private access(agent: number, va: number, bytes: number, acc: number, count: number): void {
    const end = va + bytes;
    const a = this.allocs.find(va);
    if (a === undefined || !(bytes > 0) || (end > a.end && !this.allocs.covers(va, end))) {
      this.faultError(agent, va, 'outside every live allocation (unmapped or freed)');
      return;
    }
    const dv = agent - 1;
    if (agent !== AGENT_CPU && dv >= this.nDev) {
      this.faultError(agent, va, `no such device on platform '${this.env.platform.id}'`);
      return;
    }
    const U = this.U;
    const write = (acc & ACC_WRITE) !== 0;
    const u1 = Math.floor((end - 1) * this.invU);
    const t = this.t;
    const fast = this.mode === MODE_EXCLUSIVE && agent !== AGENT_CPU;
    for (let u = Math.floor(va * this.invU); u <= u1; u++) {
      let s = t.find(u);
      if (s < 0) s = this.newUnit(u, a);
      if (fast && t.state[s] === DEVICE && t.owner[s] === dv && t.kind[s] === KIND_GMEM) {
        // row 3 fast path: a hit by the owning device (same as devTouch)
        const bits = t.bits[s]!;
        if (!write) {
          if (this.p.accessBitsRefresh) this.policies[dv]!.onTouch(t.frame[s]!, this.clock.nowNs, TOUCH_ACCESS);
          continue;
        }
        if ((bits & READONLY) === 0) {
          t.bits[s] = bits | DIRTY;
          if (this.p.accessBitsRefresh) this.policies[dv]!.onTouch(t.frame[s]!, this.clock.nowNs, TOUCH_ACCESS);
          continue;
        }
      }
      if (write && (t.bits[s]! & READONLY) !== 0) {
        this.faultError(agent, Math.max(va, u * U), 'write to read-only memory (mprotect)');
        continue;
      }
      if (agent === AGENT_CPU) this.cpuTouch(s, write, u);
      else {
        const portion = Math.min(end, (u + 1) * U) - Math.max(va, u * U);
        this.devTouch(s, dv, write, portion, count, u);
      }
    }
  }

  /** Create the slot of unit `u` (first touch). `a` is an allocation known to contain part of the access. */
  private newUnit(u: number, a: Interval<AllocInfo>): number {
    const lo = u * this.U;
    const hi = lo + this.U;
    const t = this.t;
    const s = t.create(u);
    if (a.start <= lo && hi <= a.end) {
      t.refs[s] = 1;
      t.kind[s] = a.value.kind;
    } else {
      const ov = this.allocs.overlapping(lo, hi);
      t.refs[s] = ov.length;
      t.kind[s] = ov.length > 0 ? ov[0]!.value.kind : a.value.kind;
    }
    return s;
  }

  private cpuTouch(s: number, write: boolean, u: number): void {
    const t = this.t;
    if (t.kind[s] === KIND_DEVICE) {
      this.faultError(CPU, u * this.U, 'CPU access to device-only memory');
      return;
    }
    const st = t.state[s]!;
    let faulted = false;
    if (st === ST_CPU) {
      if ((t.bits[s]! & PTE) === 0) {
        // row 6: evicted data is still in host memory; re-install the PTE
        this.cn.cpuFaults++;
        this.charge(C_FAULT, this.c.cpuFaultNs);
        t.bits[s]! |= PTE;
        if (this.mode === MODE_REPLICATE) this.replicaInstall();
        faulted = true;
      }
    } else if (st === NOMAP) {
      // row 5: host zero-fill
      this.cn.cpuFaults++;
      if (!this.hostZeroFill(s, CPU, u, this.c.cpuFaultNs, 'no host memory for a CPU zero-fill')) return;
      faulted = true;
    } else {
      // row 7: migrate back from the device
      this.cn.cpuFaults++;
      if (!this.hostReserve()) {
        this.oom('host', CPU, u, 'no host memory to migrate a device unit back');
        return;
      }
      this.charge(C_FAULT, this.c.cpuFaultNs);
      this.peerUnmapCopy(s, C_MAP);
      t.state[s] = ST_CPU;
      t.bits[s] = (t.bits[s]! | PTE) & ~MIGRATING;
      faulted = true;
    }
    if (write) {
      if ((t.bits[s]! & COW) !== 0) {
        // copy-on-write break: the child keeps the old page, the parent gets a private copy
        if (!this.hostReserve()) {
          this.oom('host', CPU, u, 'no host memory for a copy-on-write copy');
          return;
        }
        this.childUnits++;
        this.x.cowFaults++;
        this.charge(C_FAULT, (faulted ? 0 : this.c.cpuFaultNs) + this.c.hostZeroFillNs);
        t.bits[s]! &= ~COW;
      }
      t.bits[s]! |= DIRTY;
    }
  }

  private devTouch(s: number, dv: number, write: boolean, portion: number, count: number, u: number): void {
    const t = this.t;
    const kind = t.kind[s]!;
    if (kind === KIND_DEVICE) {
      if (t.state[s] === DEVICE && t.owner[s] !== dv) this.remote(count, portion, write); // peer access
      return;
    }
    if (kind === KIND_HOST || this.mode !== MODE_EXCLUSIVE) {
      this.sharedTouch(s, dv, write, portion, count, u);
      return;
    }
    const st = t.state[s]!;
    if (st === DEVICE && t.owner[s] === dv) {
      // row 3: a hit
      if (write) t.bits[s]! |= DIRTY;
      if (this.p.accessBitsRefresh) this.policies[dv]!.onTouch(t.frame[s]!, this.clock.nowNs, TOUCH_ACCESS);
      return;
    }
    this.cn.deviceFaults++;
    let ok: boolean;
    if (st === DEVICE) ok = this.crossDevice(s, dv, u, false);
    else if (st === ST_CPU) ok = this.toDeviceFromCpu(s, dv, u, false);
    else ok = this.toDeviceFromNomap(s, dv, u, false);
    if (ok && write) t.bits[s]! |= DIRTY;
  }

  /** SHARE / REPLICATE contexts and host allocations (decision D): data stays in host memory. */
  private sharedTouch(s: number, dv: number, write: boolean, portion: number, count: number, u: number): void {
    const t = this.t;
    const st = t.state[s]!;
    if (st === NOMAP) {
      // the device touch is resolved by the CPU fault path (row 5) first
      this.cn.deviceFaults++;
      if (!this.hostZeroFill(s, dv + 1, u, this.c.faultServiceNs, 'no host memory for a zero-fill')) return;
    } else if (st === ST_CPU && (t.bits[s]! & PTE) === 0) {
      this.cn.deviceFaults++;
      this.charge(C_FAULT, this.c.faultServiceNs);
      t.bits[s]! |= PTE;
      if (this.mode === MODE_REPLICATE) this.replicaInstall();
    } else if (st === DEVICE && t.owner[s] === dv) return;
    if (write && (t.bits[s]! & COW) !== 0) {
      if (!this.cowRoundTrip(s, dv, u)) return;
    }
    if (write) t.bits[s]! |= DIRTY;
    this.remote(count, portion, write);
  }

  /**
   * Row 5, NOMAP → CPU: reserve a host unit, charge `faultNs` (the faulting side's fault service) plus the
   * host zero-fill, install the CPU PTE. Returns false, after reporting an OOM for `agent` with `reason`,
   * when host memory is exhausted (the unit stays NOMAP).
   */
  private hostZeroFill(s: number, agent: number, u: number, faultNs: number, reason: string): boolean {
    if (!this.hostReserve()) {
      this.oom('host', agent, u, reason);
      return false;
    }
    this.charge(C_FAULT, faultNs + this.c.hostZeroFillNs);
    this.cn.zeroFills++;
    this.dataUnits++;
    this.t.state[s] = ST_CPU;
    this.t.bits[s]! |= PTE;
    if (this.mode === MODE_REPLICATE) this.replicaInstall();
    return true;
  }

  private remote(count: number, portion: number, write: boolean): void {
    this.cn.remoteAccesses += count;
    this.charge(C_REMOTE, count * remoteAccessNs(this.c, portion, write));
  }

  /** A device access to a copy-on-write unit: a CPU fault breaks the sharing first (the CPU round trip). */
  private cowRoundTrip(s: number, dv: number, u: number): boolean {
    if (!this.hostReserve()) {
      this.oom('host', dv + 1, u, 'no host memory for a copy-on-write copy');
      return false;
    }
    this.childUnits++;
    this.x.cowDeviceRoundTrips++;
    this.charge(C_FAULT, this.c.cpuFaultNs + this.c.hostZeroFillNs);
    this.t.bits[s]! &= ~COW;
    return true;
  }

  // ---- state-table rows (device side) -----------------------------------------------------------------

  /** Row 1: NOMAP → DEVICE(dv), device zero-fill. */
  private toDeviceFromNomap(s: number, dv: number, u: number, prefetch: boolean): boolean {
    const f = this.frameFor(dv, s, u);
    if (f < 0) return false;
    if (!prefetch) this.charge(C_FAULT, this.c.faultServiceNs);
    this.charge(C_MAP, this.c.peerMapNs);
    this.charge(C_FAULT, this.c.deviceZeroFillNs);
    this.cn.zeroFills++;
    this.cn.mapOps++;
    this.dataUnits++;
    this.install(s, dv, f, u);
    return true;
  }

  /** Row 2 (and the second leg of row 4, and row 10's retry): CPU → DEVICE(dv), H2D one unit. */
  private toDeviceFromCpu(s: number, dv: number, u: number, prefetch: boolean): boolean {
    const t = this.t;
    const c = this.c;
    if ((t.bits[s]! & MIGRATING) !== 0) {
      // row 10: the unit's eviction write-back is in flight (GM_RET_MIGRATING): set WILLNEED, wait, retry
      t.bits[s]! |= WILLNEED;
      this.x.migratingRetries++;
    }
    if ((t.bits[s]! & COW) !== 0 && !this.cowRoundTrip(s, dv, u)) return false;
    const f = this.frameFor(dv, s, u);
    if (f < 0) return false;
    if (!prefetch) this.charge(C_FAULT, c.faultServiceNs);
    if ((t.bits[s]! & PTE) !== 0) {
      this.charge(C_INVALIDATE, c.tlbShootdownNs);
      this.x.cpuShootdowns++;
    }
    this.charge(C_MAP, c.dmaMapNs + c.peerMapNs + c.dmaUnmapNs);
    this.charge(C_TRANSFER, c.h2dNs, true);
    if (this.p.peerMapFailRate > 0 && this.env.rng.next() < this.p.peerMapFailRate) {
      // row 13: peer_map failed after the CPU PTE was zapped: the data is lost
      this.pools[dv]!.release(f);
      t.state[s] = NOMAP;
      t.bits[s]! &= READONLY;
      this.hostRelease(s);
      this.dataUnits--;
      this.x.dataLoss++;
      this.cn.errorEvents++;
      this.env.events.add('data-loss', this.clock.nowNs, dv + 1, u * this.U, 'peer_map failed after the CPU PTE was zapped');
      this.env.log.add(gmemMessages.dataLoss(this.where, u * this.U));
      return false;
    }
    this.hostRelease(s);
    const cn = this.cn;
    cn.migrationsH2D++;
    cn.bytesH2D += this.U;
    cn.mapOps++;
    if (prefetch) cn.prefetchedBytes += this.U;
    t.bits[s]! &= ~(PTE | MIGRATING);
    this.install(s, dv, f, u);
    return true;
  }

  /** Row 4: a device fault on a unit owned by another device (decision B). */
  private crossDevice(s: number, dv: number, u: number, prefetch: boolean): boolean {
    const t = this.t;
    if (this.p.crossDevice === 'rfc-noop') {
      // RFC: gm_dev_fault returns success and maps nothing; the access is not served
      this.x.crossDeviceNoop++;
      if (!prefetch) this.charge(C_FAULT, this.c.faultServiceNs);
      this.env.events.add('cross-device', this.clock.nowNs, dv + 1, u * this.U, `rfc-noop: owned by dev${t.owner[s]}`);
      return false;
    }
    if (!this.hostReserve()) {
      this.oom('host', dv + 1, u, 'no host memory to stage a cross-device migration');
      return false;
    }
    this.peerUnmapCopy(s, C_MAP);
    t.state[s] = ST_CPU;
    t.bits[s]! &= ~PTE;
    this.x.crossDeviceMigrations++;
    this.env.events.add('cross-device', this.clock.nowNs, dv + 1, u * this.U, 'migrated via host');
    return this.toDeviceFromCpu(s, dv, u, prefetch);
  }

  /** Map slot `s` on device `dv` in frame `f` (the frame is already taken for `s`). */
  private install(s: number, dv: number, f: number, u: number): void {
    const t = this.t;
    t.state[s] = DEVICE;
    t.owner[s] = dv;
    t.frame[s] = f;
    this.pts[dv]!.map(u);
    this.resident[dv]!++;
    this.devIn++;
    this.policies[dv]!.onInsert(f, this.clock.nowNs);
  }

  /** Unmap slot `s` from its device (frame, policy, page tables); state is left to the caller. */
  private detach(s: number): void {
    const t = this.t;
    const dv = t.owner[s]!;
    const f = t.frame[s]!;
    this.policies[dv]!.onRemove(f);
    this.pools[dv]!.release(f);
    t.frame[s] = -1;
    this.resident[dv]!--;
    this.devOut++;
    const pt = this.pts[dv]!;
    pt.unmap(t.key[s]!);
    if (pt.framesHeld > pt.framesNeeded) this.unwire(dv, pt.framesHeld - pt.framesNeeded);
  }

  /** peer_unmap(copy=true): dmaMap + D2H + peerUnmap (one device TLB invalidation) + dmaUnmap. */
  private peerUnmapCopy(s: number, swCause: CauseCode): void {
    const c = this.c;
    const cn = this.cn;
    this.charge(swCause, c.dmaMapNs + c.peerUnmapNs + c.dmaUnmapNs);
    this.charge(swCause === C_EVICT ? C_EVICT : C_TRANSFER, c.d2hNs, true);
    cn.migrationsD2H++;
    cn.bytesD2H += this.U;
    cn.unmapOps++;
    cn.tlbInvalidations++;
    this.detach(s);
  }

  // ---- frames and eviction ----------------------------------------------------------------------------

  /**
   * A free frame of device `dv` for slot `s` (unit `u`), evicting victims as needed (row 8), including the
   * page-table frames mapping `u` needs. -1 (with an `oom` event) when no evictable victim remains or host
   * memory cannot take the victim.
   */
  private frameFor(dv: number, s: number, u: number): number {
    const pool = this.pools[dv]!;
    const pt = this.pts[dv]!;
    for (;;) {
      const need = 1 + pt.extraFramesToMap(u);
      if (pool.free >= need) break;
      const v = this.policies[dv]!.victim(this.clock.nowNs);
      if (v < 0) {
        this.oom('device', dv + 1, u, 'no free frame and no evictable unit');
        return -1;
      }
      if (!this.evict(dv, v, u)) return -1;
    }
    const extra = pt.extraFramesToMap(u);
    if (extra > 0) this.wire(dv, extra);
    return pool.alloc(s);
  }

  /** Row 8: evict the unit in frame `f` of device `dv` to host memory (no CPU PTE). */
  private evict(dv: number, f: number, forUnit: number): boolean {
    const t = this.t;
    const s = this.pools[dv]!.holder[f]!;
    if (s < 0 || (t.bits[s]! & (PINNED | WILLNEED)) !== 0) {
      throw new Error(`internal: eviction policy '${this.p.victim}' chose frame ${f} holding ${s < 0 ? 'no unit' : 'a pinned/WILLNEED unit'}`);
    }
    if (!this.hostReserve()) {
      this.oom('host', dv + 1, forUnit, 'no host memory to take an evicted unit');
      return false;
    }
    this.cn.evictions++;
    this.peerUnmapCopy(s, C_EVICT);
    t.state[s] = ST_CPU;
    t.bits[s]! &= ~PTE;
    if (this.inPrefetch) {
      t.bits[s]! |= MIGRATING;
      this.migrating.push(s);
    }
    return true;
  }

  private wire(dv: number, n: number): void {
    const pool = this.pools[dv]!;
    const pt = this.pts[dv]!;
    const list = this.wiredFrames[dv]!;
    for (let i = 0; i < n; i++) {
      const f = pool.alloc(WIRED);
      if (f < 0) break;
      list.push(f);
      pt.framesHeld++;
    }
    let total = 0;
    for (const p of this.pts) total += p.framesHeld;
    if (total > this.x.pageTableFramesPeak) this.x.pageTableFramesPeak = total;
  }

  private unwire(dv: number, n: number): void {
    const list = this.wiredFrames[dv]!;
    for (let i = 0; i < n && list.length > 0; i++) {
      this.pools[dv]!.release(list.pop()!);
      this.pts[dv]!.framesHeld--;
    }
  }

  // ---- host memory ------------------------------------------------------------------------------------

  private hostReserve(): boolean {
    if (this.hostUnits >= this.hostCap) return false;
    this.hostUnits++;
    const b = this.hostUnits * this.U;
    if (b > this.x.hostPeakBytes) this.x.hostPeakBytes = b;
    return true;
  }

  /** The unit's host page leaves; a COW-shared page stays with the forked child. */
  private hostRelease(s: number): void {
    if ((this.t.bits[s]! & COW) !== 0) {
      this.childUnits++;
      this.t.bits[s]! &= ~COW;
    } else this.hostUnits--;
  }

  private replicaInstall(): void {
    this.x.replicaInstalls += this.nDev;
    this.cn.mapOps += this.nDev;
    this.charge(C_MAP, this.nDev * this.c.peerMapNs);
  }

  // ---- outcomes ---------------------------------------------------------------------------------------

  private faultError(agent: number, va: number, reason: string): void {
    this.cn.errorEvents++;
    this.env.events.add('fault-error', this.clock.nowNs, agent, va, reason);
    this.env.log.add(gmemMessages.faultError(this.where, agentName(agent), va, reason));
  }

  private oom(where: 'device' | 'host', agent: number, u: number, reason: string): void {
    const va = u * this.U;
    this.cn.oomEvents++;
    this.env.events.add('oom', this.clock.nowNs, agent, va, `${where}: ${reason}`);
    this.env.log.add(gmemMessages.oom(this.where, where, agentName(agent), va, reason));
  }

  private hmadviseError(what: string, va: number, reason: string): void {
    this.cn.errorEvents++;
    this.env.events.add('hmadvise-error', this.clock.nowNs, CPU, va, reason);
    this.env.log.add(gmemMessages.hmadviseError(this.where, what, va, reason));
  }

  private allocError(op: string, va: number, reason: string): void {
    this.cn.errorEvents++;
    this.env.events.add('alloc-error', this.clock.nowNs, CPU, va, reason);
    this.env.log.add(gmemMessages.allocError(this.where, op, va, reason));
  }

  // ---- range operations -------------------------------------------------------------------------------

  /**
   * Discard slot `s` (DONTNEED, free, munmap): DEVICE → peer_unmap(copy=false); CPU → host page freed, PTE
   * zapped (shootdown batched per range op). The slot becomes NOMAP.
   */
  private discard(s: number): void {
    const t = this.t;
    const st = t.state[s]!;
    if (st === DEVICE) {
      const dv = t.owner[s]!;
      const c = this.c;
      if (this.p.invalidation === 'per-unit') {
        this.charge(C_MAP, c.peerUnmapNs);
        this.cn.tlbInvalidations++;
      } else {
        this.charge(C_MAP, Math.max(0, c.peerUnmapNs - c.invalidateNs));
        this.rangeDev[dv]!++;
      }
      this.cn.unmapOps++;
      this.detach(s);
      this.dataUnits--;
    } else if (st === ST_CPU) {
      if ((t.bits[s]! & PTE) !== 0) this.rangePtes++;
      this.hostRelease(s);
      this.dataUnits--;
    }
    t.state[s] = NOMAP;
    t.bits[s]! &= READONLY;
  }

  /** Close a range operation: one CPU shootdown if PTEs were zapped (plus replica / shared-table fan-out), and coalesced device flushes. */
  private endRangeOp(): void {
    const c = this.c;
    if (this.rangePtes > 0) {
      this.charge(C_INVALIDATE, c.tlbShootdownNs);
      this.x.cpuShootdowns++;
      this.fanOutCpuZap(this.rangePtes);
      this.rangePtes = 0;
    }
    for (let d = 0; d < this.nDev; d++) {
      if (this.rangeDev[d]! > 0) {
        this.charge(C_INVALIDATE, c.invalidateAllNs);
        this.cn.tlbInvalidations++;
        this.rangeDev[d] = 0;
      }
    }
  }

  /** CPU-side zap of `ptes` units: REPLICATE invalidates each replica; SHARE flushes each device (shared table). */
  private fanOutCpuZap(ptes: number): void {
    if (this.mode === MODE_REPLICATE) {
      const n = this.p.invalidation === 'per-unit' ? ptes * this.nDev : this.nDev;
      this.x.replicaInvalidations += n;
      this.cn.tlbInvalidations += n;
      this.charge(C_INVALIDATE, n * (this.p.invalidation === 'per-unit' ? this.c.invalidateNs : this.c.invalidateAllNs));
    } else if (this.mode === MODE_SHARE) {
      this.cn.tlbInvalidations += this.nDev;
      this.charge(C_INVALIDATE, this.nDev * this.c.invalidateNs);
    }
  }

  /** Visit every existing slot of units fully inside `[lo, hi)` (scans the table when that is cheaper). */
  private forUnitsIn(lo: number, hi: number, fn: (s: number) => void): void {
    const U = this.U;
    const u0 = Math.ceil(lo / U);
    const u1 = Math.floor(hi / U); // exclusive
    if (u1 <= u0) return;
    const t = this.t;
    if (u1 - u0 > 4 * t.size + 64) {
      const found: number[] = [];
      for (let s = 0; s < t.highWater; s++) {
        const k = t.key[s]!;
        if (k >= u0 && k < u1) found.push(s);
      }
      found.sort((a, b) => t.key[a]! - t.key[b]!);
      for (const s of found) fn(s);
      return;
    }
    for (let u = u0; u < u1; u++) {
      const s = t.find(u);
      if (s >= 0) fn(s);
    }
  }

  /** Drop allocation `it`'s reference from the units overlapping `[lo, hi)` (a part of it); remove units left with none. */
  private dropUnits(lo: number, hi: number): void {
    const U = this.U;
    const t = this.t;
    // units overlapping [lo, hi), including partial edge units
    const visit = (s: number): void => {
      if (--t.refs[s]! === 0) {
        this.discard(s);
        t.remove(s);
      }
    };
    this.forUnitsIn(Math.floor(lo / U) * U, Math.ceil(hi / U) * U, visit);
    this.endRangeOp();
  }

  // ---- alloc / free -----------------------------------------------------------------------------------

  private allocRange(va: number, bytes: number, flags: number, agent: number): void {
    if (Number.isNaN(va) || !(bytes > 0)) {
      this.allocError('alloc', va, 'no address or size');
      return;
    }
    const kindBits = flags & (Flag.managed | Flag.peer_shared | Flag.device | Flag.host | Flag.pinned_host);
    const kind = kindBits & (Flag.managed | Flag.peer_shared) ? KIND_GMEM : kindBits & Flag.device ? KIND_DEVICE : kindBits ? KIND_HOST : 0;
    if (kind === 0) {
      this.allocError('alloc', va, 'no allocation kind');
      return;
    }
    const peer = (flags & Flag.peer_shared) !== 0;
    const home = agent !== CPU && agent - 1 < this.nDev ? agent - 1 : 0;
    this.addRange(va, va + bytes, { kind, peer, mapping: false, resource: 0, home }, 'alloc');
  }

  /** Register a new allocation (alloc or map): overlap check, peer VA, VMA, unit refs, device residency. */
  private addRange(start: number, end: number, info: AllocInfo, op: string): Interval<AllocInfo> | undefined {
    if (this.allocs.overlapping(start, end).length > 0) {
      this.allocError(op, start, 'overlaps a live allocation');
      return undefined;
    }
    if (info.peer && this.isPeer && !this.peerVaAlloc(start, end - start, op)) return undefined;
    // units already shared with a neighbouring allocation gain a reference
    const U = this.U;
    const t = this.t;
    const u0 = Math.floor(start / U);
    const u1 = Math.floor((end - 1) / U);
    const s0 = t.find(u0);
    if (s0 >= 0) t.refs[s0]!++;
    if (u1 !== u0) {
      const s1 = t.find(u1);
      if (s1 >= 0) t.refs[s1]!++;
    }
    this.allocs.insert(start, end, info);
    const it = this.allocs.at(start)!;
    const ch = this.vmas.mmap(start, end, info.kind === KIND_DEVICE ? TAG_DEVICE : info.kind === KIND_HOST ? TAG_HOST : TAG_PEER);
    this.vmaSplitsPending = ch.splits + ch.merges;
    if (info.kind === KIND_DEVICE && !this.placeDevice(it)) return undefined;
    return it;
  }

  /** A `device` allocation is resident (and pinned) on its home device from `alloc`. */
  private placeDevice(it: Interval<AllocInfo>): boolean {
    const t = this.t;
    const dv = it.value.home;
    const u1 = Math.floor((it.end - 1) / this.U);
    for (let u = Math.floor(it.start / this.U); u <= u1; u++) {
      let s = t.find(u);
      if (s < 0) s = this.newUnit(u, it);
      if (t.state[s] !== NOMAP) continue;
      const f = this.frameFor(dv, s, u);
      if (f < 0) {
        this.rollbackDevice(it);
        return false;
      }
      t.bits[s]! |= PINNED;
      this.dataUnits++;
      this.install(s, dv, f, u);
    }
    return true;
  }

  /** peer_va_alloc_fixed on every attached PEER device; NOMEM when `peerVaBytes` is exhausted. */
  private peerVaAlloc(va: number, bytes: number, op: string): boolean {
    const need = roundUp(bytes, PREFETCH_GRANULE_BYTES);
    if (this.p.peerVaBytes > 0 && this.peerVaUsed + need > this.p.peerVaBytes) {
      this.charge(C_MAP, GMEM_MMAP_RETRY_TIMES * this.c.peerVaAllocNs);
      this.x.peerVaAllocs += GMEM_MMAP_RETRY_TIMES;
      this.allocError(op, va, `peer VA space exhausted after ${GMEM_MMAP_RETRY_TIMES} placement attempts (NOMEM)`);
      return false;
    }
    this.peerVaUsed += need;
    this.charge(C_MAP, this.nDev * this.c.peerVaAllocNs);
    this.x.peerVaAllocs += this.nDev;
    return true;
  }

  private freeRange(va: number): void {
    const it = this.allocs.at(va);
    if (it === undefined || it.value.mapping) {
      this.allocError('free', va, 'not the start of a live allocation');
      return;
    }
    this.removeRange(it);
  }

  /** A `device` allocation that did not fit: undo it without charging anything (it never existed). */
  private rollbackDevice(it: Interval<AllocInfo>): void {
    const t = this.t;
    this.allocs.remove(it.start);
    this.forUnitsIn(Math.floor(it.start / this.U) * this.U, Math.ceil(it.end / this.U) * this.U, (s) => {
      if (--t.refs[s]! > 0) return;
      if (t.state[s] === DEVICE) {
        this.detach(s);
        this.dataUnits--;
      }
      t.state[s] = NOMAP;
      t.remove(s);
    });
    this.vmas.munmap(it.start, it.end);
    if (it.value.peer && this.isPeer) this.peerVaUsed -= roundUp(it.end - it.start, PREFETCH_GRANULE_BYTES);
  }

  /** Remove allocation `it` and its units (row 12). */
  private removeRange(it: Interval<AllocInfo>): void {
    this.allocs.remove(it.start);
    this.dropUnits(it.start, it.end);
    this.vmas.munmap(it.start, it.end);
    const v = it.value;
    if (v.peer && this.isPeer) {
      this.peerVaUsed -= roundUp(it.end - it.start, PREFETCH_GRANULE_BYTES);
      if (this.p.chargePeerVaFree) {
        this.charge(C_MAP, this.nDev * this.c.peerVaFreeNs);
        this.x.peerVaFrees += this.nDev;
      }
    }
    if (v.mapping && v.resource !== 0) this.liveResources.set(v.resource, (this.liveResources.get(v.resource) ?? 1) - 1);
  }

  // ---- hmadvise ---------------------------------------------------------------------------------------

  private hmadvise(va: number, bytes: number, code: number, target: number): void {
    if (code === Advice.dontneed) {
      this.dontneed(va, bytes, target);
      return;
    }
    if (code !== Advice.willneed && code !== Advice.pinned && code !== Advice.unpin) {
      this.x.adviceIgnored++;
      this.env.log.add(gmemMessages.unsupportedAdvice(this.where, ADVICE_NAMES[code] ?? String(code)));
      return;
    }
    const end = va + bytes;
    const ov = Number.isNaN(va) || !(bytes > 0) ? [] : this.allocs.overlapping(va, end);
    if (ov.length === 0) {
      this.hmadviseError(ADVICE_NAMES[code]!, va, 'range outside every live allocation');
      return;
    }
    const t = this.t;
    const U = this.U;
    const now = this.clock.nowNs;
    for (const a of ov) {
      const lo = Math.max(va, a.start);
      const hi = Math.min(end, a.end);
      const u1 = Math.floor((hi - 1) / U);
      for (let u = Math.floor(lo / U); u <= u1; u++) {
        let s = t.find(u);
        if (s < 0) s = this.newUnit(u, a);
        if (code === Advice.unpin) t.bits[s]! &= ~PINNED;
        else if (code === Advice.pinned) t.bits[s]! |= PINNED;
        else {
          t.bits[s]! |= WILLNEED;
          if (t.state[s] === DEVICE) this.policies[t.owner[s]!]!.onTouch(t.frame[s]!, now, TouchReason.willneed);
        }
      }
    }
  }

  /** hmadvise(DONTNEED): round inward to 2 MiB; discard every unit of intersecting GMEM allocations (row 11). */
  private dontneed(va: number, bytes: number, target: number): void {
    if (target !== NO_AGENT && (target === CPU || target - 1 >= this.nDev)) {
      this.hmadviseError('DONTNEED', va, `hnid ${agentName(target)} is not an attached device (use -1)`);
      return;
    }
    const lo = roundUp(va, PREFETCH_GRANULE_BYTES);
    const hi = roundDown(va + bytes, PREFETCH_GRANULE_BYTES);
    if (!(hi > lo)) return;
    for (const a of this.allocs.overlapping(lo, hi)) {
      if (a.value.kind !== KIND_GMEM) continue;
      this.forUnitsIn(Math.max(lo, a.start), Math.min(hi, a.end), (s) => {
        if (this.t.state[s] !== NOMAP) this.x.dontneedUnits++;
        this.discard(s);
      });
    }
    this.endRangeOp();
  }

  /**
   * hmadvise(PREFETCH) to `target` (gmem-model.md §4): round outward to 2 MiB; the range must lie in one
   * GMEM-managed allocation; split into work items on `prefetchWorkers` workers, each doing one MARK_HOT
   * fault per 2 MiB chunk (rows 1, 2, 9; row 10 when a unit evicted by this call is requested again).
   * Synchronous: elapsed = max(link busy time, slowest item's software time), charged by cause of whichever
   * bounds it.
   */
  private prefetchRange(va: number, bytes: number, target: number): void {
    if (target === NO_AGENT || target === CPU || target - 1 >= this.nDev) {
      this.hmadviseError('PREFETCH', va, `hnid ${target === NO_AGENT ? '-1' : agentName(target)} is not an attached device`);
      return;
    }
    if (this.mode !== MODE_EXCLUSIVE) {
      this.x.prefetchIgnored++;
      this.env.log.add(gmemMessages.prefetchIgnored(this.where, this.p.mode));
      return;
    }
    const a = Number.isNaN(va) ? undefined : this.allocs.find(va);
    if (a === undefined || !(bytes > 0) || va + bytes > a.end || a.value.kind !== KIND_GMEM) {
      this.hmadviseError('PREFETCH', va, 'range not inside one peer-shared allocation');
      return;
    }
    const dv = target - 1;
    const U = this.U;
    const s0 = roundDown(va, PREFETCH_GRANULE_BYTES);
    const e0 = roundUp(va + bytes, PREFETCH_GRANULE_BYTES);
    const lo = Math.max(s0, Math.floor(a.start / U) * U);
    const hi = Math.min(e0, Math.ceil(a.end / U) * U);
    const items = prefetchItems(e0 - s0, this.p.prefetchWorkers);
    const chunk = Math.max(PREFETCH_GRANULE_BYTES, U);
    const cursor: number[] = [];
    const ends: number[] = [];
    let x = s0;
    for (const size of items) {
      cursor.push(x);
      ends.push(x + size);
      x += size;
    }
    this.inPrefetch = true;
    this.linkAcc.fill(0);
    this.itemAcc.fill(0);
    for (let active = true; active; ) {
      active = false;
      for (let i = 0; i < items.length; i++) {
        if (cursor[i]! >= ends[i]!) continue;
        active = true;
        this.item = i;
        const cLo = Math.max(cursor[i]!, lo);
        const cHi = Math.min(cursor[i]! + chunk, ends[i]!, hi);
        cursor[i] = Math.min(cursor[i]! + chunk, ends[i]!);
        if (cHi <= cLo) continue;
        this.charge(C_FAULT, this.c.faultServiceNs); // one gm_dev_fault call per chunk
        const u1 = Math.floor((cHi - 1) / U);
        for (let u = Math.floor(cLo / U); u <= u1; u++) this.prefetchUnit(u, dv, a);
      }
    }
    this.inPrefetch = false;
    this.settlePrefetch(items.length);
    for (const s of this.migrating) this.t.bits[s]! &= ~MIGRATING;
    this.migrating.length = 0;
    this.x.prefetchCalls++;
  }

  private prefetchUnit(u: number, dv: number, a: Interval<AllocInfo>): void {
    const t = this.t;
    let s = t.find(u);
    if (s < 0) s = this.newUnit(u, a);
    const st = t.state[s]!;
    if (st === DEVICE && t.owner[s] === dv) {
      // row 9: MARK_HOT re-map refreshes recency
      this.charge(C_MAP, this.c.peerMapNs);
      this.cn.mapOps++;
      this.policies[dv]!.onTouch(t.frame[s]!, this.clock.nowNs, TouchReason.markHot);
    } else if (st === DEVICE) this.crossDevice(s, dv, u, true);
    else if (st === ST_CPU) this.toDeviceFromCpu(s, dv, u, true);
    else this.toDeviceFromNomap(s, dv, u, true);
  }

  /** Charge the prefetch's elapsed time: the link's causes if it is the bound, else the slowest item's. */
  private settlePrefetch(nItems: number): void {
    let link = 0;
    for (let k = 0; k < CAUSES; k++) link += this.linkAcc[k]!;
    let slow = -1;
    let slowNs = -1;
    for (let i = 0; i < nItems; i++) {
      let sw = 0;
      for (let k = 0; k < CAUSES; k++) sw += this.itemAcc[i * CAUSES + k]!;
      if (sw > slowNs) {
        slowNs = sw;
        slow = i;
      }
    }
    const clock = this.clock;
    if (link >= slowNs) for (let k = 0; k < CAUSES; k++) clock.charge(k as CauseCode, this.linkAcc[k]!);
    else for (let k = 0; k < CAUSES; k++) clock.charge(k as CauseCode, this.itemAcc[slow * CAUSES + k]!);
  }

  // ---- game-style binding traces (§11) ----------------------------------------------------------------

  private reserveRange(va: number, bytes: number): void {
    if (Number.isNaN(va) || !(bytes > 0) || !this.reservations.insert(va, va + bytes, 0)) {
      this.allocError('reserve', va, 'overlaps a live reservation or has no size');
      return;
    }
    const ch = this.vmas.mmap(va, va + bytes, TAG_NONE);
    this.charge(C_MAP, this.c.mmapNs + (ch.splits + ch.merges) * this.c.vmaSplitNs);
  }

  private releaseRange(va: number): void {
    const r = this.reservations.remove(va);
    if (r === undefined) {
      this.allocError('release', va, 'not the start of a live reservation');
      return;
    }
    for (const a of this.allocs.overlapping(r.start, r.end)) if (a.value.mapping) this.removeRange(a);
    const ch = this.vmas.munmap(r.start, r.end);
    this.charge(C_MAP, this.c.munmapNs + ch.splits * this.c.vmaSplitNs);
  }

  private mapRange(va: number, bytes: number, resource: number, flags: number, pageBytes: number): void {
    if (Number.isNaN(va) || !(bytes > 0)) {
      this.allocError('map', va, 'no address or size');
      return;
    }
    const end = va + bytes;
    if (this.allocs.overlapping(va, end).length > 0) {
      this.allocError('map', va, 'overlaps a live mapping or allocation (unmap it first)');
      return;
    }
    const it = this.addRange(va, end, { kind: KIND_GMEM, peer: true, mapping: true, resource, home: 0 }, 'map');
    if (it === undefined) return;
    // addRange recorded the VMA change; charge the mmap(MAP_FIXED) with its splits and merges
    this.charge(C_MAP, this.c.mmapNs + this.vmaSplitsPending * this.c.vmaSplitNs);
    this.cn.mapOps++;
    const x = this.x;
    const isNull = (flags & Flag.null) !== 0;
    const aliased = (flags & Flag.aliased) !== 0 || (resource !== 0 && (this.liveResources.get(resource) ?? 0) > 0);
    const odd = !Number.isNaN(pageBytes) && pageBytes !== 4096 && pageBytes !== 2 * 1024 * 1024;
    if (isNull) x.inexpressibleNull++;
    if (flags & Flag.compressed) x.inexpressibleCompressed++;
    if (flags & Flag.readonly) x.inexpressibleReadonly++;
    if (aliased) x.inexpressibleAliased++;
    if (odd) x.inexpressiblePageSize++;
    if (isNull || (flags & (Flag.compressed | Flag.readonly)) !== 0 || aliased || odd) x.inexpressibleBinds++;
    if (!isNull) {
      x.aliasCopies++;
      x.aliasCopyBytes += bytes;
      this.charge(C_TRANSFER, deviceCopyNs(this.c, bytes));
    }
    if (resource !== 0) this.liveResources.set(resource, (this.liveResources.get(resource) ?? 0) + 1);
  }

  /** Splits + merges of the VMA change the last `addRange` made. */
  private vmaSplitsPending = 0;

  private unmapRange(va: number, bytes: number): void {
    if (Number.isNaN(va) || !(bytes > 0)) {
      this.allocError('unmap', va, 'no address or size');
      return;
    }
    const end = va + bytes;
    for (const a of this.allocs.overlapping(va, end)) {
      if (a.start >= va && a.end <= end) {
        this.removeRange(a);
        continue;
      }
      // partial: the allocation keeps the parts outside [va, end)
      this.allocs.remove(a.start);
      if (a.start < va) this.allocs.insert(a.start, va, a.value);
      if (a.end > end) this.allocs.insert(end, a.end, a.value);
      // units overlapping the removed part lose this allocation's reference unless a kept part overlaps them
      const U = this.U;
      const lo = Math.max(va, a.start);
      const hi = Math.min(end, a.end);
      this.forUnitsIn(Math.floor(lo / U) * U, Math.ceil(hi / U) * U, (s) => {
        const u = this.t.key[s]!;
        const keptLeft = a.start < va && u * U < va;
        const keptRight = a.end > end && (u + 1) * U > end;
        if (keptLeft || keptRight) return;
        if (--this.t.refs[s]! === 0) {
          this.discard(s);
          this.t.remove(s);
        }
      });
      this.endRangeOp();
    }
    const ch = this.vmas.munmap(va, end);
    this.charge(C_MAP, this.c.munmapNs + ch.splits * this.c.vmaSplitNs);
  }

  // ---- mprotect / fork --------------------------------------------------------------------------------

  private protectRange(va: number, bytes: number, flags: number): void {
    const ro = (flags & Flag.readonly) !== 0;
    this.charge(C_MAP, this.c.mprotectNs);
    this.x.protectOps++;
    if (Number.isNaN(va) || !(bytes > 0)) return;
    const t = this.t;
    const U = this.U;
    const end = va + bytes;
    let ptes = 0;
    for (const a of this.allocs.overlapping(va, end)) {
      const lo = Math.max(va, a.start);
      const hi = Math.min(end, a.end);
      const u1 = Math.floor((hi - 1) / U);
      for (let u = Math.floor(lo / U); u <= u1; u++) {
        let s = t.find(u);
        if (s < 0) s = this.newUnit(u, a);
        if (!ro) {
          t.bits[s]! &= ~READONLY;
          continue;
        }
        t.bits[s]! |= READONLY;
        if (t.state[s] === ST_CPU && (t.bits[s]! & PTE) !== 0) ptes++;
        else if (t.state[s] === DEVICE) this.rangeDev[t.owner[s]!]!++;
      }
    }
    if (!ro) return;
    if (ptes > 0) {
      this.charge(C_INVALIDATE, this.c.tlbShootdownNs);
      this.x.cpuShootdowns++;
      this.fanOutCpuZap(ptes);
    }
    for (let d = 0; d < this.nDev; d++) {
      const n = this.rangeDev[d]!;
      if (n === 0) continue;
      // pmap_protect on the device: one PTE write per unit, one range invalidation
      this.charge(C_MAP, n * this.c.pteNs);
      this.charge(C_INVALIDATE, this.c.invalidateNs);
      this.cn.tlbInvalidations++;
      this.rangeDev[d] = 0;
    }
  }

  /** fork: every unit with data in host memory becomes copy-on-write shared with the (idle) child. */
  fork(): void {
    this.x.forks++;
    const t = this.t;
    let ptes = 0;
    for (let s = 0; s < t.highWater; s++) {
      if (t.key[s]! < 0 || t.state[s] !== ST_CPU) continue;
      t.bits[s]! |= COW;
      if ((t.bits[s]! & PTE) !== 0) ptes++;
    }
    if (ptes > 0) {
      this.charge(C_INVALIDATE, this.c.tlbShootdownNs);
      this.x.cpuShootdowns++;
      this.fanOutCpuZap(ptes);
    }
  }

  // ---- invariants -------------------------------------------------------------------------------------

  checkInvariants(): void {
    const t = this.t;
    const perDev = new Int32Array(this.nDev);
    let cpu = 0;
    let live = 0;
    for (let s = 0; s < t.highWater; s++) {
      if (t.key[s]! < 0) continue;
      live++;
      const st = t.state[s]!;
      if (st === DEVICE) {
        const dv = t.owner[s]!;
        if (dv >= this.nDev) throw new Error(`invariant: unit ${t.key[s]} owned by missing device ${dv}`);
        if (this.pools[dv]!.holder[t.frame[s]!] !== s) throw new Error(`invariant: unit ${t.key[s]} frame ${t.frame[s]} not held by it`);
        perDev[dv]!++;
      } else {
        if (st !== ST_CPU && st !== NOMAP) throw new Error(`invariant: unit ${t.key[s]} in no state (${st})`);
        if (t.frame[s] !== -1) throw new Error(`invariant: non-device unit ${t.key[s]} holds frame ${t.frame[s]}`);
        if (st === ST_CPU) cpu++;
      }
      if (t.refs[s] === 0) throw new Error(`invariant: unit ${t.key[s]} outlived its allocations`);
      if (t.find(t.key[s]!) !== s) throw new Error(`invariant: unit ${t.key[s]} not indexed to its slot`);
    }
    if (live !== t.size) throw new Error(`invariant: ${live} live slots, table says ${t.size}`);
    let res = 0;
    for (let d = 0; d < this.nDev; d++) {
      const pool = this.pools[d]!;
      if (perDev[d] !== this.resident[d]) throw new Error(`invariant: dev${d} resident ${this.resident[d]} != units ${perDev[d]}`);
      if (pool.used > pool.frames) throw new Error(`invariant: dev${d} frames in use ${pool.used} > capacity ${pool.frames}`);
      if (pool.used !== perDev[d]! + pool.wired) throw new Error(`invariant: dev${d} frames in use ${pool.used} != data ${perDev[d]} + wired ${pool.wired}`);
      if (pool.wired !== this.pts[d]!.framesHeld) throw new Error(`invariant: dev${d} wired ${pool.wired} != page-table frames ${this.pts[d]!.framesHeld}`);
      res += perDev[d]!;
    }
    if (this.hostUnits !== cpu + this.childUnits) throw new Error(`invariant: host units ${this.hostUnits} != CPU units ${cpu} + child pages ${this.childUnits}`);
    if (this.hostUnits > this.hostCap) throw new Error(`invariant: host units ${this.hostUnits} > capacity ${this.hostCap}`);
    if (this.dataUnits !== cpu + res) throw new Error(`invariant: data units ${this.dataUnits} != CPU ${cpu} + device ${res} (bytes not conserved)`);
    if (this.devIn - this.devOut !== res) throw new Error(`invariant: device in ${this.devIn} - out ${this.devOut} != resident ${res}`);
  }
}
