import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** NVIDIA A100 80 GB (docs/hardware-profiles.md §4). */
export const a10080g: DevicePreset = {
  id: 'a100-80g',
  summary: 'NVIDIA A100 80 GB (Ampere, HBM2e)',
  values: {
    memory: { capacityBytes: 80 * GiB, bandwidthBytesPerNs: 1_935 },
    pageSizesBytes: [4 * KiB, 64 * KiB, 2 * MiB, 512 * MiB],
    vaBits: 49,
    ptLevels: 5,
  },
  sources: {
    'memory.capacityBytes': { status: 'U', ref: '80 GB product (spec tables); 80 GiB assumed' },
    'memory.bandwidthBytesPerNs': { status: '2', ref: 'spec tables: 1,935 GB/s (PCIe) – 2,039 GB/s (SXM)' },
    pageSizesBytes: { status: 'D', ref: 'NVIDIA open-gpu-kernel-modules 595.45.04 uvm_ampere_mmu.c:52' },
    vaBits: { status: 'D', ref: 'uvm_turing_mmu.c, uvm_ampere_mmu.c' },
    ptLevels: { status: 'D', ref: 'uvm_turing_mmu.c, uvm_ampere_mmu.c' },
  },
};
