/**
 * The schema of every overridable profile field (docs/hardware-profiles.md §1): its key path, value kind (which
 * drives parsing of `--set` values and unit suffixes), and, for derived fields, the rule computing its
 * default from other fields. `resolve.ts` uses this table to validate overrides and compute derived
 * defaults AFTER overrides, and docs/profiles.md lists it.
 *
 * Key paths are `<part>.<path>` with part `device`, `link` or `host`. `id`, `summary` and `sources` are not
 * fields (they cannot be overridden).
 */

/** Value kind of a field. `rate` is bytes/ns (= GB/s); `bytesList` is a list of sizes. */
export type FieldKind = 'bytes' | 'ns' | 'rate' | 'count' | 'number' | 'bool' | 'enum' | 'bytesList';

export type ProfilePart = 'device' | 'link' | 'host';

/** Read access to a resolved-in-progress profile: `get('device.tlb.invalidateNs')`. */
export type FieldGetter = (key: string) => number;

export interface FieldSpec {
  /** Full key path, e.g. `device.memory.capacityBytes`. */
  readonly key: string;
  readonly kind: FieldKind;
  readonly summary: string;
  /** Allowed values of an `enum` field. */
  readonly values?: readonly string[];
  /** Derived default: computed after overrides unless the preset or an override sets the field explicitly. */
  readonly derive?: { readonly rule: string; readonly from: readonly string[]; readonly compute: (get: FieldGetter) => number };
  /** Smallest allowed value for numeric kinds (inclusive). Rates must be > 0 (they divide). */
  readonly min?: number;
  /** Value must be strictly greater than `min`. */
  readonly exclusiveMin?: boolean;
}

const f = (key: string, kind: FieldKind, summary: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  key,
  kind,
  summary,
  ...(kind === 'rate' ? { min: 0, exclusiveMin: true } : kind === 'bytes' || kind === 'ns' || kind === 'count' ? { min: 0 } : {}),
  ...extra,
});

/** Every profile field, in documentation order. */
export const FIELDS: readonly FieldSpec[] = [
  // ---- device
  f('device.memory.capacityBytes', 'bytes', 'device memory available to the model'),
  f('device.memory.bandwidthBytesPerNs', 'rate', 'device memory bandwidth (zero-fill default, device-side copies)'),
  f('device.pageSizesBytes', 'bytesList', 'supported device page sizes, ascending'),
  f('device.capability.replayable', 'bool', 'GMEM GM_DEV_CAP_REPLAYABLE: the device can replay faulting accesses'),
  f('device.capability.peer', 'bool', 'GMEM GM_DEV_CAP_PEER: the device runs its own VA/PA management (peer_va_alloc_fixed)'),
  f('device.vaBits', 'count', 'device virtual address bits'),
  f('device.ptLevels', 'count', 'device page-table levels'),
  f('device.pageTable.dirBytes', 'bytes', 'bytes the driver allocates per page directory (UVM MMU HAL allocation_size, depths above the PTEs)'),
  f('device.pageTable.pteTablesBytesPer2M', 'bytes', 'bytes of the PTE tables under one 2 MiB directory entry mapped with small pages (4 KiB-PTE table + 64 KiB-PTE table)'),
  f('device.fault.serviceNs', 'ns', 'software service time of one far fault'),
  f('device.fault.batchFixedNs', 'ns', 'UVM per-batch fixed service cost'),
  f('device.fault.perPageNs', 'ns', 'UVM per-page service cost of synchronous prefetch rows (cudaMemPrefetchAsync, prefetchAsync=false)'),
  f('device.fault.perEntryNs', 'ns', 'UVM per fetched fault-buffer entry, duplicates included: parse, sort, de-duplicate (fetch_fault_buffer_entries, preprocess_fault_batch)'),
  f('device.fault.perBlockNs', 'ns', 'UVM per VA block serviced in a batch: block lock, page-table update, membar, TLB invalidate (uvm_va_block_service_locked)'),
  f('device.fault.perFaultNs', 'ns', 'UVM per faulted page serviced (not per prefetched page): the per-fault loop of service_fault_batch_block_locked (page masks, thrashing hint)'),
  f('device.fault.perRegionNs', 'ns', 'UVM per contiguous region of the pages a block service makes resident (faulted and prefetched): the per-subregion work — CPU unmap_mapping_range, CE memset or copy push'),
  f('device.fault.pmaAllocNs', 'ns', 'UVM: one PMA allocation call of the GPU memory manager (a batch of root chunks, alloc_root_chunk in uvm_pmm_gpu.c) with the first-fault setup of the batch that makes it'),
  f('device.tlb.invalidateNs', 'ns', 'one range (or single-entry) device TLB / IOTLB invalidation'),
  f('device.tlb.invalidateAllNs', 'ns', 'one whole-domain device TLB / IOTLB flush', {
    derive: { rule: '2 × device.tlb.invalidateNs', from: ['device.tlb.invalidateNs'], compute: (g) => 2 * g('device.tlb.invalidateNs') },
  }),
  f('device.tlb.rangeInvalidate', 'bool', 'range-based invalidation exists (false: one invalidation per entry)'),
  f('device.map.peerMapNs', 'ns', 'one GMEM peer_map call excluding data copy', {
    derive: { rule: 'device.map.bindNs', from: ['device.map.bindNs'], compute: (g) => g('device.map.bindNs') },
  }),
  f('device.map.peerUnmapNs', 'ns', 'one GMEM peer_unmap call excluding data copy (includes one device TLB invalidation)', {
    derive: {
      rule: 'device.map.unbindNs + device.tlb.invalidateNs',
      from: ['device.map.unbindNs', 'device.tlb.invalidateNs'],
      compute: (g) => g('device.map.unbindNs') + g('device.tlb.invalidateNs'),
    },
  }),
  f('device.map.bindNs', 'ns', 'one bind (VM_BIND) operation'),
  f('device.map.unbindNs', 'ns', 'one unbind operation'),
  f('device.map.pteNs', 'ns', 'one page-table-entry write'),
  f('device.map.submitNs', 'ns', 'per-submission synchronisation of a bind queue'),
  f('device.map.pmapCreateNs', 'ns', 'GMEM pmap_create (context attach)'),
  f('device.map.peerVaAllocNs', 'ns', 'GMEM peer_va_alloc_fixed (peer VA reservation on a PEER device)'),
  f('device.map.peerVaFreeNs', 'ns', 'GMEM peer_va_free'),
  f('device.map.iovaAllocNs', 'ns', 'one IOVA allocation'),
  f('device.zeroFillBytesPerNs', 'rate', 'device-side zero-fill rate', {
    derive: {
      rule: 'device.memory.bandwidthBytesPerNs / 2',
      from: ['device.memory.bandwidthBytesPerNs'],
      compute: (g) => g('device.memory.bandwidthBytesPerNs') / 2,
    },
  }),
  // ---- link
  f('link.peakBytesPerNs', 'rate', 'spec peak per direction'),
  f('link.h2dBytesPerNs', 'rate', 'achieved asymptotic host-to-device copy rate'),
  f('link.d2hBytesPerNs', 'rate', 'achieved asymptotic device-to-host copy rate'),
  f('link.latencyNs', 'ns', 'fixed cost per transfer (affine model)'),
  f('link.remoteLatencyNs', 'ns', 'latency of one remote (non-migrating) access', {
    derive: { rule: 'link.latencyNs', from: ['link.latencyNs'], compute: (g) => g('link.latencyNs') },
  }),
  f('link.model', 'enum', 'transfer-time model', { values: ['affine', 'atan'] }),
  f('link.atanA', 'number', 'UVMSmart atan model: asymptote parameter a (GiB/s: gpu-sim.cc divides by 1024^3)', { min: 0, exclusiveMin: true }),
  f('link.atanB', 'number', 'UVMSmart atan model: slope parameter b (per KB)', { min: 0, exclusiveMin: true }),
  // ---- host
  f('host.dramBytes', 'bytes', 'host memory available as backing store (caps oversubscription)'),
  f('host.devices', 'count', 'number of identical devices on the platform (agents dev0…devN-1)', { min: 1 }),
  f('host.cores', 'count', 'CPU cores taking part in TLB shootdowns', { min: 1 }),
  f('host.tlbShootdownNs', 'ns', 'CPU TLB shootdown for one unmapped range', {
    derive: { rule: '2000 ns + 200 ns × host.cores', from: ['host.cores'], compute: (g) => 2000 + 200 * g('host.cores') },
  }),
  f('host.cpuFaultNs', 'ns', 'CPU page-fault base cost'),
  f('host.zeroFillBytesPerNs', 'rate', 'host zero-fill (and page copy) rate'),
  f('host.dmaMapNs', 'ns', 'DMA map of one unit'),
  f('host.dmaUnmapNs', 'ns', 'DMA unmap of one unit'),
  f('host.notifierNs', 'ns', 'one MMU-notifier callback'),
  f('host.mmapNs', 'ns', 'one mmap call'),
  f('host.munmapNs', 'ns', 'one munmap call'),
  f('host.vmaSplitNs', 'ns', 'one VMA split or merge'),
  f('host.mprotectNs', 'ns', 'one mprotect call, excluding TLB shootdowns'),
];

/** Key path → field spec. */
export const FIELD_BY_KEY: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((s) => [s.key, s]));

/** All valid override keys, sorted (for error messages). */
export const FIELD_KEYS: readonly string[] = FIELDS.map((s) => s.key).sort();

/** `device.memory.capacityBytes` → [`device`, `memory.capacityBytes`]. */
export function splitKey(key: string): [ProfilePart, string] {
  const i = key.indexOf('.');
  return [key.slice(0, i) as ProfilePart, key.slice(i + 1)];
}
