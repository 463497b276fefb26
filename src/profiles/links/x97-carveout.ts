import type { LinkPreset } from '../preset-types';

/**
 * X97 has no link: its "device memory" is host RAM carved out, so a migration is a memcpy inside host RAM.
 * The source has no timing; the rates are the single-core memcpy placeholder.
 */
export const x97Carveout: LinkPreset = {
  id: 'x97-carveout',
  summary: 'no link: X97 device memory is carved out of host RAM (memcpy placeholder)',
  values: { peakBytesPerNs: 10, h2dBytesPerNs: 10, d2hBytesPerNs: 10, latencyNs: 0 },
  sources: {
    peakBytesPerNs: { status: 'P', ref: 'memcpy inside host RAM: single-core rate assumed (as host.zeroFillBytesPerNs)' },
    h2dBytesPerNs: { status: 'P', ref: 'memcpy inside host RAM: single-core rate assumed' },
    d2hBytesPerNs: { status: 'P', ref: 'memcpy inside host RAM: single-core rate assumed' },
    latencyNs: { status: 'D', ref: 'device_simulation_freebsd: no link, no transfer setup' },
  },
};
