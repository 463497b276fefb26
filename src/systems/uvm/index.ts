import type { SystemDef, SystemPreset } from '../../sim/system';
import { UVM_DEFAULTS, UVM_PARAM_DOCS, validateUvmParams, type UvmParams } from './params';
import { UvmModel } from './uvm';

/** The NVIDIA UVM model (docs/systems.md §uvm). */
export const uvmSystem: SystemDef<UvmParams> = {
  name: 'uvm',
  revision: 9,
  summary: 'NVIDIA UVM: 2 MiB VA blocks, replayable fault batches, density prefetcher, root-chunk eviction, thrashing throttle/pin',
  defaults: UVM_DEFAULTS,
  params: UVM_PARAM_DOCS,
  validate: validateUvmParams,
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
