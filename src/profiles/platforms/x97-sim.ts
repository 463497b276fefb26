import type { PlatformPreset } from '../preset-types';

/** Platform `x97-sim`: X97 simulated accelerator (26,214 x 4 KiB frames in host RAM; placeholder timing) (docs/hardware-profiles.md §4). */
export const x97Sim: PlatformPreset = { id: 'x97-sim', summary: 'X97 simulated accelerator (26,214 x 4 KiB frames in host RAM; placeholder timing)', device: 'x97', link: 'x97-carveout', host: 'generic-x86' };
