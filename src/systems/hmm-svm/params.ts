import { MiB } from '../../units';
import type { ParamDoc } from '../../params';

/** `hmm-svm` parameters: AMD KFD SVM policy constants (Linux `drivers/gpu/drm/amd/amdkfd/kfd_svm.c`). */
export interface HmmSvmParams extends Record<string, number | boolean | string> {
  granularityBytes: number;
  retryFaults: boolean;
  retryDropNs: number;
  restoreDelayNs: number;
  maxRangeBytes: number;
  victim: string;
  scope: 'ranges' | 'mm';
}

export const HMM_SVM_DEFAULTS: HmmSvmParams = {
  granularityBytes: 2 * MiB,
  retryFaults: true,
  retryDropNs: 2_000_000,
  restoreDelayNs: 1_000_000,
  maxRangeBytes: 0,
  victim: 'lru',
  scope: 'ranges',
};

export const HMM_SVM_PARAM_DOCS: Readonly<Record<keyof HmmSvmParams & string, ParamDoc>> = {
  granularityBytes: { summary: 'migration unit, aligned and clipped to the range (2^amdgpu_svm_default_granularity × 4 KiB = 2 MiB)', unit: 'bytes' },
  retryFaults: {
    summary: 'GPU retry faults (XNACK on): demand migration on GPU faults; off: ranges mapped up front where they are, every CPU-side invalidation evicts the user queues until a restore',
  },
  retryDropNs: { summary: 'faults on a range within this time of its last validation are dropped and retried (AMDGPU_SVM_RANGE_RETRY_FAULT_PENDING, 2 ms)', unit: 'ns' },
  restoreDelayNs: { summary: 'queue restore delay after an eviction when retry faults are off (AMDGPU_SVM_RANGE_RESTORE_DELAY_MS, 1 ms)', unit: 'ns' },
  maxRangeBytes: {
    summary: 'SVM range size cap; 0 = the driver rule min(VRAM / 32) clamped to [2 MiB, 1 GiB], 2 MiB aligned (max_svm_range_pages)',
    unit: 'bytes',
  },
  victim: { summary: 'eviction order of VRAM units (a victim evicts its whole range, as TTM evicts the SVM BO)', values: ['lru', 'fifo', 'random'] },
  scope: {
    summary:
      'what the device is bound to: ranges = the managed allocations only (SVM ranges, one interval notifier each); mm = the whole process ' +
      'address space (SVA/PASID: one mm-wide notifier, as iommu_sva\'s arch_invalidate_secondary_tlbs): every CPU-side invalidation of memory ' +
      'outside the ranges (munmap of any allocation, mprotect, fork) also calls back once and invalidates the device TLB',
    values: ['ranges', 'mm'],
  },
};

export function validateHmmSvmParams(p: Readonly<HmmSvmParams>): string | undefined {
  const pow2 = (x: number): boolean => Number.isInteger(x) && x >= 4096 && (x & (x - 1)) === 0;
  if (!pow2(p.granularityBytes)) return `granularityBytes must be a power of two ≥ 4 KiB, got ${p.granularityBytes}`;
  if (p.maxRangeBytes !== 0 && !(p.maxRangeBytes >= p.granularityBytes && p.maxRangeBytes % p.granularityBytes === 0)) {
    return `maxRangeBytes must be 0 (driver rule) or a multiple of granularityBytes, got ${p.maxRangeBytes}`;
  }
  for (const k of ['retryDropNs', 'restoreDelayNs'] as const) if (!(p[k] >= 0)) return `${k} must be ≥ 0, got ${p[k]}`;
  return undefined;
}

/** The driver's range cap: VRAM / 32, clamped to [2 MiB, 1 GiB], rounded up to 2 MiB (`svm_range_set_max_pages`). */
export function driverMaxRangeBytes(vramBytes: number): number {
  const pages = Math.min(Math.max(Math.floor(vramBytes / 32 / 4096), 512), 1 << 18);
  return Math.ceil(pages / 512) * 512 * 4096;
}
