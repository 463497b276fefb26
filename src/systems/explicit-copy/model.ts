import * as costMod from '../../model/cost';
import type { UnitCosts } from '../../model/cost';
import type { LinkTimeline } from '../../model/link-timeline';
import { grown } from '../../io/typed-arrays';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import { FOOTPRINT_GRANULE_BYTES } from '../../trace/footprint';
import { roundUp } from '../../units';
import { Allocations } from '../shared/allocations';
import { replayCopy } from '../../sim/copy-replay';
import type { Reporter } from '../../sim/reporter';
import type { SystemEnv, SystemModel } from '../../sim/system';
import type { ExplicitCopyParams } from './params';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { remoteAccessNs, unitCosts } = costMod;
const { Cause } = clockMod;
const { CPU, Flag, isWrite, NO_AGENT } = ev;

const DEV = 1;
const BUFFER = Flag.managed | Flag.peer_shared;
const HOSTKIND = Flag.host | Flag.pinned_host;

/**
 * Explicit buffers with copies (TTM / cudaMemcpy style; docs/gmem-model.md §8 and §12). No demand paging: the
 * unit is the whole allocation ("buffer"). A kernel's buffers are the allocations its accesses touch between
 * `kernel_begin` and `kernel_end`; each is copied in whole (H2D) before the kernel uses it if its device copy
 * is stale; buffers the kernel wrote are copied back whole before the next CPU access (or eagerly at
 * `kernel_end`). Device memory per buffer = its size rounded up to 2 MiB (the footprint granule). With
 * `swap=none` it is allocated at `alloc` and exhausting it is an OOM; with `swap=lru-buffer` it is taken at
 * first use and the least recently used idle buffers are evicted (copied back when dirty).
 */
export class ExplicitCopyModel implements SystemModel {
  private readonly allocs = new Allocations();
  private readonly link: LinkTimeline;
  private readonly rep: Reporter;
  private readonly c: UnitCosts;
  private readonly capacity: number;
  private usedBytes = 0;
  // per buffer (allocation id)
  private onDevice: Uint8Array = new Uint8Array(64);
  private devValid: Uint8Array = new Uint8Array(64);
  private hostValid: Uint8Array = new Uint8Array(64);
  private oomAtAlloc: Uint8Array = new Uint8Array(64);
  private devBytes: Float64Array = new Float64Array(64);
  /** When the host copy became ready (last CPU write), and when an in-flight copy lands on each side. */
  private hostReadyNs: Float64Array = new Float64Array(64);
  private devArrivalNs: Float64Array = new Float64Array(64);
  private hostArrivalNs: Float64Array = new Float64Array(64);
  private lastUseNs: Float64Array = new Float64Array(64);
  private kernelMark: Int32Array = new Int32Array(64);
  private wroteMark: Int32Array = new Int32Array(64);
  // the open kernel
  private kernelSeq = 0;
  private kernelOpen = false;
  private kernelBuffers: number[] = [];
  // extra
  private kernels = 0;
  private inferredH2D = 0;
  private inferredD2H = 0;
  private copyWaitNs = 0;
  private deviceBytesPeak = 0;
  private staleAccesses = 0;

  constructor(private readonly p: ExplicitCopyParams, private readonly env: SystemEnv) {
    this.link = env.link;
    this.rep = env.report;
    this.c = unitCosts(env.platform, FOOTPRINT_GRANULE_BYTES);
    this.capacity = env.platform.device.memory.capacityBytes;
  }

  /** Advice has no meaning for explicit buffers: ignored (not reported as unsupported). */
  advise(): void {}

  residentBytes(): number {
    return this.usedBytes;
  }

  finish(): Readonly<Record<string, number>> {
    if (this.kernelOpen) this.kernelEnd();
    return {
      kernels: this.kernels,
      inferredCopiesH2D: this.inferredH2D,
      inferredCopiesD2H: this.inferredD2H,
      copyWaitNs: this.copyWaitNs,
      linkBusyH2DNs: this.link.h2dBusyNs,
      linkBusyD2HNs: this.link.d2hBusyNs,
      deviceBytesPeak: this.deviceBytesPeak,
      staleAccesses: this.staleAccesses,
    };
  }

  // ---- buffers ---------------------------------------------------------------------------------------------

  alloc(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    const flags = b.flags[i]!;
    const id = this.allocs.addRow(b, i, this.rep);
    if (id < 0) return;
    this.ensureBuffers(id + 1);
    this.onDevice[id] = 0;
    this.devValid[id] = 0;
    this.hostValid[id] = 1;
    this.oomAtAlloc[id] = 0;
    this.devBytes[id] = roundUp(bytes, FOOTPRINT_GRANULE_BYTES);
    this.hostReadyNs[id] = this.env.clock.nowNs;
    this.devArrivalNs[id] = 0;
    this.hostArrivalNs[id] = 0;
    this.lastUseNs[id] = this.env.clock.nowNs;
    this.kernelMark[id] = 0;
    this.wroteMark[id] = 0;
    if (!(flags & (BUFFER | Flag.device))) return;
    if (flags & Flag.device) {
      // device-only memory (cudaMalloc without a host twin): data is produced on the device
      this.hostValid[id] = 0;
      this.devValid[id] = 1;
    }
    if (this.p.swap === 'none' || flags & Flag.device) {
      if (this.usedBytes + this.devBytes[id]! > this.capacity && !(this.p.swap === 'lru-buffer' && this.makeRoom(this.devBytes[id]!))) {
        this.oomAtAlloc[id] = 1;
        this.rep.oom(b.tNs[i]!, b.agent[i]!, va, 'device', this.devBytes[id]!);
        return;
      }
      this.takeDevice(id);
    }
  }

  free(b: EventBatch, i: number): void {
    const id = this.allocs.removeRow(b, i, this.rep);
    if (id < 0) return;
    if (this.onDevice[id]) this.releaseDevice(id);
    this.kernelMark[id] = 0;
  }

  private takeDevice(id: number): void {
    this.onDevice[id] = 1;
    this.usedBytes += this.devBytes[id]!;
    if (this.usedBytes > this.deviceBytesPeak) this.deviceBytesPeak = this.usedBytes;
  }

  private releaseDevice(id: number): void {
    this.onDevice[id] = 0;
    this.devValid[id] = 0;
    this.usedBytes -= this.devBytes[id]!;
  }

  /**
   * swap=lru-buffer: evict idle buffers (not used by the open kernel), least recently used first, until
   * `bytes` fit. A buffer whose only valid copy is on the device is copied back first.
   */
  private makeRoom(bytes: number): boolean {
    while (this.usedBytes + bytes > this.capacity) {
      let victim = -1;
      for (const it of this.allocs.ranges.list()) {
        const id = it.value;
        if (!this.onDevice[id] || this.kernelMark[id] === this.kernelSeq) continue;
        if (victim < 0 || this.lastUseNs[id]! < this.lastUseNs[victim]!) victim = id;
      }
      if (victim < 0) return false;
      if (!this.hostValid[victim]) this.copyToHost(victim, true, Cause.evict);
      this.releaseDevice(victim);
      this.env.counters.evictions++;
    }
    return true;
  }

  // ---- copies --------------------------------------------------------------------------------------------

  /** H2D copy of buffer `id`; returns its completion time. With overlap it starts when the host data was ready. */
  private copyToDevice(id: number, inferred: boolean): number {
    const cn = this.env.counters;
    const bytes = this.allocs.bytes[id]!;
    const notBefore = this.p.overlapCopyCompute ? Math.max(this.hostReadyNs[id]!, this.hostArrivalNs[id]!) : this.env.clock.nowNs;
    const end = this.link.book(notBefore, bytes, 'h2d');
    cn.migrationsH2D++;
    cn.bytesH2D += bytes;
    if (inferred) this.inferredH2D++;
    this.devValid[id] = 1;
    this.devArrivalNs[id] = end;
    return end;
  }

  /** D2H copy of buffer `id` (copy-back or eviction); `wait`: the clock waits for it (charged to `cause`). */
  private copyToHost(id: number, wait: boolean, cause: typeof Cause.transfer | typeof Cause.evict = Cause.transfer): void {
    const clock = this.env.clock;
    const cn = this.env.counters;
    const bytes = this.allocs.bytes[id]!;
    const start = Math.max(clock.nowNs, this.devArrivalNs[id]!);
    const end = this.link.book(start, bytes, 'd2h');
    cn.migrationsD2H++;
    cn.bytesD2H += bytes;
    this.inferredD2H++;
    this.hostValid[id] = 1;
    this.hostArrivalNs[id] = end;
    if (wait) this.copyWaitNs += clock.waitUntil(end, cause);
  }

  /** Trace `copy` rows are the program's own copies: they move data and make the destination valid. */
  copy(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const id = Number.isNaN(va) ? -1 : this.allocs.find(va);
    const target = b.target[i] === NO_AGENT ? b.agent[i]! : b.target[i]!;
    replayCopy(this.env, this.link, b, i, this.rep);
    if (id < 0) return;
    if (target === DEV) {
      if (!this.onDevice[id] && !this.oomAtAlloc[id]) {
        if (this.usedBytes + this.devBytes[id]! > this.capacity && !(this.p.swap === 'lru-buffer' && this.makeRoom(this.devBytes[id]!))) return;
        this.takeDevice(id);
      }
      this.devValid[id] = 1;
    } else if (target === CPU) this.hostValid[id] = 1;
  }

  /** A `prefetch` row to the device in this system is an early copy of the buffer (cudaMemcpyAsync ahead of use). */
  prefetch(b: EventBatch, i: number): void {
    const id = this.allocs.find(b.va[i]!);
    if (id < 0 || b.target[i] !== DEV) return;
    if (!this.devValid[id] && this.ensureDeviceMemory(id, b.tNs[i]!)) {
      const end = this.copyToDevice(id, false);
      this.env.counters.prefetchedBytes += this.allocs.bytes[id]!;
      if (!this.p.overlapCopyCompute) this.copyWaitNs += this.env.clock.waitUntil(end, Cause.transfer);
    }
  }

  private ensureDeviceMemory(id: number, tNs: number): boolean {
    if (this.onDevice[id]) return true;
    if (this.oomAtAlloc[id]) return false;
    if (this.usedBytes + this.devBytes[id]! > this.capacity && !(this.p.swap === 'lru-buffer' && this.makeRoom(this.devBytes[id]!))) {
      this.rep.oom(tNs, DEV, this.allocs.start[id]!, 'device', this.devBytes[id]!);
      this.oomAtAlloc[id] = 1;
      return false;
    }
    this.takeDevice(id);
    return true;
  }

  // ---- kernels and accesses -------------------------------------------------------------------------------

  kernelBegin(): void {
    if (this.kernelOpen) this.kernelEnd();
    this.kernelOpen = true;
    this.kernelSeq++;
    this.kernels++;
    this.kernelBuffers.length = 0;
  }

  /** End of a kernel: written buffers now have their only valid copy on the device (copied back eagerly or later). */
  kernelEnd(): void {
    if (!this.kernelOpen) return;
    this.kernelOpen = false;
    for (const id of this.kernelBuffers) {
      if (this.wroteMark[id] !== this.kernelSeq || !this.allocs.bytes[id]) continue;
      if (this.p.copyBack === 'eager' && !this.hostValid[id]) this.copyToHost(id, !this.p.overlapCopyCompute);
    }
    this.kernelSeq++; // buffers of the closed kernel become evictable
  }

  deviceAccess(b: EventBatch, i: number): void {
    const tNs = b.tNs[i]!;
    let va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const write = isWrite(b.access[i]!);
    const implicit = !this.kernelOpen;
    if (implicit) this.kernelBegin();
    while (va < end) {
      const id = this.allocs.find(va);
      if (id < 0) {
        this.rep.unmapped(tNs, DEV, va);
        break;
      }
      const aEnd = Math.min(end, this.allocs.end(id));
      const flags = this.allocs.flags[id]!;
      if (flags & HOSTKIND) {
        this.env.counters.remoteAccesses += b.count[i]!;
        this.env.clock.charge(Cause.remote, b.count[i]! * remoteAccessNs(this.c, aEnd - va, write));
      } else if (flags & (BUFFER | Flag.device)) this.useBuffer(id, write, tNs, va);
      va = aEnd;
    }
    if (implicit) this.kernelEnd();
  }

  /** First use of buffer `id` by the open kernel: make its device copy current, wait for it to arrive. */
  private useBuffer(id: number, write: boolean, tNs: number, va: number): void {
    const clock = this.env.clock;
    if (this.kernelMark[id] !== this.kernelSeq) {
      this.kernelMark[id] = this.kernelSeq;
      this.kernelBuffers.push(id);
      if (!this.devValid[id]) {
        if (!this.p.inferCopies) {
          this.staleAccesses++;
          this.rep.faultError(tNs, DEV, va, 'device access to a buffer whose device copy is stale (no copy in the trace; inferCopies=false)');
        } else if (this.ensureDeviceMemory(id, tNs)) this.copyToDevice(id, true);
        else this.rep.faultError(tNs, DEV, va, 'buffer has no device memory (OOM)');
      }
      if (this.devArrivalNs[id]! > clock.nowNs) this.copyWaitNs += clock.waitUntil(this.devArrivalNs[id]!, Cause.transfer);
    }
    this.lastUseNs[id] = clock.nowNs;
    if (write && this.devValid[id]) {
      this.wroteMark[id] = this.kernelSeq;
      this.hostValid[id] = 0;
    }
  }

  cpuAccess(b: EventBatch, i: number): void {
    const clock = this.env.clock;
    const tNs = b.tNs[i]!;
    let va = b.va[i]!;
    const end = va + b.bytes[i]!;
    const write = isWrite(b.access[i]!);
    while (va < end) {
      const id = this.allocs.find(va);
      if (id < 0) return this.rep.unmapped(tNs, CPU, va);
      const flags = this.allocs.flags[id]!;
      if (flags & Flag.device) this.rep.faultError(tNs, CPU, va, 'CPU access to device memory');
      else if (flags & BUFFER) {
        if (!this.hostValid[id]) this.copyToHost(id, true);
        else if (this.hostArrivalNs[id]! > clock.nowNs) this.copyWaitNs += clock.waitUntil(this.hostArrivalNs[id]!, Cause.transfer);
        if (write) {
          this.devValid[id] = 0;
          this.hostReadyNs[id] = clock.nowNs;
        }
      }
      va = this.allocs.end(id);
    }
  }

  checkInvariants(): void {
    let used = 0;
    for (const it of this.allocs.ranges.list()) {
      const id = it.value;
      if (this.onDevice[id]) used += this.devBytes[id]!;
      else if (this.devValid[id] && this.allocs.flags[id]! & BUFFER) throw new Error(`explicit-copy: buffer ${id} valid on a device it is not on`);
      if (!this.hostValid[id] && !this.devValid[id] && this.allocs.flags[id]! & BUFFER) {
        throw new Error(`explicit-copy: buffer ${id} has no valid copy`);
      }
    }
    if (used !== this.usedBytes) throw new Error(`explicit-copy: used ${this.usedBytes} ≠ ${used}`);
    if (this.usedBytes > this.capacity) throw new Error(`explicit-copy: ${this.usedBytes} B on a ${this.capacity} B device`);
  }

  private ensureBuffers(n: number): void {
    if (n <= this.onDevice.length) return;
    let len = this.onDevice.length;
    while (len < n) len *= 2;
    this.onDevice = grown(this.onDevice, len);
    this.devValid = grown(this.devValid, len);
    this.hostValid = grown(this.hostValid, len);
    this.oomAtAlloc = grown(this.oomAtAlloc, len);
    this.devBytes = grown(this.devBytes, len);
    this.hostReadyNs = grown(this.hostReadyNs, len);
    this.devArrivalNs = grown(this.devArrivalNs, len);
    this.hostArrivalNs = grown(this.hostArrivalNs, len);
    this.lastUseNs = grown(this.lastUseNs, len);
    this.kernelMark = grown(this.kernelMark, len);
    this.wroteMark = grown(this.wroteMark, len);
  }
}
