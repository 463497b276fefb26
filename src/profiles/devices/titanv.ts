import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** NVIDIA Titan V, the calibration device of the SC'21 UVM study (docs/hardware-profiles.md §4). */
export const titanv: DevicePreset = {
  id: 'titanv',
  summary: 'NVIDIA Titan V (Volta, 12 GB HBM2), SC21 uvm-eval calibration device',
  values: {
    memory: { capacityBytes: 12 * GiB, bandwidthBytesPerNs: 652.8 },
    pageSizesBytes: [4 * KiB, 64 * KiB, 2 * MiB],
    fault: { perPageNs: 5_000, perFaultNs: 1_133, perRegionNs: 2_850, pmaAllocNs: 550_000 },
  },
  sources: {
    'memory.capacityBytes': { status: 'U', ref: '12 GB HBM2 (general knowledge; GiB assumed)' },
    'memory.bandwidthBytesPerNs': { status: 'U', ref: 'general knowledge: 652.8 GB/s' },
    pageSizesBytes: { status: 'U', ref: 'Turing layout assumed for Volta' },
    'fault.perPageNs': { status: 'M', ref: 'github.com/tallendev/uvm-eval: ~5 µs per 4 KB migrated (figure reading, ±20 %)' },
    'fault.perFaultNs': {
      status: 'D',
      ref:
        'derived from the recorded uvm-eval fault log (github.com/tallendev/uvm-eval archive/benchmarksv3/abc/short_log_32_ts/abc_1..4, driver ' +
        '460.27.04, Titan V; docs/systems.md "Per-fault and per-region costs"): each run\'s batches of 8 and 32 faults in one contiguous ' +
        'region each take 27, 29, 39, 25 µs and 56, 55, 82, 55 µs from the last fault record to the batch end, a slope of 1,208, 1,083, ' +
        '1,792, 1,250 ns per fault (mean 1,333); less the model\'s perEntryNs (200 ns) for the one fault-buffer entry each of these faults ' +
        'has (num_instances 1): 1,133 ns (range 883–1,592)',
      range: [883, 1_592],
    },
    'fault.perRegionNs': {
      status: 'M',
      ref:
        'CALIBRATION on SC\'21 (github.com/tallendev/uvm-eval, sgemm 16384, prefetch off, batch 256: ~1 ms per ~780 KB): the value at which ' +
        'figure sc21-uvm-costs reproduces the 5 µs no-prefetch cost per 4 KiB page on its sgemm-16384-shaped run at default scale, where ' +
        'every faulted page is a region of its own (that row is a calibration row, not a reproduction): perFaultNs + perRegionNs = 3,983 ns, ' +
        'the former per-faulted-page calibration',
    },
    'fault.pmaAllocNs': {
      status: 'D',
      ref:
        'derived from the recorded uvm-eval fault log (github.com/tallendev/uvm-eval archive/benchmarksv3/abc/short_log_32_ts/abc_1..4, driver ' +
        '460.27.04, Titan V; docs/systems.md "PMA root-chunk batches"): the first batch of each run — the one whose block service makes the run\'s ' +
        'first PMA call — spends 422, 806, 723, 436 µs (mean 597) more from its last fault record to its end than the line through the same ' +
        'run\'s later batches (8 and 32 faults) gives for its 56 faults; minus what the model charges that batch for its own differences ' +
        '(two CPU-resident blocks: 2 H2D copies of 96 + 128 KiB on pcie3-x16 = 21.5 µs, 2 CPU unmaps at host.tlbShootdownNs = 16.8 µs, one more ' +
        'block at perBlockNs = 5 µs, one more contiguous region at perRegionNs = 2.85 µs): 550 µs (range over the four runs 376–760 µs)',
      range: [376_000, 760_000],
    },
  },
};
