import type { HostPreset } from '../preset-types';

/** Huawei Kunpeng 920, the host of the openEuler GMEM training claim (openEuler 23.09 GMEM documentation). */
export const kunpeng920: HostPreset = {
  id: 'kunpeng920',
  summary: 'Huawei Kunpeng 920 (64 cores; openEuler GMEM claim host)',
  values: { cores: 64 },
  sources: {
    cores: { status: 'U', ref: 'Kunpeng 920 64-core part (general knowledge); the claim names the CPU, not the SKU' },
  },
};
