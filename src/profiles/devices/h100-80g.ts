import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** NVIDIA H100 80 GB (docs/hardware-profiles.md §4). */
export const h10080g: DevicePreset = {
  id: 'h100-80g',
  summary: 'NVIDIA H100 80 GB (Hopper, HBM3)',
  values: {
    memory: { capacityBytes: 80 * GiB, bandwidthBytesPerNs: 2_000 },
    pageSizesBytes: [4 * KiB, 64 * KiB, 2 * MiB, 512 * MiB],
    vaBits: 57,
    ptLevels: 6,
  },
  sources: {
    'memory.capacityBytes': { status: '2', ref: '80 GB HBM3 (glennklockwood.com H100 notes; H100 PCIe product brief); GiB assumed' },
    'memory.bandwidthBytesPerNs': { status: '2', ref: '"> 2 TB/s" (PCIe) per the H100 PCIe product brief; SXM 3.35 TB/s' },
    pageSizesBytes: { status: 'D', ref: 'uvm_ampere_mmu.c (Hopper reuses)' },
    vaBits: { status: 'D', ref: 'uvm_hopper_mmu.c:24-33' },
    ptLevels: { status: 'D', ref: 'uvm_hopper_mmu.c:24-33' },
  },
};
