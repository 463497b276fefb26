import type { PlatformPreset } from '../preset-types';

/** Platform `rtx4090`: RTX 4090 24 GB on PCIe 4 x16 (docs/hardware-profiles.md §4). */
export const rtx4090: PlatformPreset = { id: 'rtx4090', summary: 'RTX 4090 24 GB on PCIe 4 x16', device: 'rtx4090', link: 'pcie4-x16', host: 'generic-x86' };
