import { KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** NVIDIA GTX 1080 Ti, calibrated to the ISCA 2019 UVMSmart artifact (docs/hardware-profiles.md §4). */
export const gtx1080ti: DevicePreset = {
  id: 'gtx1080ti',
  summary: 'NVIDIA GTX 1080 Ti (Pascal, 10.9 GiB GDDR5X), UVMSmart calibration device',
  values: {
    memory: { capacityBytes: 11_721_506_816, bandwidthBytesPerNs: 484 },
    pageSizesBytes: [4 * KiB, 64 * KiB, 2 * MiB],
    vaBits: 49,
    ptLevels: 5,
    pageTable: { dirBytes: 4096, pteTablesBytesPer2M: 4096 + 256 },
    fault: { serviceNs: 45_000 },
  },
  sources: {
    'memory.capacityBytes': { status: 'M', ref: 'nvprof "Total memory" in the UVMSmart artifact logs (github.com/DebashisGanguly/gpgpu-sim_UVMSmart)' },
    'memory.bandwidthBytesPerNs': { status: 'U', ref: 'general knowledge: 484 GB/s' },
    pageSizesBytes: { status: 'U', ref: 'Pascal is not in the open modules; Turing layout assumed (big page may be 128K on Pascal)' },
    vaBits: { status: 'U', ref: 'Turing layout assumed' },
    ptLevels: { status: 'U', ref: 'Turing layout assumed' },
    'pageTable.dirBytes': { status: 'D', ref: 'Pascal MMU HAL, open-gpu-kernel-modules 515.43.04 uvm_pascal_mmu.c:198-205 allocation_size_pascal: 4096 per directory (Pascal left the open modules later)' },
    'pageTable.pteTablesBytesPer2M': { status: 'D', ref: '515.43.04 uvm_pascal_mmu.c:172-205: 4 KiB PTE table 2^9 × 8 B = 4096 + 64 KiB PTE table 2^5 × 8 B = 256' },
    'fault.serviceNs': { status: 'D', ref: 'UVMSmart gpgpusim.config: 66,645 cycles at 1481 MHz = 45 µs' },
  },
};
