import type { PlatformPreset } from '../preset-types';

/** Platform `ascend910-32g`: Ascend 910 32 GB (PEER) on PCIe 4 x16, Kunpeng 920 host (openEuler claim) (docs/hardware-profiles.md §4). */
export const ascend91032g: PlatformPreset = { id: 'ascend910-32g', summary: 'Ascend 910 32 GB (PEER) on PCIe 4 x16, Kunpeng 920 host (openEuler claim)', device: 'ascend910-32g', link: 'pcie4-x16', host: 'kunpeng920' };
