/**
 * Trace metadata keys an importer sets when it invented part of the trace, which every run of the trace must
 * say (src/sim/trace-meta-warnings.ts). The metadata travels with the trace (canonical CSV, Arrow, cache).
 */

/** The importer invented the addresses (value: the layout's name, e.g. Kineto traces of PyTorch ≤ 1.9). */
export const SYNTHESIZED_ADDRESSES_KEY = 'synthesized_addresses';

/**
 * The source records no times, only an order (value: how times were set, e.g. `pytorch-snapshot-order`:
 * PyTorch < 2.1 memory snapshots, every event at time 0 in the recorded order).
 */
export const SYNTHESIZED_TIMES_KEY = 'synthesized_times';

/** Memory of the recording's device 0 (agent `dev0`) in bytes, where the source records it (Nsight, Kineto deviceProperties, VMA). */
export const RECORDED_CAPACITY_KEY = 'capacity_bytes.dev0';
