import { MiB, roundUp } from '../../units';

/**
 * Bump allocator for synthetic virtual addresses: each `take` returns the next `alignBytes`-aligned address
 * (2 MiB by default, the alignment `cudaMallocManaged` and GMEM's `mmap` give large allocations), so
 * allocations never share a 2 MiB unit and their addresses depend only on the order and sizes requested.
 */
export class VaArena {
  private next: number;
  constructor(baseVa: number, readonly alignBytes: number = 2 * MiB) {
    this.next = roundUp(baseVa, alignBytes);
  }

  /** Start of a fresh range of `bytes` (> 0). */
  take(bytes: number): number {
    const va = this.next;
    this.next = roundUp(va + bytes, this.alignBytes);
    return va;
  }
}

/** Base of the user-space region generators place heap allocations in (< 2^53, like an x86-64 mmap area). */
export const HEAP_BASE_VA = 0x7f0000000000;
