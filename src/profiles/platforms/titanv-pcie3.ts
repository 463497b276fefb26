import type { PlatformPreset } from '../preset-types';

/** Platform `titanv-pcie3`: Titan V on PCIe 3 x16, Epyc 7551P host (uvm-eval / SC 2021) (docs/hardware-profiles.md §4). */
export const titanvPcie3: PlatformPreset = { id: 'titanv-pcie3', summary: 'Titan V on PCIe 3 x16, Epyc 7551P host (uvm-eval / SC 2021)', device: 'titanv', link: 'pcie3-x16', host: 'epyc7551p' };
