import type { PlatformPreset } from '../preset-types';

/** Platform `gh200-c2c`: GH200: Hopper GPU and Grace CPU over NVLink-C2C (docs/hardware-profiles.md §4). */
export const gh200C2c: PlatformPreset = { id: 'gh200-c2c', summary: 'GH200: Hopper GPU and Grace CPU over NVLink-C2C', device: 'gh200', link: 'nvlink-c2c', host: 'grace' };
