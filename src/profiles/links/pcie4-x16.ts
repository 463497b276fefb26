import type { LinkPreset } from '../preset-types';

/** PCIe 4.0 x16 (docs/hardware-profiles.md §3). */
export const pcie4x16: LinkPreset = {
  id: 'pcie4-x16',
  summary: 'PCIe 4.0 x16 (24.8 GB/s H2D achieved)',
  values: { peakBytesPerNs: 31.5, h2dBytesPerNs: 24.8, d2hBytesPerNs: 24, latencyNs: 1_500, atanA: 24 },
  sources: {
    peakBytesPerNs: { status: 'S', ref: '16 GT/s × 16 × 128/130' },
    h2dBytesPerNs: { status: '2', ref: 'A100-SXM4-80GB nvbandwidth, copy engine, unidirectional (forums.developer.nvidia.com thread 352186)' },
    d2hBytesPerNs: { status: '2', ref: 'same thread: ~24 GB/s' },
    latencyNs: { status: 'P', ref: 'docs/hardware-profiles.md §3: assumed' },
    atanA: { status: 'D', ref: 'UVMSmart "32 GB/s" configuration: a = 24' },
  },
};
