import type { LinkProfile } from '../profiles/types';
import { KiB } from '../units';

export type Direction = 'h2d' | 'd2h';

/**
 * Time to move `bytes` over the link in one contiguous transfer (docs/hardware-profiles.md §3).
 * - `affine`: `latencyNs + bytes / rate`, rate = `h2dBytesPerNs` or `d2hBytesPerNs`.
 * - `atan` (UVMSmart `src/gpgpu-sim/gpu-sim.cc` `gmmu_t::get_ready_cycle`, l. 2424–2429, and
 *   `calculate_transfer_time`, l. 2007–2016, at commit bafab5d): speed = `(2a/π)·atan(b·size_KB)` with
 *   size_KB = bytes / 1024, and the time is `bytes / speed / 2^30` seconds — the speed is in GiB/s
 *   (`ATAN_BYTES_PER_NS_PER_GIBPS`), not decimal GB/s. Latency is implicit in the curve.
 *   Not modelled: the simulator truncates the time to whole core cycles (< 1 cycle, 0.68 ns at the GTX 1080 Ti's
 *   1481 MHz) and, for an explicit `cudaMemcpy` of ≥ 2 MiB in its profiling mode only, halves the speed
 *   (`calculate_transfer_time`; page migrations, `get_ready_cycle`, never do).
 * Zero bytes take zero time.
 */
export function transferNs(link: LinkProfile, bytes: number, dir: Direction): number {
  if (bytes <= 0) return 0;
  if (link.model === 'atan') {
    const speedGiBps = ((2 * link.atanA) / Math.PI) * Math.atan(link.atanB * (bytes / KiB));
    return bytes / (speedGiBps * ATAN_BYTES_PER_NS_PER_GIBPS);
  }
  return link.latencyNs + bytes / (dir === 'h2d' ? link.h2dBytesPerNs : link.d2hBytesPerNs);
}

/** The atan curve's speed unit: 1 GiB/s = 2^30 bytes per second = 2^30 / 1e9 bytes per ns (UVMSmart divides by 1024.0^3). */
export const ATAN_BYTES_PER_NS_PER_GIBPS = 2 ** 30 / 1e9;

/** Effective rate (bytes/ns = GB/s) of one transfer of `bytes`. */
export function effectiveBytesPerNs(link: LinkProfile, bytes: number, dir: Direction): number {
  return bytes / transferNs(link, bytes, dir);
}
