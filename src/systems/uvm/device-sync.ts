import * as pageMask from '../../model/page-mask';
import * as deviceMemory from './device-memory';
import * as evictMod from './evict';
import type { UvmState } from './state';

const { popcount32 } = pageMask;
const { PAGE_BYTES } = deviceMemory;

/**
 * UVMSmart's `cudaDeviceSynchronize` (a `marker sync` row; UVMSmart mode, faultCost=far-fault, only — the NVIDIA
 * driver does nothing to managed memory at a synchronize). gpgpu-sim_UVMSmart libcuda/cuda_runtime_api.cc:2019-2078:
 * - every dirty valid page of the managed allocations is copied back to the host and invalidated (:2028-2067; its
 *   time goes to a separate devicesync statistic, calculate_devicesync_time :2073-2075, not to the kernel time nor the
 *   PCIe lanes: the model counts the bytes D2H and books no link time);
 * - the free-page count is reset to the whole device (`memory_space_impl::reset`, cuda-sim/memory.cc:93-96) and the
 *   LRU list is emptied (`valid_pages_clear`, gpu-sim.cc:2346-2349): clean pages stay valid — device hits — but hold no
 *   capacity and are never victims (DeviceMemory.untrack, UNTRACKED);
 * - `reset_large_page_info` (gpu-sim.cc:2849-2856) clears `over_sub`: the prefetcher switched off or changed at the
 *   first eviction (`prefetchOnOversub=false`, `oversubPrefetch`) is back until the next eviction. Its TBN tree
 *   counters (valid_size) are reset too; the model's TBN reads residency, so untracked pages still count there (not
 *   modelled).
 * Returns the pages written back.
 */
export function deviceSync(s: UvmState): number {
  const bl = s.blocks;
  const w = s.words;
  const mem = s.mem;
  const c = s.env.counters;
  let written = 0;
  bl.forEachSlot((slot) => {
    const o = slot * s.stride;
    if (bl.devPages[slot] === 0) return;
    let moved = 0;
    for (let k = 0; k < w; k++) {
      const d = (bl.dev[o + k]! & bl.dirty[o + k]!) >>> 0;
      if (d === 0) continue;
      bl.dirty[o + k] = 0;
      bl.dev[o + k] = (bl.dev[o + k]! & ~d) >>> 0;
      const back = (d & ~bl.cpu[o + k]!) >>> 0;
      bl.cpu[o + k] = (bl.cpu[o + k]! | d) >>> 0;
      s.hostBytes += popcount32(back) * PAGE_BYTES;
      moved += popcount32(d);
      if (mem.mode === 'page') {
        let x = d;
        while (x !== 0) {
          const bit = x & -x;
          x ^= bit;
          mem.removePage(slot, k * 32 + (31 - Math.clz32(bit)));
        }
      }
    }
    bl.devPages[slot]! -= moved;
    written += moved;
    if (bl.devPages[slot] === 0 && mem.mode === 'chunk') mem.removeBlock(slot);
    else mem.untrack(slot);
  });
  if (written > 0) {
    c.migrationsD2H++;
    c.bytesD2H += written * PAGE_BYTES;
    s.invalidateDeviceTlb();
  }
  s.syncWrittenPages += written;
  s.deviceSyncs++;
  s.prefetchOn = true;
  if (s.prefetchKind !== s.p.prefetch) evictMod.switchPrefetcher(s, s.p.prefetch);
  return written;
}
