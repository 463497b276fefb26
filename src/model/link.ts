import type { LinkProfile } from '../profiles/types';
import { KiB } from '../units';

export type Direction = 'h2d' | 'd2h';

/**
 * Time to move `bytes` over the link in one contiguous transfer (docs/hardware-profiles.md §3).
 * - `affine`: `latencyNs + bytes / rate`, rate = `h2dBytesPerNs` or `d2hBytesPerNs`.
 * - `atan` (UVMSmart `gpu-sim.cc`): speed in GB/s (= bytes/ns) is `(2a/π)·atan(b·size_KB)` with size_KB =
 *   bytes / 1024; time = bytes / speed. Latency is implicit in the curve (small transfers are slow).
 * Zero bytes take zero time.
 */
export function transferNs(link: LinkProfile, bytes: number, dir: Direction): number {
  if (bytes <= 0) return 0;
  if (link.model === 'atan') {
    const speed = ((2 * link.atanA) / Math.PI) * Math.atan(link.atanB * (bytes / KiB));
    return bytes / speed;
  }
  return link.latencyNs + bytes / (dir === 'h2d' ? link.h2dBytesPerNs : link.d2hBytesPerNs);
}

/** Effective rate (bytes/ns = GB/s) of one transfer of `bytes`. */
export function effectiveBytesPerNs(link: LinkProfile, bytes: number, dir: Direction): number {
  return bytes / transferNs(link, bytes, dir);
}
