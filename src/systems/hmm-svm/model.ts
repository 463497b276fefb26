import * as costMod from '../../model/cost';
import type { UnitCosts } from '../../model/cost';
import { FramePool } from '../../model/frame-pool';
import { IdPool } from '../../model/id-pool';
import { IntervalSet } from '../../model/interval-set';
import type { LinkTimeline } from '../../model/link-timeline';
import { grown } from '../../model/typed-arrays';
import * as pageMask from '../../model/page-mask';
import { createUnitIndex, type UnitIndex } from '../../model/unit-index';
import { evictionPolicy } from '../../policies/index';
import type { EvictionPolicy } from '../../policies/types';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import { Allocations } from '../shared/allocations';
import type { Reporter } from '../../sim/reporter';
import type { SystemEnv, SystemModel } from '../../sim/system';
import { driverMaxRangeBytes, type HmmSvmParams } from './params';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { unitCosts, remoteAccessNs } = costMod;
const { maskClear, maskCountRange, maskFillRange, maskTest, maskWords } = pageMask;
const { Cause } = clockMod;
const { Advice, ADVICE_NAMES, CPU, Flag, isWrite, NO_AGENT, Op } = ev;

const DEV = 1;
const PAGE = 4096;
const MANAGED = Flag.managed | Flag.peer_shared;
const HOSTKIND = Flag.host | Flag.pinned_host;
/** Unit locations. */
const NONE = 0;
const HOST = 1;
const VRAM = 2;

/**
 * HMM / AMD KFD SVM mirroring (gmem-model.md §8, docs/systems.md): the device keeps its own page table that
 * mirrors CPU memory; every CPU-side invalidation of a mirrored range reaches the driver as an MMU-notifier
 * callback (`host.notifierNs` + a device TLB invalidation when the range is mapped on the GPU). Memory moves
 * in 2 MiB units; GPU retry faults migrate on demand (repeat faults within 2 ms of a range's validation are
 * dropped and retried); without retry faults ranges are mapped where they are and each invalidation evicts
 * the user queues until a restore 1 ms later. A CPU touch of a VRAM unit always migrates it back.
 */
export class HmmSvmModel implements SystemModel {
  private readonly c: UnitCosts;
  private readonly notifierNs: number;
  private readonly gran: number;
  private readonly maxRange: number;
  private readonly words: number;
  private readonly allocs = new Allocations();
  private readonly link: LinkTimeline;
  private readonly rep: Reporter;
  // SVM ranges
  private readonly ranges = new IntervalSet<number>();
  private readonly rangeIds = new IdPool(64);
  private rStart: Float64Array = new Float64Array(64);
  private rEnd: Float64Array = new Float64Array(64);
  private rValidNs: Float64Array = new Float64Array(64);
  private rPref: Uint8Array = new Uint8Array(64);
  private rInPlace: Uint8Array = new Uint8Array(64);
  private rMapped: Int32Array = new Int32Array(64);
  // units (2 MiB migration granules)
  private readonly unitIndex: UnitIndex = createUnitIndex(1024);
  private readonly unitIds = new IdPool(256);
  private uKey: Float64Array = new Float64Array(256);
  private uLoc: Uint8Array = new Uint8Array(256);
  private uMapped: Uint8Array = new Uint8Array(256);
  private uFrame: Int32Array = new Int32Array(256);
  private uRange: Int32Array = new Int32Array(256);
  private uRefs: Int32Array = new Int32Array(256);
  private uReadonly: Uint8Array = new Uint8Array(256);
  private uCow: Uint32Array = new Uint32Array(256 * 16);
  private uCowAny: Uint8Array = new Uint8Array(256);
  // device memory
  private readonly frames: FramePool;
  private readonly policy: EvictionPolicy;
  private busyRange = -1;
  private hostBytes = 0;
  private queuesEvictedUntilNs = 0;
  // extra
  private notifierCallbacks = 0;
  /** scope=mm: callbacks of the mm-wide notifier for invalidations outside every SVM range. */
  private mmCallbacks = 0;
  private notifiersRegistered = 0;
  private rangesPeak = 0;
  private droppedFaults = 0;
  private droppedFaultWaitNs = 0;
  private queueEvictions = 0;
  private queueStallNs = 0;
  private cowBreaks = 0;
  private evictedUnits = 0;
  private ignoredAdvice = 0;

  constructor(private readonly p: HmmSvmParams, private readonly env: SystemEnv) {
    const plat = env.platform;
    this.gran = p.granularityBytes;
    this.words = maskWords(this.gran / PAGE);
    this.uCow = new Uint32Array(256 * this.words);
    this.maxRange = p.maxRangeBytes === 0 ? Math.max(driverMaxRangeBytes(plat.device.memory.capacityBytes), this.gran) : p.maxRangeBytes;
    this.c = unitCosts(plat, this.gran);
    this.notifierNs = plat.host.notifierNs;
    this.link = env.link;
    this.rep = env.report;
    this.frames = new FramePool(Math.floor(plat.device.memory.capacityBytes / this.gran));
    const def = evictionPolicy(p.victim);
    if (!def) throw new Error(`hmm-svm: unknown victim policy ${p.victim}`);
    this.policy = def.create(def.defaults, {
      slots: Math.max(1, this.frames.frames),
      rng: env.rng.fork(),
      isEvictable: (f) => {
        const u = this.frames.holder[f]!;
        return u >= 0 && this.uRange[u] !== this.busyRange;
      },
    });
  }

  // ---- dispatch -----------------------------------------------------------------------------------------

  residentBytes(): number {
    return (this.frames.used) * this.gran;
  }

  finish(): Readonly<Record<string, number>> {
    return {
      notifierCallbacks: this.notifierCallbacks,
      mmCallbacks: this.mmCallbacks,
      notifiersRegistered: this.notifiersRegistered,
      svmRangesPeak: this.rangesPeak,
      droppedFaults: this.droppedFaults,
      droppedFaultWaitNs: this.droppedFaultWaitNs,
      queueEvictions: this.queueEvictions,
      queueStallNs: this.queueStallNs,
      cowBreaks: this.cowBreaks,
      evictedUnits: this.evictedUnits,
      hostMetadataBytes: (this.env.platform.device.memory.capacityBytes / PAGE) * 64,
      ignoredAdvice: this.ignoredAdvice,
    };
  }

  // ---- allocations and SVM ranges -----------------------------------------------------------------------

  alloc(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    const flags = b.flags[i]!;
    const id = this.allocs.addRow(b, i, this.rep);
    if (id < 0) return;
    if (!(flags & MANAGED)) return;
    // split into SVM ranges of at most maxRange, cut at maxRange-aligned boundaries; one interval notifier each
    const end = va + bytes;
    for (let s = va; s < end; ) {
      const e = Math.min(end, (Math.floor(s / this.maxRange) + 1) * this.maxRange);
      this.addRange(s, e);
      s = e;
    }
    if (!this.p.retryFaults) this.mapUpFront(va, end);
  }

  private addRange(start: number, end: number): void {
    let r = this.rangeIds.take();
    if (r < 0) {
      this.growRanges();
      r = this.rangeIds.take();
    }
    this.ranges.insert(start, end, r);
    this.rStart[r] = start;
    this.rEnd[r] = end;
    this.rValidNs[r] = -Infinity;
    this.rPref[r] = 0;
    this.rInPlace[r] = 0;
    this.rMapped[r] = 0;
    this.notifiersRegistered++;
    if (this.ranges.size > this.rangesPeak) this.rangesPeak = this.ranges.size;
    const k0 = Math.floor(start / this.gran);
    const k1 = Math.floor((end - 1) / this.gran);
    for (let k = k0; k <= k1; k++) {
      let u = this.unitIndex.get(k);
      if (u < 0) {
        u = this.unitIds.take();
        if (u < 0) {
          this.growUnits();
          u = this.unitIds.take();
        }
        this.unitIndex.set(k, u);
        this.uKey[u] = k;
        this.uLoc[u] = NONE;
        this.uMapped[u] = 0;
        this.uFrame[u] = -1;
        this.uRefs[u] = 0;
        this.uReadonly[u] = 0;
        this.uCowAny[u] = 0;
        this.uCow.fill(0, u * this.words, (u + 1) * this.words);
      }
      this.uRange[u] = r;
      this.uRefs[u]!++;
    }
  }

  /** Retry faults off: ranges are validated and mapped on the GPU where they are (host pages populated). */
  private mapUpFront(start: number, end: number): void {
    for (const it of this.ranges.overlapping(start, end)) {
      const r = it.value;
      this.forUnits(this.rStart[r]!, this.rEnd[r]!, (u) => {
        if (this.uLoc[u] === NONE) this.populateHost(u);
        if (!this.uMapped[u]) {
          this.uMapped[u] = 1;
          this.rMapped[r]!++;
        }
      });
      this.mapOp();
      this.rValidNs[r] = this.env.clock.nowNs;
    }
  }

  free(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const id = this.allocs.removeAt(va);
    if (id < 0) return this.rep.badFree(b.tNs[i]!, b.agent[i]!, Op.free, va);
    if (!(this.allocs.flags[id]! & MANAGED)) {
      this.mmInvalidate(va, va + this.allocs.bytes[id]!);
      return;
    }
    const end = va + this.allocs.bytes[id]!;
    // munmap: one notifier callback per overlapping range (unmap from the GPU), then the ranges go away
    this.invalidate(va, end);
    for (const it of this.ranges.overlapping(va, end)) {
      const r = it.value;
      this.forUnits(it.start, it.end, (u) => this.dropUnit(u));
      this.ranges.remove(it.start);
      this.rangeIds.give(r);
    }
  }

  private dropUnit(u: number): void {
    if (--this.uRefs[u]! > 0) return;
    if (this.uLoc[u] === VRAM) this.releaseFrame(u);
    if (this.uLoc[u] === HOST) this.hostBytes -= this.unitBytes(u);
    this.unitIndex.delete(this.uKey[u]!);
    this.uKey[u] = -1;
    this.unitIds.give(u);
  }

  /** Visit the units overlapping `[start, end)` (allocation-free callers pass a bound method). */
  private forUnits(start: number, end: number, fn: (u: number) => void): void {
    const k0 = Math.floor(start / this.gran);
    const k1 = Math.floor((end - 1) / this.gran);
    for (let k = k0; k <= k1; k++) {
      const u = this.unitIndex.get(k);
      if (u >= 0) fn(u);
    }
  }

  /** Bytes of unit `u` inside its range (units are clipped to the range). */
  private unitBytes(u: number): number {
    const r = this.uRange[u]!;
    const a = this.uKey[u]! * this.gran;
    return Math.min(a + this.gran, this.rEnd[r]!) - Math.max(a, this.rStart[r]!);
  }

  // ---- MMU notifier ---------------------------------------------------------------------------------------

  /**
   * A CPU-side invalidation of `[start, end)` (munmap, mprotect, fork's COW write-protect, a migration back to
   * RAM, a COW break): one callback per overlapping SVM range, each `host.notifierNs`; a range with GPU
   * mappings in the interval is unmapped from the GPU (one device TLB invalidation). Without retry faults the
   * driver must also evict the user queues; they are restored `restoreDelayNs` later.
   */
  private invalidate(start: number, end: number): void {
    const clock = this.env.clock;
    const cn = this.env.counters;
    for (const it of this.ranges.overlapping(start, end)) {
      const r = it.value;
      this.notifierCallbacks++;
      clock.charge(Cause.invalidate, this.notifierNs);
      let unmapped = 0;
      const a = Math.max(start, it.start);
      const e = Math.min(end, it.end);
      this.forUnits(a, e, (u) => {
        if (this.uMapped[u] && this.uRange[u] === r) {
          this.uMapped[u] = 0;
          this.rMapped[r]!--;
          unmapped++;
        }
      });
      if (unmapped === 0) continue;
      cn.unmapOps++;
      cn.tlbInvalidations++;
      clock.charge(Cause.invalidate, this.c.invalidateNs);
      if (!this.p.retryFaults) {
        this.queueEvictions++;
        const until = clock.nowNs + this.p.restoreDelayNs;
        if (until > this.queuesEvictedUntilNs) this.queuesEvictedUntilNs = until;
      }
    }
  }

  /**
   * scope=mm (SVA): a CPU-side invalidation of `[start, end)` that no SVM range covers still reaches the
   * device through the mm-wide notifier: one callback and one device TLB invalidation (the device may cache
   * any translation of the process). Ranges are called back by `invalidate` as before.
   */
  private mmInvalidate(start: number, end: number): void {
    if (this.p.scope !== 'mm') return;
    if (this.ranges.overlapping(start, end).length > 0) return;
    this.mmCallback();
  }

  private mmCallback(): void {
    this.mmCallbacks++;
    this.notifierCallbacks++;
    this.env.clock.charge(Cause.invalidate, this.notifierNs + this.c.invalidateNs);
    this.env.counters.tlbInvalidations++;
  }

  private mapOp(): void {
    this.env.counters.mapOps++;
    this.env.clock.charge(Cause.map, this.c.peerMapNs);
  }

  // ---- device accesses ---------------------------------------------------------------------------------

  deviceAccess(b: EventBatch, i: number): void {
    const tNs = b.tNs[i]!;
    const clock = this.env.clock;
    if (clock.nowNs < this.queuesEvictedUntilNs) this.queueStallNs += clock.waitUntil(this.queuesEvictedUntilNs, Cause.invalidate);
    let va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const write = isWrite(b.access[i]!);
    const count = b.count[i]!;
    while (va < end) {
      const a = this.allocs.find(va);
      if (a < 0) return this.rep.unmapped(tNs, DEV, va);
      const aEnd = Math.min(end, this.allocs.end(a));
      const flags = this.allocs.flags[a]!;
      if (flags & MANAGED) {
        const k0 = Math.floor(va / this.gran);
        const k1 = Math.floor((aEnd - 1) / this.gran);
        for (let k = k0; k <= k1; k++) {
          const u = this.unitIndex.get(k);
          const us = Math.max(va, k * this.gran);
          const ue = Math.min(aEnd, (k + 1) * this.gran);
          this.devUnit(u, us, ue, write, count, tNs);
        }
      } else if (flags & HOSTKIND) this.remote(aEnd - va, count, write);
      va = aEnd;
    }
  }

  private remote(bytes: number, count: number, write: boolean): void {
    this.env.counters.remoteAccesses += count;
    this.env.clock.charge(Cause.remote, count * remoteAccessNs(this.c, bytes, write));
  }

  /** One unit of a device access covering `[s, e)`. */
  private devUnit(u: number, s: number, e: number, write: boolean, count: number, tNs: number): void {
    const clock = this.env.clock;
    if (write && this.uReadonly[u]) {
      this.rep.faultError(tNs, DEV, s, 'GPU write to a read-only (mprotect) range');
      return;
    }
    if (!this.uMapped[u]) {
      if (!this.p.retryFaults) this.restoreMapping(u);
      else this.gpuFault(u);
      if (!this.uMapped[u]) return; // OOM: the access failed
    }
    if (write && this.uCowAny[u]) this.breakCowFromDevice(u, s, e);
    if (this.uLoc[u] === VRAM) this.policy.onTouch(this.uFrame[u]!, clock.nowNs, 0);
    else this.remote(e - s, count, write);
  }

  /** Retry faults off: the queues were restored after an invalidation; the driver re-maps in place. */
  private restoreMapping(u: number): void {
    const r = this.uRange[u]!;
    this.mapOp();
    this.forUnits(this.rStart[r]!, this.rEnd[r]!, (v) => {
      if (!this.uMapped[v] && this.uRange[v] === r) {
        this.uMapped[v] = 1;
        this.rMapped[r]!++;
      }
    });
  }

  /**
   * GPU retry fault on unit `u` (`svm_range_restore_pages`): faults within `retryDropNs` of the range's last
   * validation are dropped and retried (the access waits for the window to pass); then the unit moves to the
   * best location (VRAM unless the range prefers the host or is accessed in place), is DMA-mapped and the GPU
   * page table is updated.
   */
  private gpuFault(u: number): void {
    const env = this.env;
    const clock = env.clock;
    const cn = env.counters;
    const r = this.uRange[u]!;
    const open = this.rValidNs[r]! + this.p.retryDropNs;
    if (clock.nowNs < open) {
      this.droppedFaults++;
      this.droppedFaultWaitNs += clock.waitUntil(open, Cause.fault);
    }
    cn.deviceFaults++;
    clock.charge(Cause.fault, this.c.faultServiceNs);
    const stay = this.rPref[r] === CPU + 1 || this.rInPlace[r] === 1;
    if (stay) {
      if (this.uLoc[u] === NONE) this.populateHost(u);
    } else if (this.uLoc[u] !== VRAM && !this.toVram(u, r)) return;
    this.uMapped[u] = 1;
    this.rMapped[r]!++;
    this.mapOp();
    this.rValidNs[r] = clock.nowNs;
  }

  /** Move unit `u` to VRAM (zero-fill if it has no data), evicting whole ranges if needed. */
  private toVram(u: number, r: number): boolean {
    const env = this.env;
    const clock = env.clock;
    const cn = env.counters;
    this.busyRange = r;
    let f = this.frames.alloc(u);
    while (f < 0) {
      const v = this.policy.victim(clock.nowNs);
      if (v < 0) break;
      this.evictRange(this.uRange[this.frames.holder[v]!]!);
      f = this.frames.alloc(u);
    }
    this.busyRange = -1;
    if (f < 0) {
      this.rep.oom(clock.nowNs, DEV, this.uKey[u]! * this.gran, 'device', this.gran);
      return false;
    }
    const bytes = this.unitBytes(u);
    if (this.uLoc[u] === HOST) {
      clock.charge(Cause.transfer, this.c.dmaMapNs);
      clock.waitUntil(this.link.book(clock.nowNs, bytes, 'h2d'), Cause.transfer);
      clock.charge(Cause.transfer, this.c.dmaUnmapNs);
      cn.migrationsH2D++;
      cn.bytesH2D += bytes;
      this.hostBytes -= bytes;
    } else {
      cn.zeroFills++;
      clock.charge(Cause.fault, bytes / env.platform.device.zeroFillBytesPerNs);
    }
    this.uLoc[u] = VRAM;
    this.uFrame[u] = f;
    this.policy.onInsert(f, clock.nowNs);
    return true;
  }

  private releaseFrame(u: number): void {
    const f = this.uFrame[u]!;
    this.policy.onRemove(f);
    this.frames.release(f);
    this.uFrame[u] = -1;
  }

  /** TTM evicts the range's VRAM (the SVM BO) to system memory: D2H per unit, one notifier callback. */
  private evictRange(r: number): void {
    this.env.counters.evictions++;
    this.forUnits(this.rStart[r]!, this.rEnd[r]!, (u) => {
      if (this.uLoc[u] !== VRAM || this.uRange[u] !== r) return;
      this.migrateToHost(u, Cause.evict);
      this.evictedUnits++;
    });
    this.invalidate(this.rStart[r]!, this.rEnd[r]!);
  }

  /** Copy unit `u` from VRAM to host memory (DMA map, D2H, DMA unmap) and free its frame. */
  private migrateToHost(u: number, cause: typeof Cause.evict | typeof Cause.transfer): void {
    const env = this.env;
    const clock = env.clock;
    const cn = env.counters;
    const bytes = this.unitBytes(u);
    clock.charge(cause, this.c.dmaMapNs);
    clock.waitUntil(this.link.book(clock.nowNs, bytes, 'd2h'), cause);
    clock.charge(cause, this.c.dmaUnmapNs);
    cn.migrationsD2H++;
    cn.bytesD2H += bytes;
    this.releaseFrame(u);
    this.uLoc[u] = HOST;
    this.hostBytes += bytes;
  }

  private populateHost(u: number): void {
    const bytes = this.unitBytes(u);
    this.env.counters.zeroFills++;
    this.env.clock.charge(Cause.fault, bytes / this.env.platform.host.zeroFillBytesPerNs);
    this.uLoc[u] = HOST;
    this.hostBytes += bytes;
  }

  /**
   * A GPU write to copy-on-write pages after `fork` (gmem-model.md reference §7, König on intel-gfx): each
   * 4 KiB page costs a CPU round trip — the GPU faults, `hmm_range_fault` breaks COW on the CPU, the notifier
   * fires, and the new page is transferred.
   */
  private breakCowFromDevice(u: number, s: number, e: number): void {
    const clock = this.env.clock;
    const cn = this.env.counters;
    const base = this.uKey[u]! * this.gran;
    const p0 = Math.floor((s - base) / PAGE);
    const p1 = Math.ceil((e - base) / PAGE);
    const off = u * this.words;
    for (let p = p0; p < p1; p++) {
      if (!maskTest(this.uCow, off, p)) continue;
      maskClear(this.uCow, off, p);
      this.cowBreaks++;
      cn.deviceFaults++;
      clock.charge(Cause.fault, this.c.faultServiceNs);
      this.notifierCallbacks++;
      clock.charge(Cause.invalidate, this.notifierNs);
      clock.waitUntil(this.link.book(clock.nowNs, PAGE, 'h2d'), Cause.transfer);
      cn.migrationsH2D++;
      cn.bytesH2D += PAGE;
    }
    if (maskCountRange(this.uCow, off, 0, this.gran / PAGE) === 0) this.uCowAny[u] = 0;
  }

  // ---- CPU accesses ------------------------------------------------------------------------------------

  cpuAccess(b: EventBatch, i: number): void {
    const tNs = b.tNs[i]!;
    let va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const write = isWrite(b.access[i]!);
    while (va < end) {
      const a = this.allocs.find(va);
      if (a < 0) return this.rep.unmapped(tNs, CPU, va);
      const aEnd = Math.min(end, this.allocs.end(a));
      if (this.allocs.flags[a]! & MANAGED) {
        const k0 = Math.floor(va / this.gran);
        const k1 = Math.floor((aEnd - 1) / this.gran);
        for (let k = k0; k <= k1; k++) {
          const u = this.unitIndex.get(k);
          this.cpuUnit(u, Math.max(va, k * this.gran), Math.min(aEnd, (k + 1) * this.gran), write);
        }
      } else if (this.allocs.flags[a]! & Flag.device) this.rep.faultError(tNs, CPU, va, 'CPU access to device memory');
      va = aEnd;
    }
  }

  private cpuUnit(u: number, s: number, e: number, write: boolean): void {
    const clock = this.env.clock;
    const cn = this.env.counters;
    const loc = this.uLoc[u]!;
    if (loc === VRAM) {
      // migrate_to_ram: the whole unit comes back; the migration invalidates the GPU mapping
      cn.cpuFaults++;
      clock.charge(Cause.fault, this.c.cpuFaultNs);
      this.migrateToHost(u, Cause.transfer);
      const a = this.uKey[u]! * this.gran;
      this.invalidate(a, a + this.gran);
    } else if (loc === NONE) {
      cn.cpuFaults++;
      clock.charge(Cause.fault, this.c.cpuFaultNs);
      this.populateHost(u);
    }
    if (write && this.uCowAny[u]) this.breakCowFromCpu(u, s, e);
  }

  /** A CPU write to COW pages: a CPU fault and a 4 KiB page copy each; the PTE change fires the notifier. */
  private breakCowFromCpu(u: number, s: number, e: number): void {
    const cn = this.env.counters;
    const base = this.uKey[u]! * this.gran;
    const p0 = Math.floor((s - base) / PAGE);
    const p1 = Math.ceil((e - base) / PAGE);
    const off = u * this.words;
    for (let p = p0; p < p1; p++) {
      if (!maskTest(this.uCow, off, p)) continue;
      maskClear(this.uCow, off, p);
      this.cowBreaks++;
      cn.cpuFaults++;
      this.env.clock.charge(Cause.fault, this.c.cpuFaultNs + PAGE / this.env.platform.host.zeroFillBytesPerNs);
      this.invalidate(base + p * PAGE, base + (p + 1) * PAGE);
    }
    if (maskCountRange(this.uCow, off, 0, this.gran / PAGE) === 0) this.uCowAny[u] = 0;
  }

  // ---- protect / fork / prefetch / advice ----------------------------------------------------------------

  /** mprotect: the syscall (`host.mprotectNs`), then the notifier for every overlapping range. */
  protect(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const end = va + b.bytes[i]!;
    this.env.clock.charge(Cause.other, this.c.mprotectNs);
    this.invalidate(va, end);
    this.mmInvalidate(va, end);
    const ro = (b.flags[i]! & Flag.readonly) !== 0 ? 1 : 0;
    const k0 = Math.floor(va / this.gran);
    const k1 = Math.floor((end - 1) / this.gran);
    for (let k = k0; k <= k1; k++) {
      const u = this.unitIndex.get(k);
      if (u >= 0) this.uReadonly[u] = ro;
    }
  }

  /** fork: every private page becomes copy-on-write; write-protecting them fires the notifier on every range. */
  fork(): void {
    // scope=mm: write-protecting the process's other private pages reaches the device through the mm notifier
    if (this.p.scope === 'mm') this.mmCallback();
    for (const it of this.ranges.list()) {
      this.invalidate(it.start, it.end);
      this.forUnits(it.start, it.end, (u) => {
        if (this.uLoc[u] === NONE) return;
        const base = this.uKey[u]! * this.gran;
        const a = Math.max(0, Math.floor((it.start - base) / PAGE));
        const e = Math.min(this.gran / PAGE, Math.ceil((it.end - base) / PAGE));
        maskFillRange(this.uCow, u * this.words, a, e);
        this.uCowAny[u] = 1;
      });
    }
  }

  /** `prefetch` (KFD set-attribute prefetch location): migrate the range synchronously and map it. */
  prefetch(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const target = b.target[i]!;
    const cn = this.env.counters;
    for (const it of this.ranges.overlapping(va, end)) {
      const r = it.value;
      let mapped = false;
      this.forUnits(Math.max(va, it.start), Math.min(end, it.end), (u) => {
        if (this.uRange[u] !== r) return;
        if (target === DEV && this.uLoc[u] !== VRAM) {
          const wasHost = this.uLoc[u] === HOST;
          const bytes = this.unitBytes(u);
          if (!this.toVram(u, r)) return;
          if (wasHost) cn.prefetchedBytes += bytes;
          if (!this.uMapped[u]) {
            this.uMapped[u] = 1;
            this.rMapped[r]!++;
          }
          mapped = true;
        } else if (target === CPU && this.uLoc[u] === VRAM) {
          this.migrateToHost(u, Cause.transfer);
          const a = this.uKey[u]! * this.gran;
          this.invalidate(a, a + this.gran);
        }
      });
      if (mapped) {
        this.mapOp();
        this.rValidNs[r] = this.env.clock.nowNs;
      }
    }
  }

  advise(b: EventBatch, i: number): void {
    const code = b.code[i]!;
    const va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const target = b.target[i]!;
    const known = code === Advice.preferred_location || code === Advice.unset_preferred_location || code === Advice.accessed_by
      || code === Advice.unset_accessed_by;
    if (!known) {
      this.ignoredAdvice++;
      this.rep.ignoredAdvice(ADVICE_NAMES[code] ?? String(code));
      return;
    }
    for (const it of this.ranges.overlapping(va, end)) {
      const r = it.value;
      if (code === Advice.preferred_location) this.rPref[r] = target === NO_AGENT ? 0 : target + 1;
      else if (code === Advice.unset_preferred_location) this.rPref[r] = 0;
      else if (code === Advice.accessed_by) this.rInPlace[r] = 1;
      else this.rInPlace[r] = 0;
    }
  }

  // ---- invariants ---------------------------------------------------------------------------------------

  checkInvariants(): void {
    let vram = 0;
    const mapped = new Map<number, number>();
    for (let u = 0; u < this.uKey.length; u++) {
      if (this.uKey[u] === -1 || this.uRefs[u] === 0) continue;
      const loc = this.uLoc[u]!;
      if (loc === VRAM) {
        vram++;
        const f = this.uFrame[u]!;
        if (f < 0 || this.frames.holder[f] !== u) throw new Error(`hmm-svm: unit ${u} in VRAM without its frame`);
      } else if (this.uFrame[u] !== -1) throw new Error(`hmm-svm: unit ${u} holds a frame but is not in VRAM`);
      if (this.uMapped[u]) mapped.set(this.uRange[u]!, (mapped.get(this.uRange[u]!) ?? 0) + 1);
    }
    if (vram !== this.frames.used) throw new Error(`hmm-svm: ${vram} VRAM units but ${this.frames.used} frames used`);
    for (const it of this.ranges.list()) {
      const r = it.value;
      if ((mapped.get(r) ?? 0) !== this.rMapped[r]) throw new Error(`hmm-svm: range ${r} mapped count ${this.rMapped[r]} ≠ ${mapped.get(r) ?? 0}`);
    }
  }

  // ---- growth ---------------------------------------------------------------------------------------------

  private growRanges(): void {
    const n = this.rStart.length * 2;
    this.rStart = grown(this.rStart, n);
    this.rEnd = grown(this.rEnd, n);
    this.rValidNs = grown(this.rValidNs, n);
    this.rPref = grown(this.rPref, n);
    this.rInPlace = grown(this.rInPlace, n);
    this.rMapped = grown(this.rMapped, n);
    this.rangeIds.ensure(n);
  }

  private growUnits(): void {
    const n = this.uKey.length * 2;
    this.uKey = grown(this.uKey, n, -1);
    this.uLoc = grown(this.uLoc, n);
    this.uMapped = grown(this.uMapped, n);
    this.uFrame = grown(this.uFrame, n, -1);
    this.uRange = grown(this.uRange, n, -1);
    this.uRefs = grown(this.uRefs, n);
    this.uReadonly = grown(this.uReadonly, n);
    this.uCowAny = grown(this.uCowAny, n);
    this.uCow = grown(this.uCow, n * this.words);
    this.unitIds.ensure(n);
  }
}
