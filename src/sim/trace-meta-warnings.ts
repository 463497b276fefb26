import type { Diagnostic } from '../log/diagnostic';
import { runMessages } from '../log/messages/run';
import { RECORDED_CAPACITY_KEY, SYNTHESIZED_ADDRESSES_KEY, SYNTHESIZED_TIMES_KEY } from '../trace/meta-keys';
import type { ResolvedRun } from './run-types';

/** A recorded device capacity within this fraction of the run's counts as the same device. */
const SAME_CAPACITY = 0.01;

/**
 * Warnings a run owes to its trace's metadata rather than to its events (src/trace/meta-keys.ts):
 * `run.synthesized-addresses` when the importer synthesized the addresses (`# synthesized_addresses=<layout>`,
 * e.g. Kineto traces of PyTorch ≤ 1.9), `run.synthesized-times` when the source had no times (e.g. PyTorch
 * < 2.1 memory snapshots), and `run.recorded-capacity-differs` when the run takes its device capacity from the
 * profile (no `--oversub`) and the trace records a device 0 of another size (`capacity_bytes.dev0`: Nsight,
 * Kineto, VMA). The metadata travels with the trace (canonical CSV, Arrow, cache), so a result computed
 * from a re-imported or cached copy carries the warning too. Also `run.no-accesses` when the trace's facts say no
 * page is touched (`touchedBytes` 0: e.g. a memory snapshot without allocator history), so that a result of nothing but
 * allocation bookkeeping is not read as a fast run, and `run.no-device-rows` when only the CPU appears (`maxAgent` 0:
 * e.g. a Kineto trace of a CPU-only run), where no system has device memory to manage. The engine adds them to every result
 * (`summary.warnings` and first in `diagnostics`).
 */
export function traceMetaWarnings(meta: Readonly<Record<string, string>>, run: Pick<ResolvedRun, 'oversub' | 'capacityBytes' | 'platform' | 'touchedBytes' | 'maxAgent'>): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (run.touchedBytes === 0) out.push(runMessages.noAccesses({}));
  else if (run.maxAgent === 0) out.push(runMessages.noDeviceRows({}));
  const layout = meta[SYNTHESIZED_ADDRESSES_KEY];
  if (layout !== undefined) out.push(runMessages.synthesizedAddresses({}, layout));
  const times = meta[SYNTHESIZED_TIMES_KEY];
  if (times !== undefined) out.push(runMessages.synthesizedTimes({}, times));
  const recorded = Number(meta[RECORDED_CAPACITY_KEY]);
  if (run.oversub === null && recorded > 0 && Math.abs(recorded - run.capacityBytes) > SAME_CAPACITY * run.capacityBytes) {
    out.push(runMessages.recordedCapacityDiffers({}, recorded, run.capacityBytes, run.platform.id));
  }
  return out;
}
