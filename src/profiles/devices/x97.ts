import { KiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/**
 * X97, the GMEM authors' simulated accelerator (github.com/WeixiZhu94/device_simulation_freebsd): 26,214
 * frames of 4 KiB carved out of host RAM, 3-level page table, no TLB. The source has no timing: costs not
 * stated here are the shared placeholders (P), so simulated time on x97-sim is a named placeholder set.
 */
export const x97: DevicePreset = {
  id: 'x97',
  summary: 'X97 simulated accelerator (26,214 × 4 KiB frames, 3-level table, no TLB)',
  values: {
    memory: { capacityBytes: 26_214 * 4 * KiB, bandwidthBytesPerNs: 10 },
    pageSizesBytes: [4 * KiB],
    vaBits: 48,
    ptLevels: 3,
    tlb: { invalidateNs: 0, invalidateAllNs: 0, rangeInvalidate: true },
  },
  sources: {
    'memory.capacityBytes': { status: 'D', ref: 'device_simulation_freebsd mad_cdev/pm_cdev.c: 26,214 pages ("100MB")' },
    'memory.bandwidthBytesPerNs': { status: 'P', ref: 'device memory is host RAM: single-core memcpy rate assumed (as host.zeroFillBytesPerNs)' },
    pageSizesBytes: { status: 'D', ref: 'mad_cdev/vm_cdev.{c,h}: 4 KiB PTEs' },
    vaBits: { status: 'D', ref: 'mad_cdev/vm_cdev.h: 48-bit VA (18 + 9 + 9 bits, 12-bit offset)' },
    ptLevels: { status: 'D', ref: 'mad_cdev/vm_cdev.h: 3 levels' },
    'tlb.invalidateNs': { status: 'D', ref: 'mad_cdev/emulator.c: no TLB, tlb_invl is a no-op' },
    'tlb.invalidateAllNs': { status: 'D', ref: 'mad_cdev/emulator.c: no TLB' },
    'tlb.rangeInvalidate': { status: 'D', ref: 'no TLB: any invalidation is a no-op' },
  },
};
