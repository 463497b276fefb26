import type { LinkPreset } from '../preset-types';

/** PCIe 5.0 x16 (docs/hardware-profiles.md §3). */
export const pcie5x16: LinkPreset = {
  id: 'pcie5-x16',
  summary: 'PCIe 5.0 x16 (~55.6 GB/s H2D achieved)',
  values: { peakBytesPerNs: 63, h2dBytesPerNs: 55.6, d2hBytesPerNs: 55, latencyNs: 1_500, atanA: 48 },
  sources: {
    peakBytesPerNs: { status: 'S', ref: '32 GT/s × 16 × 128/130 ("128 GB/s" is bidirectional)' },
    h2dBytesPerNs: { status: '2', ref: 'nvbandwidth example output (device not named)' },
    d2hBytesPerNs: { status: 'P', ref: 'assumed symmetric' },
    latencyNs: { status: 'P', ref: 'docs/hardware-profiles.md §3: assumed' },
    atanA: { status: 'D', ref: 'UVMSmart "64 GB/s" configuration: a = 48' },
  },
};
