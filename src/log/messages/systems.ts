import { defineMessage } from '../diagnostic';
import { formatBytes } from '../../units';

/**
 * Warnings the comparison systems (uvm, hmm-svm, explicit-copy, gpuvm-sparse, iommu-dma) report while
 * replaying a trace. Trace content never makes a system throw (docs/gmem-model.md decision E): each problem is a
 * result event (when it is a modelled outcome) plus one of these warnings, counted per code.
 */
export const systemsMessages = {
  unsupportedOp: defineMessage(
    'systems.unsupported-op',
    'warning',
    'The chosen system has no equivalent of this operation; the rows are counted in extra.unsupportedOps and otherwise ignored. Replay binding traces through gpuvm-sparse or gmem-*, NIC traces through iommu-dma.',
    (system: string, op: string) => ({ message: `${system} does not model '${op}' rows; ignored` }),
  ),
  unmappedAccess: defineMessage(
    'systems.unmapped-access',
    'warning',
    'The trace touches an address outside every live allocation (or mapping); check the importer mapping or add the missing alloc.',
    (system: string, va: number) => ({ message: `${system}: access to unmapped address 0x${va.toString(16)} (fault-error)` }),
  ),
  rejectedPrefetch: defineMessage(
    'systems.rejected-prefetch',
    'warning',
    'A prefetch row names an address outside every live allocation. The driver rejects the call (cudaMemPrefetchAsync returns cudaErrorInvalidValue: uvm_migrate finds no VA range, NV_ERR_INVALID_ADDRESS); nothing migrates and the program goes on, so the run is not failed by it. Check the importer mapping or add the missing alloc.',
    (system: string, va: number) => ({ message: `${system}: prefetch of 0x${va.toString(16)}, outside every live allocation, rejected (nothing migrated)` }),
  ),
  badFree: defineMessage(
    'systems.bad-free',
    'warning',
    'A free/unmap/release names an address that is not the start of a live range; the row is ignored.',
    (system: string, op: string, va: number) => ({ message: `${system}: ${op} of 0x${va.toString(16)}, which is not live` }),
  ),
  overlappingAlloc: defineMessage(
    'systems.overlapping-alloc',
    'warning',
    'Two live allocations (or reservations) overlap; the later one is ignored. Check the trace for a missing free.',
    (system: string, va: number, bytes: number) => ({
      message: `${system}: allocation at 0x${va.toString(16)} (${formatBytes(bytes)}) overlaps a live one (alloc-error)`,
    }),
  ),
  allocTooLarge: defineMessage(
    'systems.alloc-too-large',
    'warning',
    'The model (hmm-svm) keeps state for every 2 MiB granule of a managed allocation from the moment it is made, and this allocation would take the live managed memory past what it tracks; the allocation is refused (alloc-error) and accesses to it are unmapped. KFD keeps per-range state instead; split the reservation in the trace, or replay it through gmem-* or uvm, which create their state on first touch.',
    (system: string, va: number, bytes: number, limitBytes: number) => ({
      message: `${system}: managed allocation at 0x${va.toString(16)} (${formatBytes(bytes)}) would take the live managed memory past the ${formatBytes(limitBytes)} this model tracks (alloc-error)`,
    }),
  ),
  tooManyBlocks: defineMessage(
    'systems.too-many-blocks',
    'warning',
    'uvm creates a VA block (2 MiB window) the first time the trace uses it and keeps it while a managed allocation has pages in it; it tracks at most 2^20 of them at once (2 TiB of windows, about 1.3–3.5 KiB each). A row that needs one more is a fault-error and stops there (its later pages are not replayed). The trace touches more distinct 2 MiB windows than that: check the importer mapping, free what the workload no longer uses, or replay it through gmem-*.',
    (system: string, va: number, limitBlocks: number) => ({
      message: `${system}: access at 0x${va.toString(16)} needs a VA block past the ${limitBlocks} this model tracks at once (fault-error; the row stops there)`,
    }),
  ),
  rowExceedsMemory: defineMessage(
    'systems.row-exceeds-memory',
    'warning',
    "An access, prefetch or copy row touches more bytes than the platform's device and host memory together (device.memory.capacityBytes × host.devices + host.dramBytes): no system can back every page it touches. The engine reports it as out of memory (oom) for every system alike and does not pass it to the model. Check the row's size, or raise host.dramBytes if the machine had more memory.",
    (system: string, op: string, va: number, bytes: number, limitBytes: number) => ({
      message: `${system}: ${op} row at 0x${va.toString(16)} touches ${formatBytes(bytes)}, more than the platform's ${formatBytes(limitBytes)} of device and host memory (oom; the row is not replayed)`,
    }),
  ),
  outOfMemory: defineMessage(
    'systems.oom',
    'warning',
    'Device (or host) memory is exhausted and nothing can be evicted; the access fails. Raise the capacity, lower --oversub, or pick a system with eviction.',
    (system: string, where: string, bytes: number) => ({ message: `${system}: out of ${where} memory needing ${formatBytes(bytes)}` }),
  ),
  singleDevice: defineMessage(
    'systems.single-device',
    'warning',
    'This system model supports one device (dev0); rows of other devices are errors.',
    (system: string, agent: string) => ({ message: `${system} models one device; row by ${agent} ignored (fault-error)` }),
  ),
  ignoredAdvice: defineMessage(
    'systems.ignored-advice',
    'warning',
    'This advice has no equivalent in the chosen system; counted in extra.ignoredAdvice.',
    (system: string, advice: string) => ({ message: `${system} has no '${advice}' advice; ignored` }),
  ),
  copySizeUnknown: defineMessage(
    'systems.copy-size-unknown',
    'warning',
    'A copy row has no byte count (flags=size_unknown); it is not charged. Supply sizes in the importer if copies matter.',
    (system: string) => ({ message: `${system}: copy of unknown size not charged` }),
  ),
} as const;
