import type { PlatformPreset } from '../preset-types';

/** Platform `h100-pcie5`: H100 80 GB on PCIe 5 x16 (docs/hardware-profiles.md §4). */
export const h100Pcie5: PlatformPreset = { id: 'h100-pcie5', summary: 'H100 80 GB on PCIe 5 x16', device: 'h100-80g', link: 'pcie5-x16', host: 'generic-x86' };
