/**
 * What each kernel driver does for one VM_BIND / sparse-bind operation (docs/systems.md §gpuvm-sparse, "Drivers").
 * Every field cites the code it comes from (Linux torvalds/linux master as indexed Dec 2026; the full tree
 * could not be fetched, so functions are named instead of line numbers). The costs these counts are multiplied
 * by live in the profile (`device.map.*`, `device.tlb.invalidateNs`) and in the system parameters (`opNs`,
 * `tableAllocNs`), all placeholders except the Asahi measurement.
 */

export const DRIVERS = ['xe', 'amdgpu', 'nouveau', 'asahi', 'legacy'] as const;
export type GpuvmDriver = (typeof DRIVERS)[number];

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export interface DriverBehaviour {
  /**
   * What one submission (one ioctl, one job, one fence wait) is: `call` = every bind of one
   * vkQueueBindSparse call (rows with the same t_ns) in one ioctl; `per-op` = one ioctl per bind.
   */
  readonly submission: 'call' | 'per-op';
  /**
   * When the device TLB is invalidated: `per-call` once per submission that unbound or replaced anything;
   * `per-op` after every bind and unbind; `next-gpu-work` once before the next GPU job after any unbind;
   * `in-op` the measured per-op cost already contains it.
   */
  readonly invalidation: 'per-call' | 'per-op' | 'next-gpu-work' | 'in-op';
  /** Entry sizes above the leaf that one entry can map, largest first, for NULL and contiguous ranges. */
  readonly largeEntryBytes: readonly number[];
  /** Smallest entry size (granule of a leaf run). */
  readonly leafBytes: number;
  /** Entries a 64 KiB page is written as. */
  readonly entriesPer64K: number;
  /** A 64 KiB bind covering a whole aligned 2 MiB uses a compact table: 32 entries per 2 MiB (Xe ≥ 12.50). */
  readonly compact64K: boolean;
  /** Granule of the leaf runs of a NULL (sparse-residency) bind outside its large entries. */
  readonly nullLeafBytes: number;
  /**
   * What a split (a bind or unbind inside a live bind) does to the kept pieces: `unaligned` rewrites a kept
   * piece whose new boundary is not aligned to the largest entry the old bind used; `always` rewrites every
   * kept piece; `never` leaves them.
   */
  readonly rewriteKept: 'unaligned' | 'always' | 'never';
  /** A new page table is allocated and cleared (`tableAllocNs` each). */
  readonly clearsTables: boolean;
  /** Measured composite per-op costs (`device.map.bindNs`/`unbindNs`) that contain syscall, PTE writes and invalidation. */
  readonly composite: boolean;
  /** Legacy (before issue 20; no real driver): composite costs plus per-entry, submission and invalidation costs on top. */
  readonly stacked: boolean;
  readonly source: string;
}

export const DRIVER_BEHAVIOUR: Readonly<Record<GpuvmDriver, DriverBehaviour>> = {
  xe: {
    // xe_vm.c xe_vm_bind_ioctl → vm_bind_ioctl_ops_execute: all ops of one ioctl are one job and one fence;
    // ANV (Mesa src/intel/vulkan/anv_sparse.c, xe backend) puts a vkQueueBindSparse call in one VM_BIND ioctl.
    submission: 'call',
    // xe_pt.c unbind_op_prepare sets pt_update_ops->needs_invalidation; xe_pt_update_ops_run issues one TLB
    // invalidation job for the ioctl's range.
    invalidation: 'per-call',
    // xe_pt.c xe_pt_hugepte_possible: levels ≤ MAX_HUGEPTE_LEVEL (2: 2 MiB, 1 GiB) when the VA covers the entry
    // and (not for NULL VMAs: "null VMA's do not have dma addresses") the DMA segment is contiguous and aligned.
    largeEntryBytes: [GiB, 2 * MiB],
    leafBytes: 4 * KiB,
    // xe_pt.c xe_pt_stage_bind_entry: a 64 KiB page is 16 level-0 PTEs with the XE_PTE_PS64 hint ...
    entriesPer64K: 16,
    // ... unless the VMA covers the whole 2 MiB: compact table, XE_PDE_64K (GRAPHICS_VERx100 ≥ 1250).
    compact64K: true,
    nullLeafBytes: 4 * KiB,
    // xe_vm.c vm_bind_ioctl_ops_parse, DRM_GPUVA_OP_REMAP: skip_prev/skip_next only when the split boundary is
    // aligned to xe_vma_max_pte_size(old); otherwise the kept VMA is bound again (bind_op_prepare).
    rewriteKept: 'unaligned',
    // xe_pt.c xe_pt_create (a 4 KiB BO per table) + xe_pt_populate_empty (scratch/zero fill).
    clearsTables: true,
    composite: false,
    stacked: false,
    source: 'drivers/gpu/drm/xe/xe_pt.c (xe_pt_hugepte_possible, xe_pt_stage_bind_entry, xe_pt_create, unbind_op_prepare), xe_vm.c (vm_bind_ioctl_ops_parse)',
  },
  amdgpu: {
    // RADV (Mesa src/amd/vulkan/radv_queue.c, sparse binds → ws->buffer_virtual_bind): one GEM_VA ioctl
    // per run of contiguous binds, i.e. per bind in a tile-by-tile stream.
    submission: 'per-op',
    // amdgpu_vm.c amdgpu_vm_update_range bumps vm->tlb_seq; the flush is done by amdgpu_vm_flush before the
    // VM's next job, not in the ioctl.
    invalidation: 'next-gpu-work',
    // amdgpu_vm_pt.c amdgpu_vm_pte_fragment + amdgpu_vm_ptes_update: fragments ≥ the parent shift use a PDE as
    // PTE (AMDGPU_PDE_PTE) on Vega10 and later: 2 MiB (PDB0) and 1 GiB (PDB1) entries; PRT ranges have no
    // pages_addr and take the same fragments.
    largeEntryBytes: [GiB, 2 * MiB],
    leafBytes: 4 * KiB,
    // amdgpu_vm_pt.c: below 2 MiB every 4 KiB PTE is written, carrying the fragment field (64 KiB → frag 4).
    entriesPer64K: 16,
    compact64K: false,
    nullLeafBytes: 4 * KiB,
    // amdgpu_vm.c amdgpu_vm_bo_clear_mappings: the `before`/`after` pieces of a split mapping go to the
    // bo_va's invalids list and are written again by the next amdgpu_vm_bo_update.
    rewriteKept: 'always',
    // amdgpu_vm_pt.c amdgpu_vm_pt_alloc → amdgpu_vm_pt_create + amdgpu_vm_pt_clear.
    clearsTables: true,
    composite: false,
    stacked: false,
    source: 'drivers/gpu/drm/amd/amdgpu/amdgpu_vm_pt.c (amdgpu_vm_pte_fragment, amdgpu_vm_ptes_update, amdgpu_vm_pt_alloc), amdgpu_vm.c (amdgpu_vm_bo_clear_mappings, tlb_seq)',
  },
  nouveau: {
    // nouveau_uvmm.c nouveau_uvmm_ioctl_vm_bind: one bind job per ioctl with all its ops; NVK submits one
    // vkQueueBindSparse call as one VM_BIND ioctl.
    submission: 'call',
    // nvkm/subdev/mmu/vmm.c nvkm_vmm_iter: every map/unmap walk marks the flush (nvkm_vmm_flush_mark) and
    // ends with nvkm_vmm_flush: one invalidation per operation.
    invalidation: 'per-op',
    // gp100+ page sizes (vmmgp100.c): 2 MiB PDE-level pages; sparse ranges use the largest page that fits
    // (nvkm_vmm_ptes_sparse).
    largeEntryBytes: [2 * MiB],
    leafBytes: 4 * KiB,
    // Large-page table (LPT) of the dual PDE: one entry per 64 KiB page.
    entriesPer64K: 1,
    compact64K: false,
    nullLeafBytes: 64 * KiB,
    // nouveau_uvmm.c op_remap: only the range that goes away is unmapped; kept pieces stay as written.
    rewriteKept: 'never',
    // vmm.c nvkm_vmm_ref_hwpt: a new hardware page table is allocated and filled (invalid or sparse entries).
    clearsTables: true,
    composite: false,
    stacked: false,
    source: 'drivers/gpu/drm/nouveau/nouveau_uvmm.c (ioctl_vm_bind, op_remap), nvkm/subdev/mmu/vmm.c (nvkm_vmm_iter, nvkm_vmm_ptes_sparse, nvkm_vmm_ref_hwpt)',
  },
  asahi: {
    // AsahiLinux/linux#495: synchronous single-page bind/unbind ioctls measured on the Apple GPU (0.744 µs
    // bind, ~0.5 µs unbind) — syscall, PTE write and TLB invalidation included: nothing is added on top.
    submission: 'per-op',
    invalidation: 'in-op',
    largeEntryBytes: [],
    leafBytes: 16 * KiB, // Apple GPU pages are 16 KiB (UAT)
    entriesPer64K: 4,
    compact64K: false,
    nullLeafBytes: 16 * KiB,
    rewriteKept: 'never',
    clearsTables: false,
    composite: true,
    stacked: false,
    source: 'github.com/AsahiLinux/linux/pull/495 (measured per-op costs)',
  },
  legacy: {
    // The model before issue 20 (no real driver): one leaf entry per page at the bind's page size, NULL binds
    // included; the Asahi composite bind cost plus per-entry, per-submission and invalidation costs on top.
    submission: 'call',
    invalidation: 'per-call',
    largeEntryBytes: [],
    leafBytes: 4 * KiB,
    entriesPer64K: 1,
    compact64K: false,
    nullLeafBytes: 0, // the bind's own page size
    rewriteKept: 'never',
    clearsTables: false,
    composite: false,
    stacked: true,
    source: 'gmemlab before issue 20 (no driver does this)',
  },
};

/** One run of entries: `count` entries of `entryBytes` each, starting at `va`. */
export interface EntryRun {
  va: number;
  entryBytes: number;
  count: number;
}

/**
 * The entries a driver writes to map `[va, end)` with pages of `pageBytes` (`null` binds: no backing, so
 * large entries wherever the VA is aligned). `out` is filled with runs (reused, cleared first); returns the
 * entry count and, in `out.largest`, the largest entry size used (xe's xe_vma_max_pte_size).
 */
export function entryRuns(d: DriverBehaviour, va: number, end: number, pageBytes: number, isNull: boolean, out: EntryRun[]): { entries: number; largest: number } {
  out.length = 0;
  let entries = 0;
  let largest = 0;
  const push = (a: number, entryBytes: number, count: number, writes: number): void => {
    if (count <= 0) return;
    out.push({ va: a, entryBytes, count });
    entries += writes;
    if (entryBytes > largest) largest = entryBytes;
  };
  if (d.stacked) {
    // legacy: one entry per page of the bind's page size
    const n = Math.ceil((end - va) / pageBytes);
    push(va, pageBytes, n, n);
    return { entries, largest };
  }
  // large entries: for NULL any aligned size; for backed memory only up to the page size the bind declares
  // contiguous (a 2 MiB page bind is backed by 2 MiB-contiguous memory; 64 KiB tiles are not)
  const large = d.largeEntryBytes.filter((s) => isNull || s <= pageBytes);
  const smallestLarge = large.length > 0 ? large[large.length - 1]! : Infinity;
  let a = va;
  while (a < end) {
    let took = false;
    for (const s of large) {
      if (a % s === 0 && a + s <= end) {
        // as many consecutive entries of this size as fit
        let n = Math.floor((end - a) / s);
        if (s !== large[0]) n = Math.min(n, (Math.ceil((a + 1) / large[0]!) * large[0]! - a) / s); // up to the next larger boundary
        push(a, s, n, n);
        a += n * s;
        took = true;
        break;
      }
    }
    if (took) continue;
    const lim = Math.min(end, Number.isFinite(smallestLarge) ? Math.floor(a / smallestLarge) * smallestLarge + smallestLarge : end);
    leafRun(d, a, lim, pageBytes, isNull, push);
    a = lim;
  }
  return { entries, largest };
}

/** Entries of a leaf run `[a, lim)` (inside one 2 MiB region unless no large sizes apply). */
function leafRun(
  d: DriverBehaviour, a: number, lim: number, pageBytes: number, isNull: boolean,
  push: (a: number, entryBytes: number, count: number, writes: number) => void,
): void {
  const bytes = lim - a;
  if (isNull) {
    const g = d.nullLeafBytes;
    if (g > d.leafBytes && a % g === 0 && bytes % g === 0) return push(a, g, bytes / g, bytes / g);
    return push(a, d.leafBytes, Math.ceil(bytes / d.leafBytes), Math.ceil(bytes / d.leafBytes));
  }
  if (pageBytes === 64 * KiB && a % pageBytes === 0 && bytes % pageBytes === 0) {
    const n = bytes / pageBytes;
    // xe compact layout: a bind covering the whole 2 MiB region writes 32 entries
    const writes = d.compact64K && bytes === 2 * MiB ? n : n * d.entriesPer64K;
    return push(a, pageBytes, n, writes);
  }
  const size = Math.max(d.leafBytes, Math.min(pageBytes, 4 * KiB));
  const n = Math.ceil(bytes / size);
  push(a, size, n, n);
}

/**
 * The page size a bind is written with: the requested one when the device has it and the range is aligned to
 * it, else the largest smaller device size that fits (`fellBack` when a requested size was not honoured).
 */
export function choosePageSize(sizes: readonly number[], va: number, bytes: number, requested: number): { size: number; fellBack: boolean } {
  const want = Number.isNaN(requested) ? sizes[0]! : requested;
  if (sizes.includes(want) && va % want === 0 && bytes % want === 0) return { size: want, fellBack: false };
  const fellBack = !Number.isNaN(requested);
  for (let k = sizes.length - 1; k >= 0; k--) {
    const s = sizes[k]!;
    if (s <= want && va % s === 0 && bytes % s === 0) return { size: s, fellBack };
  }
  return { size: sizes[0]!, fellBack };
}
