import type { PlatformPreset } from '../preset-types';

/** Platform `gtx1080ti-pcie3`: GTX 1080 Ti on PCIe 3 x16 (UVMSmart / ISCA 2019 calibration) (docs/hardware-profiles.md §4). */
export const gtx1080tiPcie3: PlatformPreset = { id: 'gtx1080ti-pcie3', summary: 'GTX 1080 Ti on PCIe 3 x16 (UVMSmart / ISCA 2019 calibration)', device: 'gtx1080ti', link: 'pcie3-x16', host: 'generic-x86' };
