import { MiB } from '../../units';

/** hmadvise PREFETCH granule: ranges round outward to 2 MiB and items are 2 MiB multiples (RFC 4/6). */
export const PREFETCH_GRANULE_BYTES = 2 * MiB;
/** Below this size one work item covers everything (RFC 4/6). */
export const PREFETCH_SPLIT_MIN_BYTES = 8 * MiB;

/**
 * Split a 2 MiB-aligned prefetch range of `sizeBytes` into work items (RFC 4/6, docs/gmem-model.md §4):
 * `per = floor(size / workers)` rounded down to a 2 MiB multiple; the first `workers - 1` items take `per`
 * each, the last takes the remainder; below 8 MiB (or when `per` is 0) one item covers everything.
 * Returns item sizes in bytes, in order.
 */
export function prefetchItems(sizeBytes: number, workers: number): number[] {
  if (sizeBytes <= 0) return [];
  if (sizeBytes < PREFETCH_SPLIT_MIN_BYTES || workers <= 1) return [sizeBytes];
  const per = Math.floor(sizeBytes / workers / PREFETCH_GRANULE_BYTES) * PREFETCH_GRANULE_BYTES;
  if (per === 0) return [sizeBytes];
  const items: number[] = [];
  for (let i = 0; i < workers - 1; i++) items.push(per);
  items.push(sizeBytes - per * (workers - 1));
  return items;
}
