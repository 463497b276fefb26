import type { PlatformPreset } from '../preset-types';

/** Platform `nic-iommu`: NIC DMA through Intel VT-d (IOMMU case study; link unknown, PCIe 3 x16 assumed) (docs/hardware-profiles.md §4). */
export const nicIommu: PlatformPreset = { id: 'nic-iommu', summary: 'NIC DMA through Intel VT-d (IOMMU case study; link unknown, PCIe 3 x16 assumed)', device: 'nic-intel-iommu', link: 'pcie3-x16', host: 'generic-x86' };
