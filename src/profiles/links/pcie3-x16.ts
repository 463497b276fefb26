import type { LinkPreset } from '../preset-types';

/** PCIe 3.0 x16, measured on a GTX 1080 Ti (docs/hardware-profiles.md §3). */
export const pcie3x16: LinkPreset = {
  id: 'pcie3-x16',
  summary: 'PCIe 3.0 x16 (12.2 GB/s H2D achieved, 1.35 µs per transfer)',
  values: { peakBytesPerNs: 15.75, h2dBytesPerNs: 12.2, d2hBytesPerNs: 11.9, latencyNs: 1_350, atanA: 12, atanB: 0.07292 },
  sources: {
    peakBytesPerNs: { status: 'S', ref: '8 GT/s × 16 × 128/130; UVMSmart config uses 16' },
    h2dBytesPerNs: { status: 'M', ref: 'GTX 1080 Ti pageable cudaMemcpy, nvprof, UVMSmart micro-benchmarks/transferBandwidth.cu (fit asymptote)' },
    d2hBytesPerNs: { status: 'M', ref: 'UVMSmart bfs 125 % run: 27.6 GB in 2.32 s' },
    latencyNs: { status: 'M', ref: 'fit of UVMSmart transferBandwidth.cu measurements' },
    atanA: { status: 'D', ref: 'UVMSmart gpu-sim.cc convert_byte_string l. 638–648: a = 12 GiB/s for -pcie_bandwidth 16.0GB/s (configs/GeForceGTX1080Ti)' },
    atanB: { status: 'D', ref: 'UVMSmart gpu-sim.cc convert_byte_string l. 648: b = 0.07292 per KB' },
  },
};
