import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** NVIDIA GH200 Grace Hopper, GPU side (docs/hardware-profiles.md §4). */
export const gh200: DevicePreset = {
  id: 'gh200',
  summary: 'NVIDIA GH200 Hopper GPU (96 GB HBM3, cache-coherent NVLink-C2C to Grace)',
  values: {
    memory: { capacityBytes: 96 * GiB, bandwidthBytesPerNs: 4_000 },
    pageSizesBytes: [4 * KiB, 64 * KiB, 2 * MiB, 512 * MiB],
    vaBits: 57,
    ptLevels: 6,
  },
  sources: {
    'memory.capacityBytes': { status: '2', ref: '96 GB HBM3 (datacrunch.io spec summary); a 144 GB HBM3e variant exists (U); GiB assumed' },
    'memory.bandwidthBytesPerNs': { status: '2', ref: '4 TB/s (datacrunch.io spec summary)' },
    pageSizesBytes: { status: 'D', ref: 'uvm_ampere_mmu.c (Hopper reuses); GPU-only table uses 2M pages (Schieffer et al. 2024, 2)' },
    vaBits: { status: 'D', ref: 'uvm_hopper_mmu.c:24-33' },
    ptLevels: { status: 'D', ref: 'uvm_hopper_mmu.c:24-33' },
  },
};
