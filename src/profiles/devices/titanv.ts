import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** NVIDIA Titan V, the calibration device of the SC'21 UVM study (docs/hardware-profiles.md §4). */
export const titanv: DevicePreset = {
  id: 'titanv',
  summary: 'NVIDIA Titan V (Volta, 12 GB HBM2), SC21 uvm-eval calibration device',
  values: {
    memory: { capacityBytes: 12 * GiB, bandwidthBytesPerNs: 652.8 },
    pageSizesBytes: [4 * KiB, 64 * KiB, 2 * MiB],
    fault: { perPageNs: 5_000, perFaultNs: 3_983, pmaAllocNs: 553_000 },
  },
  sources: {
    'memory.capacityBytes': { status: 'U', ref: '12 GB HBM2 (general knowledge; GiB assumed)' },
    'memory.bandwidthBytesPerNs': { status: 'U', ref: 'general knowledge: 652.8 GB/s' },
    pageSizesBytes: { status: 'U', ref: 'Turing layout assumed for Volta' },
    'fault.perPageNs': { status: 'M', ref: 'github.com/tallendev/uvm-eval: ~5 µs per 4 KB migrated (figure reading, ±20 %)' },
    'fault.perFaultNs': {
      status: 'M',
      ref:
        'CALIBRATION on SC\'21 (github.com/tallendev/uvm-eval, sgemm 16384, prefetch off, batch 256: ~1 ms per ~780 KB): the value at which ' +
        'figure sc21-uvm-costs reproduces the 5 µs no-prefetch cost per 4 KiB page on its sgemm-16384-shaped run at default scale (that row ' +
        'is a calibration row, not a reproduction); re-derived 4020 → 3983 ns when the run\'s PMA call (fault.pmaAllocNs) was added',
    },
    'fault.pmaAllocNs': {
      status: 'D',
      ref:
        'derived from the recorded uvm-eval fault log (github.com/tallendev/uvm-eval archive/benchmarksv3/abc/short_log_32_ts/abc_1..4, driver ' +
        '460.27.04, Titan V; docs/systems.md "PMA root-chunk batches"): the first batch of each run — the one whose block service makes the run\'s ' +
        'first PMA call — spends 422, 806, 723, 436 µs (mean 597) more from its last fault record to its end than the line through the same ' +
        'run\'s later batches (8 and 32 faults) gives for its 56 faults; minus what the model charges that batch for its own differences ' +
        '(two CPU-resident blocks: 2 H2D copies of 96 + 128 KiB on pcie3-x16 = 21.5 µs, 2 CPU unmaps at host.tlbShootdownNs = 16.8 µs, one more ' +
        'block at perBlockNs = 5 µs): 553 µs (range over the four runs 379–763 µs)',
      range: [379_000, 763_000],
    },
  },
};
