import type { ParamDoc } from '../../params';

/** `iommu-dma` parameters (docs/gmem-model.md §6 and §8 IOMMU DMA-API). */
export interface IommuDmaParams extends Record<string, number | boolean | string> {
  mode: 'strict' | 'deferred' | 'batched' | 'gmem-async';
  flushQueueEntries: number;
  flushQueueTimeoutNs: number;
  queueEntryNs: number;
  asyncUnmapPages: number;
  asyncPeriodNs: number;
  tlbCoalescePages: number;
  batchCoalesce: number;
  qiDescriptorNs: number;
  ats: boolean;
  atsInvalidateNs: number;
  coalesceMap: boolean;
  descriptorBytes: number;
  framingBytes: number;
  cores: number;
}

export const IOMMU_DMA_DEFAULTS: IommuDmaParams = {
  mode: 'deferred',
  flushQueueEntries: 256,
  flushQueueTimeoutNs: 10_000_000,
  queueEntryNs: 50,
  asyncUnmapPages: 1024,
  asyncPeriodNs: 1_000_000_000,
  tlbCoalescePages: 5,
  batchCoalesce: 100,
  qiDescriptorNs: 100,
  ats: false,
  atsInvalidateNs: 2000,
  coalesceMap: false,
  descriptorBytes: 16,
  framingBytes: 38,
  cores: 1,
};

export const IOMMU_DMA_PARAM_DOCS: Readonly<Record<keyof IommuDmaParams & string, ParamDoc>> = {
  mode: {
    summary: 'strict: every unmap invalidates the IOTLB and waits (Linux iommu.strict=1); deferred: Linux flush queue, one domain-wide flush per drain (the x86 default); batched: FreeBSD DMAR queued invalidation — one range descriptor per unmap, wait descriptors not waited for, entries freed asynchronously (the GMEM paper\'s baseline); gmem-async: the GMEM paper\'s batched asynchronous unmap',
    values: ['strict', 'deferred', 'batched', 'gmem-async'],
  },
  flushQueueEntries: { summary: 'deferred: per-CPU flush queue size (IOVA_DEFAULT_FQ_SIZE 256; single-queue variant 32768)', unit: 'count' },
  flushQueueTimeoutNs: { summary: 'deferred: flush queue timer (IOVA_DEFAULT_FQ_TIMEOUT 10 ms; single-queue variant 1000 ms), armed by the first unmap queued while it is off; when it fires, one domain-wide flush (even with nothing left queued) and every queued IOVA freed (dma-iommu.c queue_iova / fq_flush_timeout)', unit: 'ns' },
  queueEntryNs: { summary: 'deferred and gmem-async: CPU time to queue one unmap and retire it — Linux queue_iova (smp_mb, fq spin_lock_irqsave, ring entry, unlock); GMEM enqueue_unmap_req (uma_zalloc, enqueue lock, TAILQ insert) and uma_zfree in the handler — placeholder', unit: 'ns' },
  asyncUnmapPages: { summary: 'gmem-async: the queue is drained when it exceeds this many pages (unmap_coalesce_threshold 1024 = 4 MiB)', unit: 'count' },
  asyncPeriodNs: { summary: 'gmem-async: daemon drain period (1 s / wakeup_time, wakeup_time = 1)', unit: 'ns' },
  tlbCoalescePages: { summary: 'gmem-async: a drained batch of at least this many pages gets one domain-wide IOTLB flush, else one invalidation per entry (tlb_coalesce_threshold 5)', unit: 'count' },
  batchCoalesce: { summary: 'batched: a wait descriptor after every this many entries of one unload, and after its last (FreeBSD dmar_batch_coalesce = 100, sys/x86/iommu/intel_drv.c; intel_ctx.c dmar_domain_unload_emit_wait)', unit: 'count' },
  qiDescriptorNs: { summary: 'batched: CPU time to queue one invalidation or wait descriptor (write 16 B into the QI ring under the unit lock, advance the tail register) — placeholder', unit: 'ns' },
  ats: { summary: 'the NIC caches translations (PCIe ATS): every IOTLB invalidation is followed by a device-TLB invalidation (Linux intel-iommu qi_flush_dev_iotlb after the IOTLB flush) — off by default (no ATS on the paper\'s NIC is known)' },
  atsInvalidateNs: { summary: 'one device-TLB (ATS) invalidation round trip to the device, waited for except in batched mode (queued as one more descriptor) — placeholder', unit: 'ns' },
  coalesceMap: { summary: 'gmem-async: contiguous 4 KiB pages of one map merge into one pmap_enter (off in the paper code)' },
  descriptorBytes: { summary: 'device writes of at most this size are descriptor write-backs, larger ones are packets (nic-rx contract: 16 B descriptors)', unit: 'bytes' },
  cores: { summary: 'receive cores (RSS queues): throughput scales with them; with more than one, batched and gmem-async wait for the FreeBSD domain-wide IOVA lock (M/D/1 closed form), strict and deferred use Linux per-CPU IOVA caches and flush queues', unit: 'count' },
  framingBytes: { summary: 'per-packet wire overhead added to packet bytes for rxGbps (Ethernet: header 14 + FCS 4 + preamble 8 + gap 12 = 38, as the nic-rx generator)', unit: 'bytes' },
};

export function validateIommuDmaParams(p: Readonly<IommuDmaParams>): string | undefined {
  if (!(p.queueEntryNs >= 0)) return `queueEntryNs must be ≥ 0, got ${p.queueEntryNs}`;
  if (!(p.qiDescriptorNs >= 0)) return `qiDescriptorNs must be ≥ 0, got ${p.qiDescriptorNs}`;
  if (!(p.atsInvalidateNs >= 0)) return `atsInvalidateNs must be ≥ 0, got ${p.atsInvalidateNs}`;
  if (!(Number.isInteger(p.flushQueueEntries) && p.flushQueueEntries >= 2)) return `flushQueueEntries must be an integer ≥ 2 (the ring holds one less), got ${p.flushQueueEntries}`;
  for (const k of ['asyncUnmapPages', 'tlbCoalescePages', 'batchCoalesce', 'cores'] as const) {
    if (!(Number.isInteger(p[k]) && p[k] >= 1)) return `${k} must be a positive integer, got ${p[k]}`;
  }
  for (const k of ['flushQueueTimeoutNs', 'asyncPeriodNs'] as const) if (!(p[k] > 0)) return `${k} must be > 0, got ${p[k]}`;
  if (!(p.descriptorBytes >= 0) || !(p.framingBytes >= 0)) return 'descriptorBytes and framingBytes must be ≥ 0';
  return undefined;
}
