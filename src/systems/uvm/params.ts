import { KiB, MiB } from '../../units';
import type { ParamDoc } from '../../params';

/** Prefetcher ids (`prefetch=`), see src/policies/prefetch/. */
export type UvmPrefetch = 'tbn' | 'none' | 'random-4k' | 'sl-64k';
/** Eviction variants (`eviction=`): an ordering policy plus the granule it evicts (src/systems/uvm/evictions.ts). */
export type UvmEviction = 'chunk-lrm' | 'chunk-age' | 'lru-4k' | 'random-4k' | 'sl-64k' | 'tbn-pre' | 'lru-2m' | 'reserved-lru';

/**
 * `uvm` system parameters: policy decisions of NVIDIA UVM (driver 595.45.04 defaults) and the ISCA'19 policy
 * family. Hardware costs are profile fields (docs/cli.md §2 rule), never parameters.
 */
export interface UvmParams extends Record<string, number | boolean | string> {
  prefetch: UvmPrefetch;
  eviction: UvmEviction;
  reservedFraction: number;
  preEvictAt: number;
  prefetchOnOversub: boolean;
  oversubPrefetch: 'same' | UvmPrefetch;
  prefetchThreshold: number;
  prefetchAsync: boolean;
  vaBlockBytes: number;
  bigPageBytes: number;
  batchMax: number;
  maxBatchesPerPass: number;
  frontPages: number;
  frontEntriesPerPage: number;
  frontOrder: 'address' | 'spread';
  faultCost: 'batch' | 'far-fault';
  pageTableLocation: 'vid' | 'sys';
  pmaBatchOrder: number;
  thrashing: boolean;
  thrashingThreshold: number;
  thrashingLapseNs: number;
  thrashingAdaptiveLapse: boolean;
  thrashingEpochNs: number;
  thrashingMaxResets: number;
  throttleNs: number;
  pinThreshold: number;
  pinNs: number;
}

export const UVM_DEFAULTS: UvmParams = {
  prefetch: 'tbn',
  eviction: 'chunk-lrm',
  reservedFraction: 0,
  preEvictAt: 1,
  prefetchOnOversub: true,
  oversubPrefetch: 'same',
  prefetchThreshold: 51,
  prefetchAsync: true,
  vaBlockBytes: 2 * MiB,
  bigPageBytes: 64 * KiB,
  batchMax: 256,
  maxBatchesPerPass: 20,
  frontPages: 256,
  frontEntriesPerPage: 1.31,
  frontOrder: 'address',
  faultCost: 'batch',
  pageTableLocation: 'vid',
  pmaBatchOrder: 6,
  thrashing: true,
  thrashingThreshold: 3,
  thrashingLapseNs: 500_000,
  thrashingAdaptiveLapse: true,
  thrashingEpochNs: 1_000_000_000,
  thrashingMaxResets: 4,
  throttleNs: 500_000,
  pinThreshold: 10,
  pinNs: 150_000_000,
};

export const UVM_PARAM_DOCS: Readonly<Record<keyof UvmParams & string, ParamDoc>> = {
  prefetch: {
    summary: 'fault prefetcher: tbn = the driver density tree (uvm_perf_prefetch.c); none / random-4k / sl-64k = ISCA\'19 family',
    values: ['tbn', 'none', 'random-4k', 'sl-64k'],
  },
  eviction: {
    summary:
      'victim choice: chunk-lrm = driver (whole 2 MiB root chunks, least recently migrated into: block_mark_memory_used, uvm_va_block.c; ' +
      'pick_root_chunk_to_evict, uvm_pmm_gpu.c); chunk-age = root chunks FIFO by first residency (explicit alternative, not the driver); the rest = ISCA\'19 family',
    values: ['chunk-lrm', 'chunk-age', 'lru-4k', 'random-4k', 'sl-64k', 'tbn-pre', 'lru-2m', 'reserved-lru'],
  },
  reservedFraction: {
    summary: 'share of resident pages (from the LRU end) exempt from eviction; required > 0 by reserved-lru, optional for sl-64k/tbn-pre (UVMSmart reserve_accessed_page_percent / 100)',
    unit: 'fraction',
  },
  preEvictAt: {
    summary: 'occupancy at which eviction starts (1 = only when full; ISCA\'19 used 0.95 and 0.9); eviction beyond what a fault needs runs in the background on the D2H link',
    unit: 'fraction',
  },
  prefetchOnOversub: { summary: 'keep the prefetcher on after the first eviction (false = UVMSmart hwprefetch_oversub=0, the "LRU_OD" runs)' },
  oversubPrefetch: {
    summary:
      'prefetcher after the first eviction: same = keep `prefetch`; none / random-4k / sl-64k / tbn = switch to it (UVMSmart hwprefetch_oversub, ' +
      'e.g. the ISCA\'19 "Random + Random" and "SL + SL" runs start with TBN); prefetchOnOversub=false must not be combined with it',
    values: ['same', 'tbn', 'none', 'random-4k', 'sl-64k'],
  },
  prefetchThreshold: { summary: 'density-tree threshold in percent (uvm_perf_prefetch_threshold, default 51)', unit: 'count' },
  prefetchAsync: { summary: 'prefetch rows (cudaMemPrefetchAsync) overlap compute: the link is busy, the clock only waits where a later access needs the data' },
  vaBlockBytes: { summary: 'VA block size (UVM_VA_BLOCK_SIZE, 2 MiB): prefetch tree and chunk granule', unit: 'bytes' },
  bigPageBytes: { summary: 'GPU big page (64 KiB on Turing+): a faulted big page is taken whole by tbn, the unit of sl-64k', unit: 'bytes' },
  batchMax: { summary: 'fault-buffer entries fetched per batch, duplicates included (uvm_perf_fault_batch_count, 256)', unit: 'count' },
  maxBatchesPerPass: { summary: 'batches per service pass (uvm_perf_fault_max_batches_per_service, 20)', unit: 'count' },
  frontPages: {
    summary:
      'fault front: at most this many distinct non-resident pages of one access row in one batch, in address order; default 256 = not ' +
      'binding before the 256-entry batch (SC\'21: full batches of ~195 distinct pages; the recorded log: 8–56), docs/systems.md "fault front"',
    unit: 'count',
  },
  frontEntriesPerPage: {
    summary:
      'fault-buffer entries per faulting page, duplicates included (mean; fractional values alternate): SC\'21 no-prefetch sgemm batches of 256 ' +
      'entries migrate ~780 KB = 195 pages → 256 / 195 = 1.31; the recorded abc log has 1.0 (num_instances 1)',
    unit: 'count',
  },
  frontOrder: {
    summary:
      'order in which one access row\'s non-resident pages reach the fault buffer (faultCost=batch): address = ascending (the recorded ' +
      'abc log; SC\'21\'s regular-access first touch, ~1 GB/s); spread = one page of every 64 KiB big page of the row first, then the next ' +
      'page of each, … (waves of a tiled kernel that read all of a tensor at once, like SC\'21\'s sgemm columns: prefetching batches of up to ~8 MB). ' +
      'A modelling choice (a trace row carries no intra-row order), docs/systems.md "fault front"',
    values: ['address', 'spread'],
  },
  pageTableLocation: {
    summary:
      'where the driver keeps GPU page tables (module parameter uvm_page_table_location, uvm_mmu.c:69-100, 1063-1080; default vidmem): vid = ' +
      'kernel root chunks of device memory, ceil(page-table bytes / 2 MiB), are taken from the user budget (page-tables.ts); sys = none. ' +
      'faultCost=far-fault (GPGPU-Sim) has no page tables in device memory',
    values: ['vid', 'sys'],
  },
  pmaBatchOrder: {
    summary:
      'root chunks the GPU memory manager takes from PMA per allocation call: 2^order (uvm_perf_pma_batch_nonpinned_order, default 6 = 64 ' +
      'root chunks, uvm_pmm_gpu.c:188-194, 1966-1997, 595.45.04); faultCost=batch charges device.fault.pmaAllocNs per call (docs/systems.md ' +
      '"PMA root-chunk batches"); far-fault has no PMA',
    unit: 'count',
  },
  faultCost: {
    summary:
      'batch = device.fault.batchFixedNs per batch + perEntryNs per fetched entry + perBlockNs per VA block serviced + perFaultNs per faulted page ' +
      '+ perRegionNs per contiguous region of the pages made resident (driver model); far-fault = device.fault.serviceNs per faulted page (UVMSmart)',
    values: ['batch', 'far-fault'],
  },
  thrashing: { summary: 'thrashing detection and mitigation (uvm_perf_thrashing_enable)' },
  thrashingThreshold: { summary: 'consecutive ping-pong migrations, each within the lapse of the previous, that mark a page thrashing (3)', unit: 'count' },
  thrashingLapseNs: { summary: 'uvm_perf_thrashing_lapse_usec (500 µs); the initial lapse when thrashingAdaptiveLapse', unit: 'ns' },
  thrashingAdaptiveLapse: {
    summary: 'adjust the lapse by voting (adjust_thrashing_lapse, uvm_perf_thrashing.c: ±1/8 after 32 votes, within [5 µs, 500 ms]); the driver adapts only the default lapse',
  },
  thrashingEpochNs: { summary: 'a block quiet this long after its last thrashing event has its per-page state reset (epoch = 2000 × lapse = 1 s)', unit: 'ns' },
  thrashingMaxResets: { summary: 'epoch resets per block (uvm_perf_thrashing_max_resets, 4)', unit: 'count' },
  throttleNs: { summary: 'how long a faulting processor is throttled on a thrashing page (nap 1 × lapse = 500 µs)', unit: 'ns' },
  pinThreshold: { summary: 'throttles before the page is pinned to host memory and mapped remotely (10)', unit: 'count' },
  pinNs: { summary: 'how long a thrashing page stays pinned (300 × lapse = 150 ms)', unit: 'ns' },
};

/** Cross-parameter checks; returns a problem text or undefined. */
export function validateUvmParams(p: Readonly<UvmParams>): string | undefined {
  const pow2 = (x: number): boolean => Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
  if (!pow2(p.vaBlockBytes) || p.vaBlockBytes < 64 * KiB || p.vaBlockBytes > 2 * MiB) {
    return `vaBlockBytes must be a power of two between 64 KiB and 2 MiB, got ${p.vaBlockBytes}`;
  }
  if (!pow2(p.bigPageBytes) || p.bigPageBytes < 4 * KiB || p.bigPageBytes > p.vaBlockBytes) {
    return `bigPageBytes must be a power of two between 4 KiB and vaBlockBytes, got ${p.bigPageBytes}`;
  }
  if (!(p.reservedFraction >= 0 && p.reservedFraction < 1)) return `reservedFraction must be in [0, 1), got ${p.reservedFraction}`;
  if (p.eviction === 'reserved-lru' && p.reservedFraction === 0) {
    return 'eviction=reserved-lru needs reservedFraction > 0 (ISCA\'19 used 0.1 and 0.2), e.g. uvm:eviction=reserved-lru:reservedFraction=0.1';
  }
  if (p.reservedFraction > 0 && !['reserved-lru', 'sl-64k', 'tbn-pre'].includes(p.eviction)) {
    return `reservedFraction applies to eviction=reserved-lru, sl-64k or tbn-pre, not ${p.eviction}`;
  }
  if (p.oversubPrefetch !== 'same' && !p.prefetchOnOversub) {
    return `oversubPrefetch=${p.oversubPrefetch} switches the prefetcher after the first eviction; prefetchOnOversub=false switches it off (use oversubPrefetch=none instead)`;
  }
  if (!(p.preEvictAt > 0 && p.preEvictAt <= 1)) return `preEvictAt must be in (0, 1], got ${p.preEvictAt}`;
  if (!(p.prefetchThreshold >= 1 && p.prefetchThreshold <= 100)) return `prefetchThreshold must be in [1, 100], got ${p.prefetchThreshold}`;
  if (!(Number.isInteger(p.batchMax) && p.batchMax >= 1)) return `batchMax must be a positive integer, got ${p.batchMax}`;
  if (!(Number.isInteger(p.pmaBatchOrder) && p.pmaBatchOrder >= 0 && p.pmaBatchOrder <= 16)) return `pmaBatchOrder must be an integer in [0, 16], got ${p.pmaBatchOrder}`;
  for (const k of ['maxBatchesPerPass', 'frontPages'] as const) {
    if (!(Number.isInteger(p[k]) && p[k] >= 1)) return `${k} must be a positive integer, got ${p[k]}`;
  }
  // (far-fault counts one entry per page: frontEntriesPerPage is not used there)
  if (!(p.frontEntriesPerPage >= 1 && (p.faultCost === 'far-fault' || p.frontEntriesPerPage <= p.batchMax))) {
    return `frontEntriesPerPage must be in [1, batchMax = ${p.batchMax}], got ${p.frontEntriesPerPage}`;
  }
  if (!(Number.isInteger(p.thrashingMaxResets) && p.thrashingMaxResets >= 0)) return `thrashingMaxResets must be an integer ≥ 0, got ${p.thrashingMaxResets}`;
  if (!(Number.isInteger(p.thrashingThreshold) && p.thrashingThreshold >= 1 && p.thrashingThreshold <= 7)) {
    return `thrashingThreshold must be an integer in [1, 7] (UVM_PERF_THRASHING_THRESHOLD_MAX), got ${p.thrashingThreshold}`;
  }
  if (!(Number.isInteger(p.pinThreshold) && p.pinThreshold >= 1 && p.pinThreshold <= 255)) {
    return `pinThreshold must be an integer in [1, 255], got ${p.pinThreshold}`;
  }
  for (const k of ['thrashingLapseNs', 'thrashingEpochNs', 'throttleNs', 'pinNs'] as const) if (!(p[k] >= 0)) return `${k} must be ≥ 0, got ${p[k]}`;
  return undefined;
}
