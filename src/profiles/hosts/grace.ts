import { GB } from '../../units';
import type { HostPreset } from '../preset-types';

/** NVIDIA Grace CPU of GH200 (docs/hardware-profiles.md §4 gh200). */
export const grace: HostPreset = {
  id: 'grace',
  summary: 'NVIDIA Grace (72 cores, 480 GB LPDDR5X)',
  values: { dramBytes: 480 * GB, cores: 72 },
  sources: {
    dramBytes: { status: '2', ref: '480 GB LPDDR5X at 546 GB/s (datacrunch.io spec summary)' },
    cores: { status: 'U', ref: 'Grace has 72 Neoverse V2 cores (general knowledge)' },
  },
};
