import type { LinkPreset } from '../preset-types';

/** NVLink-C2C between Grace and Hopper on GH200 (docs/hardware-profiles.md §3). */
export const nvlinkC2c: LinkPreset = {
  id: 'nvlink-c2c',
  summary: 'NVLink-C2C, cache-coherent (375 GB/s H2D, 297 GB/s D2H achieved)',
  values: { peakBytesPerNs: 450, h2dBytesPerNs: 375, d2hBytesPerNs: 297, latencyNs: 500 },
  sources: {
    peakBytesPerNs: { status: '2', ref: '450 GB/s per direction (900 total)' },
    h2dBytesPerNs: { status: '2', ref: 'GH200 measurements by Schieffer et al. 2024, as reported' },
    d2hBytesPerNs: { status: '2', ref: 'GH200 measurements by Schieffer et al. 2024, as reported' },
    latencyNs: { status: 'P', ref: 'docs/hardware-profiles.md §3: assumed' },
  },
};
