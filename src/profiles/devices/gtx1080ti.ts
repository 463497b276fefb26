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
    fault: { serviceNs: 45_000 },
  },
  sources: {
    'memory.capacityBytes': { status: 'M', ref: 'nvprof "Total memory" in the UVMSmart artifact logs (github.com/DebashisGanguly/gpgpu-sim_UVMSmart)' },
    'memory.bandwidthBytesPerNs': { status: 'U', ref: 'general knowledge: 484 GB/s' },
    pageSizesBytes: { status: 'U', ref: 'Pascal is not in the open modules; Turing layout assumed (big page may be 128K on Pascal)' },
    vaBits: { status: 'U', ref: 'Turing layout assumed' },
    ptLevels: { status: 'U', ref: 'Turing layout assumed' },
    'fault.serviceNs': { status: 'D', ref: 'UVMSmart gpgpusim.config: 66,645 cycles at 1481 MHz = 45 µs' },
  },
};
