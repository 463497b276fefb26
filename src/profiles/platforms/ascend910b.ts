import type { PlatformPreset } from '../preset-types';

/** Platform `ascend910b`: Ascend 910B 64 GB (PEER) on PCIe 4 x16, Kunpeng 920 host (docs/hardware-profiles.md §4). */
export const ascend910b: PlatformPreset = { id: 'ascend910b', summary: 'Ascend 910B 64 GB (PEER) on PCIe 4 x16, Kunpeng 920 host', device: 'ascend910b-64g', link: 'pcie4-x16', host: 'kunpeng920' };
