import { fifo } from '../../policies/eviction/fifo';
import { lru } from '../../policies/eviction/lru';
import { largePageLruEviction } from '../../policies/eviction/large-page-lru';
import { randomEviction } from '../../policies/eviction/random';
import { reservedLruEviction } from '../../policies/eviction/reserved-lru';
import type { EvictionPolicyDef } from '../../policies/types';
import type { UvmEviction } from './params';

/**
 * What an eviction variant means to the UVM model:
 * - `granule`: `chunk` = device memory is allocated per VA block as one root chunk (2 MiB for a full block)
 *   and a victim is a whole block; `page` = memory is allocated per 4 KiB page (UVMSmart) and a victim is a page.
 * - `expand`: how a page victim widens: `none`, `big-page` (its 64 KiB basic block: SL-64K), `tbn` (its basic
 *   block plus every tree node of its 2 MiB block that falls below half valid: TBN eviction), `large-page` (every
 *   resident page of its block: UVMSmart LRU-2MB, `evict_whole_tree`, gpu-sim.cc:2189-2204).
 * - `touch`: whether accesses refresh the order (LRU family) or not (the driver has no access bits).
 * - `touchOnMigrate`: whether a migration into the block refreshes its chunk (the driver's `block_mark_memory_used`).
 * - `wholeUnit`: in the UVMSmart mode (faultCost=far-fault) a victim must be a fully valid eviction unit — a 64 KiB
 *   basic block (SL-64K, TBN) or a whole large page (LRU-2MB): `is_block_evictable` returns false when any page
 *   of the unit is not valid (gpgpu-sim_UVMSmart gpu-sim.cc:2142-2150, asked for the unit at :2195 (LRU-2MB),
 *   :2238 (SL), :2266 (TBN) and for each basic block TBN's tree walk removes, :2577). A 4 KiB unit is always whole.
 */
export interface EvictionVariant {
  readonly policy: EvictionPolicyDef<any>;
  readonly params: (reservedFraction: number) => Record<string, number>;
  readonly granule: 'chunk' | 'page';
  readonly expand: 'none' | 'big-page' | 'tbn' | 'large-page';
  readonly touch: boolean;
  readonly touchOnMigrate: boolean;
  readonly wholeUnit: boolean;
}

const lruOrder = (f: number): Record<string, number> => ({ reservedFraction: f });

/**
 * `chunk-lrm` (the driver default) is least-recently-migrated-into: every migration into a block moves its root
 * chunk to the tail of the used list (`block_mark_memory_used`, uvm_va_block.c:3387, called after each copy
 * into the block at :4958 and :5212 → `uvm_pmm_gpu_mark_root_chunk_used` → `list_move_tail`, uvm_pmm_gpu.c:1420–1443),
 * and the victim is the list head (`pick_root_chunk_to_evict`, uvm_pmm_gpu.c:1487); accesses never reorder it
 * (no access bits). `chunk-age` (FIFO by first residency: a later migration into the block does not refresh
 * it) is kept as an explicit alternative; it is not what the driver does. The ISCA'19 variants use `lru`,
 * `random`, `reserved-lru` and `large-page-lru` orderings.
 */
export const UVM_EVICTIONS: Readonly<Record<UvmEviction, EvictionVariant>> = {
  'chunk-lrm': { policy: lru, params: () => ({}), granule: 'chunk', expand: 'none', touch: false, touchOnMigrate: true, wholeUnit: false },
  'chunk-age': { policy: fifo, params: () => ({}), granule: 'chunk', expand: 'none', touch: false, touchOnMigrate: false, wholeUnit: false },
  'lru-2m': { policy: lru, params: () => ({}), granule: 'chunk', expand: 'none', touch: true, touchOnMigrate: false, wholeUnit: true },
  'lru-4k': { policy: lru, params: () => ({}), granule: 'page', expand: 'none', touch: true, touchOnMigrate: false, wholeUnit: false },
  'reserved-lru': { policy: reservedLruEviction, params: lruOrder, granule: 'page', expand: 'none', touch: true, touchOnMigrate: false, wholeUnit: false },
  'random-4k': { policy: randomEviction, params: () => ({}), granule: 'page', expand: 'none', touch: false, touchOnMigrate: false, wholeUnit: false },
  'sl-64k': { policy: largePageLruEviction, params: lruOrder, granule: 'page', expand: 'big-page', touch: true, touchOnMigrate: false, wholeUnit: true },
  'tbn-pre': { policy: largePageLruEviction, params: lruOrder, granule: 'page', expand: 'tbn', touch: true, touchOnMigrate: false, wholeUnit: true },
};

/**
 * `lru-2m` in the UVMSmart mode (faultCost=far-fault). UVMSmart's device memory is a count of free 4 KiB pages
 * whatever the eviction policy (`alloc_pages` per page a transfer brings, gpu-sim.cc:3293; `free_pages(1)` per page a
 * write-back takes, :3148; the trigger `should_evict_page`, cuda-sim/memory.cc:259-262): a large page holds only its
 * valid pages. LRU-2MB changes only the victim: its LRU entry is the allocation's large page (`get_eviction_base_addr`
 * / `get_eviction_granularity`, :2858-2890), stamped at every access, and the victim is the whole large page
 * (`evict_whole_tree`, :2189-2204). So frames are pages, the order is `large-page-lru` with one entry per block, and
 * a victim widens to the block's resident pages. (The driver-mode `lru-2m` keeps 2 MiB root chunks.)
 */
export const UVMSMART_LRU_2M: EvictionVariant = {
  policy: largePageLruEviction, params: lruOrder, granule: 'page', expand: 'large-page', touch: true, touchOnMigrate: false, wholeUnit: true,
};

/** The eviction variant of a run: `eviction`, with `lru-2m` page-granular in the UVMSmart mode (UVMSMART_LRU_2M). */
export function evictionVariant(eviction: UvmEviction, uvmsmart: boolean): EvictionVariant {
  return uvmsmart && eviction === 'lru-2m' ? UVMSMART_LRU_2M : UVM_EVICTIONS[eviction];
}
