import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** NVIDIA RTX 4090 (docs/hardware-profiles.md §4). */
export const rtx4090: DevicePreset = {
  id: 'rtx4090',
  summary: 'NVIDIA GeForce RTX 4090 (Ada, 24 GB GDDR6X)',
  values: {
    memory: { capacityBytes: 24 * GiB, bandwidthBytesPerNs: 1_008 },
    pageSizesBytes: [4 * KiB, 64 * KiB, 2 * MiB],
  },
  sources: {
    'memory.capacityBytes': { status: 'U', ref: '24 GB GDDR6X (general knowledge); GiB assumed' },
    'memory.bandwidthBytesPerNs': { status: 'U', ref: '1,008 GB/s (general knowledge)' },
    pageSizesBytes: { status: 'U', ref: 'Ada assumed to use the Ampere-style MMU layout' },
  },
};
