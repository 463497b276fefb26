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
 *   block plus every tree node of its 2 MiB block that falls below half valid: TBN eviction).
 * - `touch`: whether accesses refresh the order (LRU family) or not (the driver has no access bits: chunk age).
 */
export interface EvictionVariant {
  readonly policy: EvictionPolicyDef<any>;
  readonly params: (reservedFraction: number) => Record<string, number>;
  readonly granule: 'chunk' | 'page';
  readonly expand: 'none' | 'big-page' | 'tbn';
  readonly touch: boolean;
}

const lruOrder = (f: number): Record<string, number> => ({ reservedFraction: f });

/**
 * `chunk-age` is FIFO by time of residency, which is what UVM's `va_block_used` list is: a root chunk moves to
 * its tail when its block becomes resident on the GPU (`block_mark_memory_used`) and accesses never reorder
 * it. The ISCA'19 variants use `lru`, `random`, `reserved-lru` and `large-page-lru` orderings.
 */
export const UVM_EVICTIONS: Readonly<Record<UvmEviction, EvictionVariant>> = {
  'chunk-age': { policy: fifo, params: () => ({}), granule: 'chunk', expand: 'none', touch: false },
  'lru-2m': { policy: lru, params: () => ({}), granule: 'chunk', expand: 'none', touch: true },
  'lru-4k': { policy: lru, params: () => ({}), granule: 'page', expand: 'none', touch: true },
  'reserved-lru': { policy: reservedLruEviction, params: lruOrder, granule: 'page', expand: 'none', touch: true },
  'random-4k': { policy: randomEviction, params: () => ({}), granule: 'page', expand: 'none', touch: false },
  'sl-64k': { policy: largePageLruEviction, params: lruOrder, granule: 'page', expand: 'big-page', touch: true },
  'tbn-pre': { policy: largePageLruEviction, params: lruOrder, granule: 'page', expand: 'tbn', touch: true },
};
