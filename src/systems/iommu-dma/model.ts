import { IdPool } from '../../model/id-pool';
import { IntervalSet } from '../../model/interval-set';
import { grown } from '../../io/typed-arrays';
import { DeferredUnmapQueue, planInvalidation } from '../../model/tlb';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import { Allocations } from '../shared/allocations';
import type { Reporter } from '../../sim/reporter';
import type { SystemEnv, SystemModel } from '../../sim/system';
import type { IommuDmaParams } from './params';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Cause } = clockMod;
const { Flag, MarkerKind, Op } = ev;

const PAGE = 4096;
const DEV = 1;
/** Allocation kinds the device reaches through a coherent DMA mapping made at `alloc` (dma_alloc_coherent). */
const COHERENT = Flag.managed | Flag.peer_shared | Flag.device;

/**
 * The IOMMU DMA API for a NIC (docs/gmem-model.md §6, §8; docs/workloads.md "nic-rx" is the trace contract).
 * `map dev0` rows are `dma_map_single`: IOVA allocation (`device.map.iovaAllocNs`) + one PTE per 4 KiB page
 * (`device.map.pteNs`); `unmap dev0` rows release them with an IOTLB invalidation whose timing depends on
 * `mode`:
 * - `strict`: PTEs cleared, IOTLB invalidated (per page: VT-d has no range invalidation on this profile) and
 *   waited for, IOVA freed — all in the unmap call.
 * - `deferred` (Linux flush queue, drivers/iommu/dma-iommu.c `__iommu_dma_unmap` → `queue_iova`): PTEs cleared,
 *   the entry queued (`queueEntryNs`) in a per-CPU ring that holds `flushQueueEntries` − 1 entries (`fq_full`);
 *   the unmap that finds it full flushes the domain's IOTLB (`fq_flush_iotlb` → `flush_iotlb_all`, waited for)
 *   and frees the held IOVAs before queueing its own. The first unmap queued while the timer is off arms it for
 *   `flushQueueTimeoutNs` (a one-shot, not a period); when it fires (`fq_flush_timeout`), one domain-wide flush
 *   and every queued IOVA freed.
 * - `batched` (FreeBSD DMAR, the GMEM paper's baseline): PTEs cleared, one range invalidation descriptor and a
 *   wait descriptor queued without waiting, IOVA freed asynchronously (`unmapBatched`).
 * - `gmem-async` (FreeBSD GMEM `gmem_uvas.c`): the unmap is only queued (`queueEntryNs`); above `asyncUnmapPages` pages (or
 *   every `asyncPeriodNs`) the queue is drained: PTEs released, then one domain-wide flush if the batch has
 *   ≥ `tlbCoalescePages` pages, else one invalidation per entry; IOVAs freed after.
 * All of this is CPU work on the receive path. The NIC's DMA itself costs no CPU time (`remoteAccesses`
 * counts DMA transactions). From the per-packet work the model derives CPU ns per packet (the stack time the
 * trace leaves between a packet's unmap and its buffer's refill map, plus the IOMMU work attributable to
 * packets) and the receive throughput a core sustains at the trace's offered rate (`extra.rxGbps`).
 */
export class IommuDmaModel implements SystemModel {
  private readonly allocs = new Allocations();
  private readonly maps = new IntervalSet<number>();
  private readonly mapIds = new IdPool(256);
  private mPages: Int32Array = new Int32Array(256);
  /** A packet (a device write larger than a descriptor) landed in this mapping since it was mapped. */
  private mPacket: Uint8Array = new Uint8Array(256);
  private readonly rep: Reporter;
  private readonly queue: DeferredUnmapQueue;
  /** Queued entries that came from packet completions (to attribute drain costs). */
  private queuedPacketEntries = 0;
  /** IOVA ranges waiting in the queue (deferred / gmem-async). */
  private queuedStarts: number[] = [];
  private queuedPages: number[] = [];
  private readonly pteNs: number;
  private readonly iovaNs: number;
  // per-packet accounting
  private packets = 0;
  private packetBytes = 0;
  private drops = 0;
  private firstArrivalNs = NaN;
  private lastArrivalNs = NaN;
  private lastPacketUnmapNs = NaN;
  private stackNs = 0;
  private packetIommuNs = 0;
  // extra
  private iovaAllocs = 0;
  private iovaFrees = 0;
  private domainFlushes = 0;
  private entryInvalidations = 0;
  private drains = 0;
  private dmaFaults = 0;
  private qiDescriptors = 0;
  private atsInvalidations = 0;
  private batchNo = 0;
  /** deferred: when the armed flush-queue timer fires (NaN: off). */
  private fqTimerDueNs = NaN;

  constructor(private readonly p: IommuDmaParams, private readonly env: SystemEnv) {
    const d = env.platform.device;
    this.pteNs = d.map.pteNs;
    this.iovaNs = d.map.iovaAllocNs;
    this.rep = env.report;
    // deferred keeps its own one-shot timer (fqTimerDueNs); the queue's periodic drain is gmem-async's daemon
    const period = p.mode === 'gmem-async' ? p.asyncPeriodNs : Infinity;
    const threshold = p.mode === 'gmem-async' ? p.asyncUnmapPages : Infinity;
    this.queue = new DeferredUnmapQueue(threshold, period, 0);
  }

  /** The deferred-unmap queue drains when its timer or threshold comes due, checked before every row. */
  beforeRow(): void {
    if (this.fqTimerDueNs <= this.env.clock.nowNs) this.fqTimerFires();
    else if (this.queue.entries > 0 && this.queue.dueAt(this.env.clock.nowNs)) this.drain();
  }

  /**
   * deferred: the flush-queue timer fires (dma-iommu.c fq_flush_timeout): one domain-wide flush and every
   * queued IOVA freed. (The kernel flushes even when another CPU's flush already emptied this ring; with one
   * ring per modelled CPU the ring is never empty here: a full-ring flush always leaves the entry that found it full.)
   */
  private fqTimerFires(): void {
    this.fqTimerDueNs = NaN;
    if (this.queue.entries > 0) this.drain();
  }

  /** A `marker rx_drop` is a packet that arrived and was dropped. */
  marker(b: EventBatch, i: number): void {
    if (b.code[i] === MarkerKind.other && b.strings.get(b.label[i]!) === 'rx_drop') this.onArrival(b.tNs[i]!, true);
  }

  /** The CPU's accesses do not go through the IOMMU: ignored. */
  cpuAccess(): void {}

  /** VA reservations, advice and prefetch hints have no IOMMU meaning: ignored. */
  reserve(): void {}
  release(): void {}
  advise(): void {}
  prefetch(): void {}

  residentBytes(): number {
    return 0; // a NIC holds no data: DMA lands in host memory
  }

  finish(): Readonly<Record<string, number>> {
    if (!Number.isNaN(this.fqTimerDueNs)) this.fqTimerFires(); // the armed timer fires after the trace
    else if (this.queue.entries > 0) this.drain();
    const ownNsPerPacket = this.packets > 0 ? (this.stackNs + this.packetIommuNs) / this.packets : 0;
    const arrivals = this.packets + this.drops;
    const span = this.lastArrivalNs - this.firstArrivalNs;
    const offeredPps = arrivals > 1 && span > 0 ? ((arrivals - 1) * 1e9) / span : 0;
    const deliveredPps = arrivals > 1 && span > 0 ? (offeredPps * this.packets) / arrivals : 0;
    const lockWaitNs = this.iovaLockWaitNs(ownNsPerPacket, deliveredPps);
    const cpuNsPerPacket = ownNsPerPacket + lockWaitNs;
    const capacityPps = cpuNsPerPacket > 0 ? (this.p.cores * 1e9) / cpuNsPerPacket : Infinity;
    const rxPps = Math.min(deliveredPps, capacityPps);
    const avgBytes = this.packets > 0 ? this.packetBytes / this.packets : 0;
    const wire = (pps: number): number => (pps * (avgBytes + this.p.framingBytes) * 8) / 1e9;
    return {
      rxGbps: wire(rxPps),
      offeredGbps: wire(offeredPps),
      rxPps,
      offeredPps,
      capacityPps: Number.isFinite(capacityPps) ? capacityPps : 0,
      cpuNsPerPacket,
      iovaLockWaitNsPerPacket: lockWaitNs,
      stackNsPerPacket: this.packets > 0 ? this.stackNs / this.packets : 0,
      iommuNsPerPacket: this.packets > 0 ? this.packetIommuNs / this.packets : 0,
      packets: this.packets,
      drops: this.drops,
      iovaAllocs: this.iovaAllocs,
      iovaFrees: this.iovaFrees,
      domainFlushes: this.domainFlushes,
      entryInvalidations: this.entryInvalidations,
      drains: this.drains,
      dmaFaults: this.dmaFaults,
      qiDescriptors: this.qiDescriptors,
      atsInvalidations: this.atsInvalidations,
    };
  }

  /**
   * With `cores` > 1 receive queues (RSS), the wait per packet for the IOVA allocator lock of the other cores:
   * FreeBSD takes one domain-wide lock per IOVA allocation and free (sys/x86/iommu/iommu_gas.c iommu_gas_map /
   * iommu_gas_free_space under IOMMU_DOMAIN_LOCK), so `batched` and `gmem-async` wait; Linux allocates 1-page
   * IOVAs from per-CPU magazines (drivers/iommu/iova.c iova_rcache) and its flush queues are per CPU
   * (dma-iommu.c iommu_dma_init_fq_percpu: each fills at 1/cores of the rate and flushes once per
   * flushQueueEntries of its own), so `strict` and `deferred` do not. Closed form (a modelling choice, only
   * when cores > 1): M/D/1 mean wait hold·ρ / (2(1 − ρ)) per acquisition, hold = `device.map.iovaAllocNs`, ρ =
   * the lock load of the other cores at the delivered rate (two acquisitions per packet), capped at 0.95.
   */
  private iovaLockWaitNs(ownNsPerPacket: number, pps: number): number {
    const cores = this.p.cores;
    if (cores <= 1 || !(this.p.mode === 'batched' || this.p.mode === 'gmem-async') || !(ownNsPerPacket > 0)) return 0;
    const rate = Math.min(pps, (cores * 1e9) / ownNsPerPacket);
    const rho = Math.min(0.95, ((2 * rate * this.iovaNs) / 1e9) * ((cores - 1) / cores));
    return 2 * ((this.iovaNs * rho) / (2 * (1 - rho)));
  }

  // ---- mappings --------------------------------------------------------------------------------------------

  map(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    if (Number.isNaN(va) || !(bytes > 0)) return this.rep.faultError(b.tNs[i]!, b.agent[i]!, va, 'map without address or size');
    const refill = !Number.isNaN(this.lastPacketUnmapNs);
    if (refill) {
      // the stack time the trace left between the packet's completion and its buffer's refill
      this.stackNs += b.tNs[i]! - this.lastPacketUnmapNs;
      this.lastPacketUnmapNs = NaN;
    }
    const ns = this.mapRange(va, bytes);
    if (ns < 0) return this.rep.allocError(b.tNs[i]!, b.agent[i]!, va, bytes);
    if (refill) this.packetIommuNs += ns;
  }

  /** dma_map: IOVA allocation + PTE writes; returns the CPU time spent, or -1 if the IOVA is already mapped. */
  private mapRange(va: number, bytes: number): number {
    const pages = Math.ceil(bytes / PAGE);
    let id = this.mapIds.take();
    if (id < 0) {
      this.growMaps();
      id = this.mapIds.take();
    }
    if (!this.maps.insert(va, va + bytes, id)) {
      this.mapIds.give(id);
      return -1;
    }
    this.mPages[id] = pages;
    this.mPacket[id] = 0;
    const ptes = this.p.mode === 'gmem-async' && this.p.coalesceMap ? 1 : pages;
    const ns = this.iovaNs + ptes * this.pteNs;
    this.iovaAllocs++;
    this.env.counters.mapOps++;
    this.env.clock.charge(Cause.map, ns);
    return ns;
  }

  unmap(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const it = this.maps.find(va);
    if (it === undefined || it.start !== va) return this.rep.badFree(b.tNs[i]!, b.agent[i]!, Op.unmap, va);
    const id = it.value;
    const packet = this.mPacket[id] === 1;
    const ns = this.unmapRange(va, id, packet);
    if (packet) {
      this.packetIommuNs += ns;
      this.lastPacketUnmapNs = b.tNs[i]!;
    }
  }

  /** dma_unmap by mode; returns the CPU time spent in the call (queue drains are attributed in `drain`). */
  private unmapRange(va: number, id: number, packet: boolean): number {
    const clock = this.env.clock;
    const cn = this.env.counters;
    const pages = this.mPages[id]!;
    cn.unmapOps++;
    const t0 = clock.nowNs;
    if (this.p.mode === 'strict') {
      this.maps.remove(va);
      this.mapIds.give(id);
      clock.charge(Cause.map, pages * this.pteNs);
      this.invalidate(1, pages, Infinity);
      clock.charge(Cause.map, this.iovaNs);
      this.iovaFrees++;
      return clock.nowNs - t0;
    }
    if (this.p.mode === 'batched') return this.unmapBatched(va, id, pages, t0);
    if (this.p.mode === 'deferred') return this.unmapDeferred(va, id, pages, packet, t0);
    // gmem-async: the mapping stays until the drain releases it
    clock.charge(Cause.map, this.p.queueEntryNs);
    this.queuedStarts.push(va);
    this.queuedPages.push(id);
    if (packet) this.queuedPacketEntries++;
    const full = this.queue.enqueue(pages);
    const ns = clock.nowNs - t0;
    if (full) this.drain();
    return ns;
  }

  /**
   * Linux deferred unmap (dma-iommu.c `__iommu_dma_unmap`: `iommu_unmap_fast` with the gather queued, no sync;
   * `queue_iova`): PTEs cleared, then under the per-CPU ring's lock a ring found full (`fq_full`: it holds
   * `flushQueueEntries` − 1) is flushed (`fq_flush_iotlb`, domain-wide, waited for) and freed
   * (`fq_ring_free_locked`) before this entry is added; the entry costs `queueEntryNs`; the first entry queued
   * with the timer off arms it. Returns the CPU time of the call without the flush (attributed in `drain`).
   */
  private unmapDeferred(va: number, id: number, pages: number, packet: boolean, t0: number): number {
    const clock = this.env.clock;
    this.maps.remove(va);
    this.mapIds.give(id);
    clock.charge(Cause.map, pages * this.pteNs + this.p.queueEntryNs);
    let flushNs = 0;
    if (this.queue.entries >= this.p.flushQueueEntries - 1) {
      const f0 = clock.nowNs;
      this.drain();
      flushNs = clock.nowNs - f0;
    }
    this.queuedStarts.push(va);
    this.queuedPages.push(id);
    if (packet) this.queuedPacketEntries++;
    this.queue.enqueue(pages);
    if (Number.isNaN(this.fqTimerDueNs)) this.fqTimerDueNs = clock.nowNs + this.p.flushQueueTimeoutNs;
    return clock.nowNs - t0 - flushNs;
  }

  /**
   * FreeBSD DMAR with queued invalidation (sys/x86/iommu/intel_ctx.c dmar_domain_unload): the PTEs are
   * cleared (domain_unmap_buf), one page-selective IOTLB invalidation descriptor covering the entry is queued
   * (dmar_qi_invalidate_locked, address-masked range) and, for the last entry of the unload or every
   * `batchCoalesce`-th, a wait descriptor; the CPU does not wait: the entry (and its IOVA) is freed by the QI
   * task once the wait completes (asynchronously, still CPU work). A `unmap` row is one busdma unload of one
   * entry, so it always ends with a wait descriptor.
   */
  private unmapBatched(va: number, id: number, pages: number, t0: number): number {
    const clock = this.env.clock;
    this.maps.remove(va);
    this.mapIds.give(id);
    clock.charge(Cause.map, pages * this.pteNs);
    this.batchNo++; // dmar_domain_unload_emit_wait: the last entry of an unload always gets one (here every unload has one entry)
    const waits = 1;
    const ats = this.p.ats ? 1 : 0; // a device-TLB invalidation descriptor, queued like the others
    this.qiDescriptors += 1 + ats + waits;
    this.atsInvalidations += ats;
    this.entryInvalidations++;
    this.env.counters.tlbInvalidations++;
    clock.charge(Cause.invalidate, (1 + ats + waits) * this.p.qiDescriptorNs);
    clock.charge(Cause.map, this.iovaNs);
    this.iovaFrees++;
    return clock.nowNs - t0;
  }

  /**
   * Empty the queue: (gmem-async) release the queued mappings' PTEs; one invalidation plan for the batch —
   * deferred: always one domain-wide flush; gmem-async: a domain flush for ≥ `tlbCoalescePages` pages, else
   * one invalidation per entry; then free the IOVAs. Its CPU time is attributed to packets by their share
   * of the queued entries.
   */
  private drain(): void {
    const clock = this.env.clock;
    const t0 = clock.nowNs;
    const entries = this.queue.entries;
    const pages = this.queue.pages;
    const packetShare = entries > 0 ? this.queuedPacketEntries / entries : 0;
    this.queue.drain(clock.nowNs);
    this.drains++;
    if (this.p.mode === 'gmem-async') {
      for (let k = 0; k < this.queuedStarts.length; k++) {
        const va = this.queuedStarts[k]!;
        const id = this.queuedPages[k]!;
        clock.charge(Cause.map, this.mPages[id]! * this.pteNs);
        this.maps.remove(va);
        this.mapIds.give(id);
      }
      this.invalidate(entries, pages, this.p.tlbCoalescePages);
    } else this.invalidate(entries, pages, 1);
    clock.charge(Cause.map, entries * this.iovaNs);
    this.iovaFrees += entries;
    this.queuedStarts.length = 0;
    this.queuedPages.length = 0;
    this.queuedPacketEntries = 0;
    this.packetIommuNs += (clock.nowNs - t0) * packetShare;
  }

  private invalidate(entries: number, pages: number, coalesceAt: number): void {
    const plan = planInvalidation(this.env.platform.device.tlb, entries, pages, coalesceAt);
    if (plan.ops === 0) return;
    this.env.counters.tlbInvalidations += plan.ops;
    if (plan.coalesced) this.domainFlushes++;
    else this.entryInvalidations += plan.ops;
    // ATS: each IOTLB invalidation is followed by a device-TLB invalidation that is waited for
    const atsNs = this.p.ats ? plan.ops * this.p.atsInvalidateNs : 0;
    if (this.p.ats) this.atsInvalidations += plan.ops;
    this.env.clock.charge(Cause.invalidate, plan.ns + atsNs);
  }

  // ---- DMA and allocations ------------------------------------------------------------------------------

  /** A device DMA transaction: must hit a live IOVA mapping; packets are writes larger than a descriptor. */
  deviceAccess(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    this.env.counters.remoteAccesses += b.count[i]!;
    const it = this.maps.find(va);
    if (it === undefined || va + bytes > it.end) {
      this.dmaFaults++;
      return this.rep.faultError(b.tNs[i]!, DEV, va, 'DMA to an IOVA that is not mapped (IOMMU fault)');
    }
    if ((b.access[i]! & 2) !== 0 && bytes > this.p.descriptorBytes) {
      this.mPacket[it.value] = 1;
      this.packets++;
      this.packetBytes += bytes;
      this.onArrival(b.tNs[i]!, false);
    }
  }

  private onArrival(tNs: number, dropped: boolean): void {
    if (Number.isNaN(this.firstArrivalNs)) this.firstArrivalNs = tNs;
    this.lastArrivalNs = tNs;
    if (dropped) this.drops++;
  }

  /** Device-accessible allocations are DMA buffers mapped coherently for their lifetime (dma_alloc_coherent). */
  alloc(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const bytes = b.bytes[i]!;
    const flags = b.flags[i]!;
    if (this.allocs.addRow(b, i, this.rep) < 0) return;
    if (flags & COHERENT && this.mapRange(va, bytes) < 0) this.rep.allocError(b.tNs[i]!, b.agent[i]!, va, bytes);
  }

  free(b: EventBatch, i: number): void {
    const va = b.va[i]!;
    const id = this.allocs.removeRow(b, i, this.rep);
    if (id < 0) return;
    if (!(this.allocs.flags[id]! & COHERENT)) return;
    const it = this.maps.find(va);
    if (it !== undefined && it.start === va) this.unmapRange(va, it.value, false);
  }

  checkInvariants(): void {
    if (this.queue.entries !== this.queuedStarts.length) throw new Error(`iommu-dma: queue ${this.queue.entries} entries ≠ ${this.queuedStarts.length}`);
    if (this.p.mode === 'strict' && this.queue.entries > 0) throw new Error('iommu-dma: strict mode queued an unmap');
    if (this.p.mode === 'deferred' && this.queue.entries >= this.p.flushQueueEntries) throw new Error('iommu-dma: flush queue over its size');
    if (this.iovaFrees > this.iovaAllocs) throw new Error('iommu-dma: more IOVAs freed than allocated');
  }

  private growMaps(): void {
    const n = this.mPages.length * 2;
    this.mPages = grown(this.mPages, n);
    this.mPacket = grown(this.mPacket, n);
    this.mapIds.ensure(n);
  }
}
