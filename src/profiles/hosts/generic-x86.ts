import type { HostPreset } from '../preset-types';

/** A generic x86 server: the shared host defaults (docs/hardware-profiles.md §2), all placeholders. */
export const genericX86: HostPreset = {
  id: 'generic-x86',
  summary: 'generic x86 server (16 cores, 128 GiB; shared placeholders)',
  values: {},
  sources: {},
};
