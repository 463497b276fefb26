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
 * into a unit) moves the unit's chunk to the newest end; touches (MARK_HOT, WILLNEED, access bits) change
 * nothing; `victim()` is the oldest evictable frame: chunks from the oldest, and in a chunk its frames from the
 * one inserted last (the order of the single frame list this replaces, below).
 *
 * Two levels, as the driver keeps them (root chunks on the USED list, pages in a chunk): a recency list of chunks
 * (`chunks`, over dense chunk slots; a chunk has a slot while it holds resident frames) and, per chunk, its frames
 * newest first (`cNext`/`cPrev` from `chunkFirst`). Before, one list of frames held this order and an insertion
 * moved every resident frame of the chunk to the newest end, one by one: up to 512 moves per
 * insertion at 4 KiB units, quadratic per chunk (a 2.2 GiB training loop at 4 KiB units spent 7 of its 13 s
 * there). The victims are the same, frame for frame (test/systems/gmem/driver-victim.test.ts compares the two on
 * random operations). Allocation-free except for the chunk → slot map (one entry per chunk with resident frames).
 */
export class LeastRecentlyMigratedInto implements EvictionPolicy {
  /** Chunk slots, most recently migrated-into at the head. */
  private readonly chunks: IntrusiveList;
  private readonly slotOfChunk = new Map<number, number>();
  /** Per chunk slot: its chunk, and its frame inserted last (-1: none). */
  private readonly chunkKey: Float64Array;
  private readonly chunkFirst: Int32Array;
  private readonly freeChunks: Int32Array;
  private freeTop: number;
  /** Per frame: next (older) and previous (newer) frame of its chunk, -1 = none; its chunk slot, -1 = not resident. */
  private readonly cNext: Int32Array;
  private readonly cPrev: Int32Array;
  private readonly chunkOf: Int32Array;
  /** What the chunk list's walk asks of a chunk: has it an evictable frame (the frames' epoch is the chunks'). */
  private readonly chunkView: { isEvictable(chunk: number): boolean; evictableEpoch?(): number };

  constructor(private readonly env: PolicyEnv & { groupOf(slot: number): number }) {
    // at most one chunk per resident frame
    this.chunks = new IntrusiveList(env.slots);
    this.chunkKey = new Float64Array(env.slots).fill(-1);
    this.chunkFirst = new Int32Array(env.slots).fill(-1);
    this.freeChunks = new Int32Array(env.slots);
    for (let i = 0; i < env.slots; i++) this.freeChunks[i] = env.slots - 1 - i;
    this.freeTop = env.slots;
    this.cNext = new Int32Array(env.slots).fill(-1);
    this.cPrev = new Int32Array(env.slots).fill(-1);
    this.chunkOf = new Int32Array(env.slots).fill(-1);
    const epoch = env.evictableEpoch;
    this.chunkView = {
      isEvictable: (c: number) => this.firstEvictable(c) >= 0,
      ...(epoch ? { evictableEpoch: () => epoch.call(env) } : {}),
    };
  }

  onInsert(slot: number): void {
    let c = this.chunkOf[slot]!;
    if (c < 0) {
      const key = this.env.groupOf(slot);
      c = this.slotOfChunk.get(key) ?? -1;
      if (c < 0) {
        c = this.freeChunks[--this.freeTop]!;
        this.slotOfChunk.set(key, c);
        this.chunkKey[c] = key;
      }
      const head = this.chunkFirst[c]!;
      this.chunkOf[slot] = c;
      this.cPrev[slot] = -1;
      this.cNext[slot] = head;
      if (head !== -1) this.cPrev[head] = slot;
      this.chunkFirst[c] = slot;
    }
    // the migration into the chunk moves the whole chunk to the newest end (list_move_tail of the root chunk)
    this.chunks.moveToHead(c);
  }

  onTouch(): void {}

  onRemove(slot: number): void {
    const c = this.chunkOf[slot]!;
    if (c < 0) return;
    const p = this.cPrev[slot]!;
    const n = this.cNext[slot]!;
    if (p !== -1) this.cNext[p] = n;
    else this.chunkFirst[c] = n;
    if (n !== -1) this.cPrev[n] = p;
    this.cPrev[slot] = -1;
    this.cNext[slot] = -1;
    this.chunkOf[slot] = -1;
    if (this.chunkFirst[c] === -1) {
      // the chunk's last resident frame left: the chunk leaves the order and its slot is free again
      this.chunks.remove(c);
      this.slotOfChunk.delete(this.chunkKey[c]!);
      this.chunkKey[c] = -1;
      this.freeChunks[this.freeTop++] = c;
    }
  }

  victim(): number {
    const c = this.chunks.oldestEvictable(this.chunkView);
    return c < 0 ? -1 : this.firstEvictable(c);
  }

  /** The first evictable frame of chunk slot `c`, newest inserted first; -1 when none. */
  private firstEvictable(c: number): number {
    for (let f = this.chunkFirst[c]!; f !== -1; f = this.cNext[f]!) if (this.env.isEvictable(f)) return f;
    return -1;
  }
}
