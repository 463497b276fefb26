import { MiB } from '../../units';
import type { ParamDoc } from '../../params';

/** `gpuvm-sparse` parameters (docs/gmem-model.md §8 GPUVM / VM_BIND, §11). */
export interface GpuvmSparseParams extends Record<string, number | boolean | string> {
  leafTableBytes: number;
  tableEntries: number;
  submission: 'same-time' | 'per-op';
  allocBinds: boolean;
}

export const GPUVM_SPARSE_DEFAULTS: GpuvmSparseParams = {
  leafTableBytes: 2 * MiB,
  tableEntries: 512,
  submission: 'same-time',
  allocBinds: true,
};

export const GPUVM_SPARSE_PARAM_DOCS: Readonly<Record<keyof GpuvmSparseParams & string, ParamDoc>> = {
  leafTableBytes: {
    summary: 'VA covered by one last-level page table (2 MiB: 512 × 4 KiB PTEs, or 32 × 64 KiB); 2 MiB pages are entries one level up',
    unit: 'bytes',
  },
  tableEntries: { summary: 'entries per directory level (512 on x86-style radix GPU page tables)', unit: 'count' },
  submission: {
    summary: 'what one bind submission is (one sync + one TLB invalidation if it unbinds): consecutive map/unmap rows with the same t_ns (a vkQueueBindSparse call), or every row on its own',
    values: ['same-time', 'per-op'],
  },
  allocBinds: { summary: 'managed/device `alloc` rows become a buffer object bound into the VM (one bind); false: allocations are not bound' },
};

export function validateGpuvmSparseParams(p: Readonly<GpuvmSparseParams>): string | undefined {
  const pow2 = (x: number): boolean => Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
  if (!pow2(p.leafTableBytes) || p.leafTableBytes < 64 * 1024) return `leafTableBytes must be a power of two ≥ 64 KiB, got ${p.leafTableBytes}`;
  if (!pow2(p.tableEntries) || p.tableEntries < 2) return `tableEntries must be a power of two ≥ 2, got ${p.tableEntries}`;
  return undefined;
}
