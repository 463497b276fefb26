import { IntrusiveList } from '../../policies/eviction/intrusive-list';
import type { EvictionPolicy, PolicyEnv } from '../../policies/types';

/*
 * The victim order of the device driver behind GMEM (`victim=driver`, docs/gmem-model.md §5).
 *
 * GMEM's core selects no victims: mm/gmem.c (RFC PATCH 3/6–4/6, 2023-11-28; openEuler mm/gmem.c) calls the
 * driver's `peer_map` and, when the driver answers GM_RET_MIGRATING ("gmem page is migrating due to
 * overcommit", `gm_dev_fault`), marks the mapping WILLNEED; which device page leaves is the driver's choice.
 * No driver implements GMEM's `peer_map` publicly, so `driver` names the driver whose order is assumed:
 *
 * `nvidia-uvm` (open-gpu-kernel-modules 595.45.04, kernel-open/nvidia-uvm/): least-recently-migrated-into
 * 2 MiB root chunk. `uvm_va_block_make_resident_finish` (uvm_va_block.c:4958) and
 * `uvm_va_block_make_resident_read_duplicate` (uvm_va_block.c:5212) call `block_mark_memory_used`
 * (uvm_va_block.c:3387) after every migration into a block, which calls `uvm_pmm_gpu_mark_root_chunk_used`
 * (uvm_pmm_gpu.c:1440): `list_move_tail` of the root chunk on the USED list (uvm_pmm_gpu.c:1434);
 * `pick_root_chunk_to_evict` (uvm_pmm_gpu.c:1487) takes the list's first chunk. Mapping or touching a
 * resident chunk does not reorder it (the driver's own TODO, "Bug 1765193: Move the chunks to the tail of
 * the used list whenever they get mapped", uvm_pmm_gpu.c:1511). The model's chunk is the 2 MiB-aligned VA
 * range holding the unit (`groupOf`); with gmem-linux's 2 MiB units a chunk is one unit.
 */

/** The driver's eviction granule: NVIDIA's root chunk, UVM_CHUNK_SIZE_MAX = UVM_CHUNK_SIZE_2M (uvm_pmm_gpu.h:90). */
export const DRIVER_CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * Least-recently-migrated-into chunk order over device frames: every insertion (a migration or zero-fill
 * into a unit) moves all resident frames of the unit's chunk to the newest end; touches (MARK_HOT, WILLNEED,
 * access bits) change nothing; `victim()` is the oldest evictable frame (frames of the oldest chunk first).
 * Allocation-free except for the chunk → first-frame map (one entry per chunk with resident frames).
 */
export class LeastRecentlyMigratedInto implements EvictionPolicy {
  private readonly list: IntrusiveList;
  /** Frames of one chunk as a linked ring-free list: next/prev frame in the same chunk, -1 = none. */
  private readonly cNext: Int32Array;
  private readonly cPrev: Int32Array;
  private readonly chunkOf: Float64Array;
  private readonly first = new Map<number, number>();

  constructor(private readonly env: PolicyEnv & { groupOf(slot: number): number }) {
    this.list = new IntrusiveList(env.slots);
    this.cNext = new Int32Array(env.slots).fill(-1);
    this.cPrev = new Int32Array(env.slots).fill(-1);
    this.chunkOf = new Float64Array(env.slots).fill(-1);
  }

  onInsert(slot: number): void {
    if (!this.list.has(slot)) {
      const c = this.env.groupOf(slot);
      this.chunkOf[slot] = c;
      const head = this.first.get(c);
      this.cPrev[slot] = -1;
      this.cNext[slot] = head ?? -1;
      if (head !== undefined) this.cPrev[head] = slot;
      this.first.set(c, slot);
      this.list.pushHead(slot);
    }
    // the migration into the chunk moves the whole chunk to the newest end (list_move_tail of the root chunk)
    for (let f = this.first.get(this.chunkOf[slot]!)!; f !== -1; f = this.cNext[f]!) this.list.moveToHead(f);
  }

  onTouch(): void {}

  onRemove(slot: number): void {
    if (!this.list.has(slot)) return;
    this.list.remove(slot);
    const c = this.chunkOf[slot]!;
    const p = this.cPrev[slot]!;
    const n = this.cNext[slot]!;
    if (p !== -1) this.cNext[p] = n;
    else if (n !== -1) this.first.set(c, n);
    else this.first.delete(c);
    if (n !== -1) this.cPrev[n] = p;
    this.cPrev[slot] = -1;
    this.cNext[slot] = -1;
    this.chunkOf[slot] = -1;
  }

  victim(): number {
    return this.list.oldestEvictable(this.env);
  }
}
