import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** Huawei Ascend 910B, GMEM's target device class (PEER capability; docs/hardware-profiles.md §4). */
export const ascend910b64g: DevicePreset = {
  id: 'ascend910b-64g',
  summary: 'Huawei Ascend 910B NPU (64 GB HBM2e, PEER: device OS manages VA/PA)',
  values: {
    memory: { capacityBytes: 64 * GiB, bandwidthBytesPerNs: 1_600 },
    pageSizesBytes: [4 * KiB, 2 * MiB],
    capability: { replayable: true, peer: true },
  },
  sources: {
    'memory.capacityBytes': { status: 'U', ref: '64 GB HBM2e (secondary spec tables); GiB assumed' },
    'memory.bandwidthBytesPerNs': { status: 'U', ref: '1.6 TB/s (one source claims 768 GB/s; treated as doubtful)' },
    pageSizesBytes: { status: 'U', ref: 'GMEM unit 2 MiB (openEuler GMEM docs, usage page); 4 KiB base page assumed' },
    'capability.peer': { status: 'D', ref: 'RFC cover letter: the NPU runs its own VA/PA management' },
    'capability.replayable': { status: 'U', ref: 'GMEM demand paging on the NPU implies replayable faults' },
  },
};
