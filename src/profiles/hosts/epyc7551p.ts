import { GiB } from '../../units';
import type { HostPreset } from '../preset-types';

/** The host of the SC'21 UVM study (github.com/tallendev/uvm-eval README). */
export const epyc7551p: HostPreset = {
  id: 'epyc7551p',
  summary: 'AMD Epyc 7551P, 128 GB DDR4 (uvm-eval host)',
  values: { dramBytes: 128 * GiB, cores: 32 },
  sources: {
    dramBytes: { status: 'M', ref: 'github.com/tallendev/uvm-eval README: 128 GB DDR4' },
    cores: { status: 'U', ref: 'Epyc 7551P has 32 cores (general knowledge)' },
  },
};
