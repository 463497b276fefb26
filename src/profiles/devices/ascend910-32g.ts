import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** Huawei Ascend 910 (32 GB), the device of the openEuler "Ascend 910 vs A100" claim (docs/hardware-profiles.md §4). */
export const ascend91032g: DevicePreset = {
  id: 'ascend910-32g',
  summary: 'Huawei Ascend 910 NPU (32 GB HBM2, PEER)',
  values: {
    memory: { capacityBytes: 32 * GiB, bandwidthBytesPerNs: 1_200 },
    pageSizesBytes: [4 * KiB, 2 * MiB],
    capability: { replayable: true, peer: true },
  },
  sources: {
    'memory.capacityBytes': { status: '2', ref: '32 GB HBM2 (Hot Chips 2019 notes); GiB assumed' },
    'memory.bandwidthBytesPerNs': { status: 'U', ref: '~1.2 TB/s' },
    pageSizesBytes: { status: 'U', ref: 'GMEM unit 2 MiB (openEuler GMEM docs); 4 KiB base page assumed' },
    'capability.peer': { status: 'D', ref: 'RFC cover letter' },
    'capability.replayable': { status: 'U', ref: 'GMEM demand paging on the NPU implies replayable faults' },
  },
};
