import type { GpuvmDriver } from './drivers';

/**
 * What a compressed bind costs beyond its entries, per driver (docs/systems.md §gpuvm-sparse "Compressed
 * binds"). Linux torvalds/linux master as indexed Dec 2026 (functions named; line numbers not available).
 *
 * - `xe`: nothing per bind. Compression is chosen by the PAT index written in the same PTE (the bind's
 *   `pat_index`, xe_vm.c bind ops → xe_pt.c PTE encode); the CCS metadata is cleared when the BO's VRAM is
 *   allocated (xe_bo.c xe_bo_move: a move that "lacks source" into VRAM runs xe_migrate_clear with
 *   XE_MIGRATE_CLEAR_FLAG_FULL = BO data + CCS data) — once per buffer object at allocation, whether or not it
 *   is ever bound compressed, so not a bind cost.
 * - `amdgpu`: nothing per bind. GFX12 DCC is a PTE bit (gmc_v12_0.c gmc_v12_0_get_vm_pte: a BO created with
 *   AMDGPU_GEM_CREATE_GFX12_DCC gets AMDGPU_PTE_DCC in the same PTE write); before GFX12 DCC metadata lives in
 *   the image's own memory (surface layout), written by the application, not by the bind.
 * - `nouveau`: a compressed kind needs compression tags (comptag lines) for the whole memory object:
 *   vmmgp100.c gp100_vmm_valid (also tu102_vmm's .valid) calls nvkm_memory_tags_get(memory, device,
 *   size >> 16, nvkm_ltc_tags_clear, …); core/memory.c nvkm_memory_tags_get allocates them and clears them
 *   (`clr`) only when the memory object has none yet, otherwise takes a reference; nvkm_memory_tags_put frees
 *   them when the last mapping goes. So one clear per memory object per time it becomes compressed-mapped
 *   (`compTagClearNs`, placeholder); where the chip has no tag memory (nvkm_mm_head fails) the kind is demoted
 *   to uncompressed and nothing is cleared (not modelled: counted as a clear).
 * - `asahi`: the measured composite per-op cost only (no compressed-bind measurement exists; nothing added).
 * - `legacy`: nothing (the pre-issue-20 model counted compressed binds without cost).
 */
export const CLEARS_COMP_TAGS: Readonly<Record<GpuvmDriver, boolean>> = {
  xe: false,
  amdgpu: false,
  nouveau: true,
  asahi: false,
  legacy: false,
};

/** Live compressed binds per memory object (`resource` id): tags are cleared when the first one appears. */
export class CompTags {
  private readonly live = new Map<number, number>();
  clears = 0;

  /** A compressed bind of `resource` appears; true when its tags must be allocated and cleared now. */
  get(resource: number): boolean {
    const n = this.live.get(resource) ?? 0;
    this.live.set(resource, n + 1);
    if (n > 0) return false;
    this.clears++;
    return true;
  }

  /** One more live piece of an existing compressed bind (a split keeps both sides). */
  ref(resource: number): void {
    this.live.set(resource, (this.live.get(resource) ?? 0) + 1);
  }

  /** A compressed bind of `resource` is gone; the tags are freed with the last one. */
  put(resource: number): void {
    const n = (this.live.get(resource) ?? 0) - 1;
    if (n > 0) this.live.set(resource, n);
    else this.live.delete(resource);
  }
}
