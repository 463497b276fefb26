import { MiB } from '../../units';
import type { ParamDoc } from '../../params';
import { DRIVERS, type GpuvmDriver } from './drivers';

/** `gpuvm-sparse` parameters (docs/systems.md §gpuvm-sparse; docs/gmem-model.md §8 GPUVM / VM_BIND, §11). */
export interface GpuvmSparseParams extends Record<string, number | boolean | string> {
  driver: GpuvmDriver;
  submission: 'driver' | 'same-time' | 'per-op';
  opNs: number;
  tableAllocNs: number;
  leafTableBytes: number;
  tableEntries: number;
  allocBinds: boolean;
  bindQueue: 'sparse' | 'render';
  compTagClearNs: number;
}

export const GPUVM_SPARSE_DEFAULTS: GpuvmSparseParams = {
  driver: 'xe',
  submission: 'driver',
  opNs: 500,
  tableAllocNs: 2000,
  leafTableBytes: 2 * MiB,
  tableEntries: 512,
  allocBinds: true,
  bindQueue: 'sparse',
  compTagClearNs: 5000,
};

export const GPUVM_SPARSE_PARAM_DOCS: Readonly<Record<keyof GpuvmSparseParams & string, ParamDoc>> = {
  driver: {
    summary: 'kernel driver whose bind path is modelled (src/systems/gpuvm-sparse/drivers.ts cites each): xe, amdgpu, nouveau (NVK), asahi (measured composite per-op costs), legacy (the pre-issue-20 model: one leaf PTE per page, composite cost with parts stacked on top — no real driver)',
    values: [...DRIVERS],
  },
  submission: {
    summary: 'what one submission (one ioctl: device.map.submitNs, and the per-call TLB invalidation) is: the driver\'s own (driver), every map/unmap row of one t_ns (same-time: one vkQueueBindSparse call), or every row (per-op)',
    values: ['driver', 'same-time', 'per-op'],
  },
  opNs: { summary: 'CPU work per bind or unbind operation inside an ioctl (drm_gpuvm op, VMA alloc, tree update) — placeholder; not used by asahi/legacy', unit: 'ns' },
  tableAllocNs: { summary: 'allocating and clearing one page table (a 4 KiB BO: xe_pt_create + populate_empty, amdgpu_vm_pt_alloc + clear) — placeholder', unit: 'ns' },
  leafTableBytes: {
    summary: 'VA covered by one last-level page table (2 MiB: 512 × 4 KiB PTEs); 2 MiB entries are one level up, 1 GiB two',
    unit: 'bytes',
  },
  tableEntries: { summary: 'entries per directory level (512 on x86-style radix GPU page tables)', unit: 'count' },
  allocBinds: { summary: 'managed/device `alloc` rows become a buffer object bound into the VM (one bind); false: allocations are not bound' },
  bindQueue: {
    summary: 'where `flags=async` map/unmap rows run: sparse = on the sparse-binding queue beside rendering, the next kernel_begin waits for it (only the excess over the overlap window is charged; bind-queue.ts); render = on the render path, charged in full (as if there were no separate queue)',
    values: ['sparse', 'render'],
  },
  compTagClearNs: { summary: 'allocating and clearing the compression tags of one memory object at its first compressed bind (nouveau only: nvkm_memory_tags_get + nvkm_ltc_tags_clear; compression.ts) — placeholder', unit: 'ns' },
};

export function validateGpuvmSparseParams(p: Readonly<GpuvmSparseParams>): string | undefined {
  const pow2 = (x: number): boolean => Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
  if (!pow2(p.leafTableBytes) || p.leafTableBytes < 64 * 1024) return `leafTableBytes must be a power of two ≥ 64 KiB, got ${p.leafTableBytes}`;
  if (!pow2(p.tableEntries) || p.tableEntries < 2) return `tableEntries must be a power of two ≥ 2, got ${p.tableEntries}`;
  if (!(p.opNs >= 0) || !(p.tableAllocNs >= 0) || !(p.compTagClearNs >= 0)) return 'opNs, tableAllocNs and compTagClearNs must be ≥ 0';
  return undefined;
}
