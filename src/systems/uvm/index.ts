import type { DeviceUnit, SystemDef, SystemPreset } from '../../sim/system';
import { PAGE_BYTES } from './device-memory';
import { evictionVariant } from './evictions';
import { UVM_DEFAULTS, UVM_PARAM_DOCS, validateUvmParams, type UvmParams } from './params';
import { UvmModel } from './uvm';

/**
 * The smallest device memory the model takes (device-memory.ts): a 4 KiB frame in the page granule; in the chunk
 * granule a root chunk of a VA block in the driver mode (short blocks take sub-chunks of shared root chunks),
 * a chunk of a short block rounded up to the big page in the UVMSmart mode (faultCost=far-fault).
 */
function uvmDeviceUnit(p: Readonly<UvmParams>): DeviceUnit {
  const uvmsmart = p.faultCost === 'far-fault';
  if (evictionVariant(p.eviction, uvmsmart).granule === 'page') return { bytes: PAGE_BYTES, what: 'page frame' };
  return uvmsmart ? { bytes: p.bigPageBytes, what: 'chunk of a short VA block', param: 'bigPageBytes' } : { bytes: p.vaBlockBytes, what: 'root chunk', param: 'vaBlockBytes' };
}

/** The NVIDIA UVM model (docs/systems.md §uvm). */
export const uvmSystem: SystemDef<UvmParams> = {
  name: 'uvm',
  revision: 10,
  summary: 'NVIDIA UVM: 2 MiB VA blocks, replayable fault batches, density prefetcher, root-chunk eviction, thrashing throttle/pin',
  defaults: UVM_DEFAULTS,
  params: UVM_PARAM_DOCS,
  validate: validateUvmParams,
  deviceUnit: uvmDeviceUnit,
  create: (params, env) => new UvmModel(params, env),
};

/** `uvm` preset: driver 595.45.04 defaults; ISCA'19 variants by item syntax (`uvm:prefetch=none:eviction=lru-4k`). */
export const uvmPreset: SystemPreset = {
  name: 'uvm',
  summary: 'NVIDIA UVM (driver defaults); prefetch=tbn|none|random-4k|sl-64k, eviction=chunk-lrm|chunk-age|lru-4k|random-4k|sl-64k|tbn-pre|lru-2m|reserved-lru',
  def: uvmSystem,
  params: {},
};

export type { UvmParams } from './params';
