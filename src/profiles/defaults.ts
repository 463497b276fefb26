import { GiB } from '../units';
import type { PresetData } from './preset-types';
import type { DeviceProfile, HostProfile, LinkProfile } from './types';

/**
 * Shared defaults (docs/hardware-profiles.md §2): apply to every preset that does not state a value. Derived
 * fields (`fields.ts`) are not listed: they are computed from their base fields after overrides.
 */
const HWP = 'docs/hardware-profiles.md §2';

export const DEVICE_DEFAULTS: PresetData<DeviceProfile> = {
  id: 'defaults',
  summary: 'shared device defaults',
  values: {
    capability: { replayable: true, peer: false },
    vaBits: 49,
    ptLevels: 5,
    pageTable: { dirBytes: 4096, pteTablesBytesPer2M: 4096 + 256 },
    fault: { serviceNs: 40_000, batchFixedNs: 10_000, perPageNs: 5_000, perEntryNs: 200, perBlockNs: 5_000, perFaultNs: 1_133, perRegionNs: 2_850, pmaAllocNs: 550_000 },
    tlb: { invalidateNs: 5_000, rangeInvalidate: true },
    map: {
      bindNs: 744,
      unbindNs: 500,
      pteNs: 100,
      submitNs: 20_000,
      pmapCreateNs: 10_000,
      peerVaAllocNs: 10_000,
      peerVaFreeNs: 10_000,
      iovaAllocNs: 200,
    },
  },
  sources: {
    'capability.replayable': { status: 'U', ref: 'GPUs with demand paging replay faulting accesses (GMEM GM_DEV_CAP_REPLAYABLE, RFC 3/6)' },
    'capability.peer': { status: 'U', ref: 'only devices running their own OS (Ascend NPU) are PEER (RFC cover letter)' },
    vaBits: { status: 'U', ref: 'Turing/Ampere-style MMU layout assumed (uvm_turing_mmu.c)' },
    ptLevels: { status: 'U', ref: 'Turing/Ampere-style MMU layout assumed (uvm_turing_mmu.c)' },
    'pageTable.dirBytes': { status: 'D', ref: 'NVIDIA open-gpu-kernel-modules 595.45.04 uvm_turing_mmu.c:206-213 allocation_size_turing: 4096 for every directory (Ampere copies the Turing HAL, uvm_ampere_mmu.c:62-69; Hopper uvm_hopper_mmu.c:118-128)' },
    'pageTable.pteTablesBytesPer2M': { status: 'D', ref: '595.45.04 uvm_turing_mmu.c:180-213: 4 KiB PTEs 2^9 × 8 B = 4096 (allocation 4096) + 64 KiB PTEs 2^5 × 8 B (allocation 256); same in uvm_hopper_mmu.c:90-128' },
    'fault.serviceNs': { status: 'P', ref: `${HWP}: commonly quoted 20–50 µs far-fault latency (Zheng et al., HPCA 2016 lineage; not checked); sweep 30,000–50,000` },
    'fault.batchFixedNs': { status: 'P', ref: `${HWP}: no public measurement` },
    'fault.perPageNs': { status: 'M', ref: 'Titan V, sgemm 16384, prefetch off: ~1 ms per ~780 KB migrated (github.com/tallendev/uvm-eval figures, ±20 %); uvm uses it only for synchronous prefetch rows' },
    'fault.perEntryNs': { status: 'P', ref: `${HWP}: no measurement; a short loop per entry (fetch_fault_buffer_entries, preprocess_fault_batch sort, uvm_gpu_replayable_faults.c:832, :1120)` },
    'fault.perBlockNs': { status: 'P', ref: `${HWP}: no measurement; per VA block serviced (uvm_va_block_service_locked, uvm_gpu_replayable_faults.c:1568): page-table push, membar, TLB invalidate — set to the tlb.invalidateNs default` },
    'fault.perFaultNs': { status: 'P', ref: 'the Titan V value (devices/titanv.ts, derived from the recorded uvm-eval fault log) reused: no per-device measurement of the per-fault service cost' },
    'fault.perRegionNs': { status: 'P', ref: 'the Titan V calibration (devices/titanv.ts) reused: no per-device measurement of the per-region service cost' },
    'fault.pmaAllocNs': { status: 'P', ref: 'the Titan V value (devices/titanv.ts, derived from the recorded uvm-eval fault log) reused: no per-device measurement of a PMA allocation call' },
    'tlb.invalidateNs': { status: 'P', ref: `${HWP}: no public GPU TLB-invalidate measurement; sweep 1,000–20,000` },
    'tlb.rangeInvalidate': { status: 'U', ref: 'GPU MMUs invalidate by VA range (UVM uvm_tlb_batch); assumption' },
    'map.bindNs': { status: 'M', ref: 'github.com/AsahiLinux/linux/pull/495: 0.744 µs per bind after optimisation (Apple GPU)' },
    'map.unbindNs': { status: 'M', ref: 'github.com/AsahiLinux/linux/pull/495: unbind ~0.5 µs (Apple GPU)' },
    'map.pteNs': { status: 'P', ref: `${HWP}: assumption` },
    'map.submitNs': { status: 'P', ref: 'docs/gmem-model.md §8: per-submission sync "tens of µs" (assumed)' },
    'map.pmapCreateNs': { status: 'P', ref: `${HWP}: assumption (device-OS round trip)` },
    'map.peerVaAllocNs': { status: 'P', ref: `${HWP}: assumption (device-OS round trip)` },
    'map.peerVaFreeNs': { status: 'P', ref: `${HWP}: assumption (device-OS round trip)` },
    'map.iovaAllocNs': { status: 'P', ref: 'docs/hardware-profiles.md §4 nic-intel-iommu: IOVA allocation 200 ns (assumption)' },
  },
};

export const LINK_DEFAULTS: PresetData<LinkProfile> = {
  id: 'defaults',
  summary: 'shared link defaults',
  values: { model: 'affine', atanA: 12, atanB: 0.07292 },
  sources: {
    model: { status: 'D', ref: 'docs/hardware-profiles.md §3: use affine for modern profiles' },
    atanA: { status: 'D', ref: 'UVMSmart gpu-sim.cc convert_byte_string l. 638–648: a = 12 GiB/s for -pcie_bandwidth 16.0GB/s (configs/GeForceGTX1080Ti)' },
    atanB: { status: 'D', ref: 'UVMSmart gpu-sim.cc convert_byte_string l. 648: b = 0.07292 per KB' },
  },
};

export const HOST_DEFAULTS: PresetData<HostProfile> = {
  id: 'defaults',
  summary: 'shared host defaults',
  values: {
    dramBytes: 128 * GiB,
    devices: 1,
    cores: 16,
    cpuFaultNs: 1_000,
    zeroFillBytesPerNs: 10,
    dmaMapNs: 500,
    dmaUnmapNs: 500,
    notifierNs: 2_000,
    mmapNs: 2_000,
    munmapNs: 3_000,
    vmaSplitNs: 500,
    mprotectNs: 1_000,
  },
  sources: {
    dramBytes: { status: 'P', ref: `${HWP}: 128 GB, set per experiment` },
    devices: { status: 'D', ref: 'docs/cli.md §3: one device unless host.devices=N' },
    cores: { status: 'P', ref: `${HWP}: 16, set per experiment` },
    cpuFaultNs: { status: 'P', ref: `${HWP}: assumption; THP faults are dominated by zero-fill` },
    zeroFillBytesPerNs: { status: 'P', ref: `${HWP}: assumption (single-core memset)` },
    dmaMapNs: { status: 'P', ref: `${HWP}: assumption` },
    dmaUnmapNs: { status: 'P', ref: `${HWP}: assumption` },
    notifierNs: { status: 'P', ref: `${HWP}: assumption; no public measurement` },
    mmapNs: { status: 'P', ref: 'docs/gmem-model.md §11: placeholder until measured' },
    munmapNs: { status: 'P', ref: 'docs/gmem-model.md §11: placeholder until measured' },
    vmaSplitNs: { status: 'P', ref: 'docs/gmem-model.md §11: placeholder until measured' },
    mprotectNs: { status: 'P', ref: 'project assumption: one syscall with a VMA walk, like mmap without allocation' },
  },
};
