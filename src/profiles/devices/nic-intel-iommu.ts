import { GiB, KiB, MiB } from '../../units';
import type { DevicePreset } from '../preset-types';

/** A NIC doing DMA through Intel VT-d: the GMEM IOMMU case study (docs/hardware-profiles.md §4). No device memory. */
export const nicIntelIommu: DevicePreset = {
  id: 'nic-intel-iommu',
  summary: 'NIC DMA through Intel VT-d IOMMU (no device memory; IOTLB without range invalidation)',
  values: {
    memory: { capacityBytes: 0, bandwidthBytesPerNs: 12.5 },
    pageSizesBytes: [4 * KiB, 2 * MiB, 1 * GiB],
    capability: { replayable: false, peer: false },
    vaBits: 48,
    ptLevels: 4,
    tlb: { invalidateNs: 1_000, invalidateAllNs: 2_000, rangeInvalidate: false },
    map: { pteNs: 100, iovaAllocNs: 200 },
  },
  sources: {
    'memory.capacityBytes': { status: 'D', ref: 'a NIC has no device memory managed by GMEM; DMA targets host memory' },
    'memory.bandwidthBytesPerNs': { status: 'P', ref: 'NIC line rate set per experiment (paper NIC unknown); 100 Gb/s = 12.5 GB/s assumed' },
    pageSizesBytes: { status: 'D', ref: 'GMEM Intel IOMMU ops pgsize_bitmap (github.com/rice-systems/gmem-src)' },
    'capability.replayable': { status: 'D', ref: 'IOMMU DMA faults are not replayable' },
    'capability.peer': { status: 'D', ref: 'no device OS' },
    vaBits: { status: 'U', ref: 'VT-d 4-level second-stage tables (48-bit)' },
    ptLevels: { status: 'U', ref: 'VT-d 4-level second-stage tables' },
    'tlb.invalidateNs': { status: 'P', ref: 'one IOTLB entry: no public measurement' },
    'tlb.invalidateAllNs': { status: 'P', ref: 'domain-wide IOTLB flush: no public measurement' },
    'tlb.rangeInvalidate': { status: 'D', ref: 'GMEM Intel IOMMU ops mmu_has_range_tlb = false (rice-systems/gmem-src)' },
    'map.pteNs': { status: 'P', ref: 'assumption' },
    'map.iovaAllocNs': { status: 'P', ref: 'assumption' },
  },
};
