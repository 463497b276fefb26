import type { PlatformPreset } from '../preset-types';

/** Platform `a100-pcie4`: A100 80 GB on PCIe 4 x16 (docs/hardware-profiles.md §4). */
export const a100Pcie4: PlatformPreset = { id: 'a100-pcie4', summary: 'A100 80 GB on PCIe 4 x16', device: 'a100-80g', link: 'pcie4-x16', host: 'generic-x86' };
