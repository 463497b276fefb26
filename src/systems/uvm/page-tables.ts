/**
 * GPU page-table memory of the driver (uvm, faultCost=batch, `pageTableLocation=vid`): how many bytes of page
 * directories and PTE tables the VA blocks in use need, and so how many 2 MiB root chunks of device memory are
 * kernel memory that user data cannot use.
 *
 * The driver's page tables live in vidmem by default (`uvm_page_table_location` unset → vidmem with a sysmem
 * fallback, uvm_mmu.c:1063-1080, 595.45.04), allocated through `uvm_pmm_gpu_alloc_kernel` (`phys_mem_allocate_vidmem`,
 * uvm_mmu.c:172-200, with eviction: `UVM_PMM_ALLOC_FLAGS_EVICT`, :885-887). Kernel chunks are carved from root
 * chunks of the kernel memory type (`pmm->chunk_sizes[type]`, uvm_pmm_gpu.c:3605-3614: every type has its own root
 * chunks), which are never evicted (uvm_pmm_gpu.c:63-69; `UVM_PMM_GPU_MEMORY_TYPE_KERNEL`, uvm_pmm_gpu.h:102), so the page tables take whole 2 MiB root chunks from the
 * user budget: ceil(page-table bytes / 2 MiB), at least one as soon as any managed memory exists.
 *
 * Layout (every NVIDIA MMU HAL of the driver: Pascal 515.43.04 uvm_pascal_mmu.c:172-213, Turing/Ampere 595.45.04
 * uvm_turing_mmu.c:180-213, Hopper uvm_hopper_mmu.c:90-128): the directory whose entries map 2 MiB has 2^8 entries
 * (bit_widths[last] = 8), every directory above it 2^9 entries, the root the remaining VA bits; each directory is
 * `device.pageTable.dirBytes`; each 2 MiB block mapped with small pages has `device.pageTable.pteTablesBytesPer2M`
 * of PTE tables. Counted here for every 2 MiB window of a live managed allocation from its allocation on, whether
 * or not its VA block has been created yet: the driver allocates a block's tables when it maps it (an upper bound;
 * a block mapped by a 2 MiB PTE needs no PTE table).
 */
export class PageTables {
  /** Per directory level below the root (from the level of 2 MiB entries up): live blocks per directory. */
  private readonly dirs: Array<Map<number, number>>;
  private readonly shifts: number[];
  blocks = 0;

  constructor(
    ptLevels: number,
    private readonly dirBytes: number,
    private readonly pteTablesBytesPer2M: number,
  ) {
    // ptLevels counts the PTE level too: directories = ptLevels - 1, of which one is the root
    const below = Math.max(0, ptLevels - 2);
    this.dirs = [];
    this.shifts = [];
    for (let d = 0; d < below; d++) {
      this.dirs.push(new Map());
      this.shifts.push(8 + 9 * d);
    }
  }

  /**
   * The managed 2 MiB blocks `[k0, k1]` (key = va / 2 MiB) came into use (`sign` 1) or went away (−1), each exactly
   * once: per directory level, one count update per directory the range spans (a 1 TiB allocation is 2,048 lowest
   * directories, not 524,288 blocks).
   */
  changeBlocks(k0: number, k1: number, sign: 1 | -1): void {
    this.blocks += sign * (k1 - k0 + 1);
    for (let d = 0; d < this.dirs.length; d++) {
      const span = 2 ** this.shifts[d]!;
      const m = this.dirs[d]!;
      for (let dir = Math.floor(k0 / span); dir <= Math.floor(k1 / span); dir++) {
        const lo = Math.max(k0, dir * span);
        const hi = Math.min(k1, (dir + 1) * span - 1);
        const n = (m.get(dir) ?? 0) + sign * (hi - lo + 1);
        if (n > 0) m.set(dir, n);
        else m.delete(dir);
      }
    }
  }

  /** Page-table bytes of the blocks in use: the root, every directory below it that maps one, the PTE tables. */
  get bytes(): number {
    if (this.blocks === 0) return 0;
    let dirs = 1;
    for (const m of this.dirs) dirs += m.size;
    return dirs * this.dirBytes + this.blocks * this.pteTablesBytesPer2M;
  }

  /** Device bytes the page tables hold: whole root chunks of kernel memory. */
  rootChunkBytes(rootBytes: number): number {
    return Math.ceil(this.bytes / rootBytes) * rootBytes;
  }
}
